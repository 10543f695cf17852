"""Webhook intake under gunicorn with production settings (PostgreSQL, Redis) on this machine.

Signed BigCommerce stubs are sent open-loop at increasing rates from separate processes over
loopback keep-alive connections; latency is measured from each request's *scheduled* time (so a
server that falls behind is not flattered). 10 % of requests are exact redeliveries. At the end every
distinct 2xx must have exactly one InboundEvent row, and redeliveries none: "lost" counts the gap.

Run:  .venv/bin/python benchmarks/webhook_intake.py  [--rates 100,250,500,750,1000] [--seconds 8]
Needs PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379; uses its own database (mlc_bench)
and Redis db 14, and stops everything it started.
"""

import argparse
import base64
import http.client
import json
import multiprocessing as mp
import os
import secrets
import statistics
import subprocess
import sys
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PORT = 8765
ENV = {
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/mlc_bench",
    "REDIS_URL": "redis://127.0.0.1:6379/14",
    "DEBUG": "false",
    "DEMO_MODE": "false",
    "SECURE_SSL_REDIRECT": "false",  # plain HTTP on loopback; TLS ends at the proxy in production
    "ALLOWED_HOSTS": "127.0.0.1",
    "SECRET_KEY": "bench-" + secrets.token_urlsafe(48),
    "SALT_KEY": "bench-salt",
    "LOG_LEVEL": "WARNING",
    "AXES_ENABLED": "false",
}
DUPLICATE_SHARE = 0.10


def setup_database() -> tuple[str, str, str]:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS mlc_bench WITH (FORCE)")
        conn.execute("CREATE DATABASE mlc_bench")
    os.environ.update(ENV)
    os.environ.setdefault("VAR_DIR", str(ROOT / "var" / "bench"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    import redis

    redis.Redis.from_url(ENV["REDIS_URL"]).flushdb()
    from tenants.models import Connection, ConnectionStatus
    from tenants.services import tenant_create

    tenant = tenant_create(name="Bench")
    connection = Connection.objects.create(
        tenant=tenant, name="Bench store", store_hash="bench1", erp_kind="myob",
        bc_access_token=secrets.token_hex(16), bc_client_secret=secrets.token_hex(16),
        status=ConnectionStatus.ACTIVE,
    )  # fmt: skip
    return str(connection.pk), connection.bc_client_secret, connection.store_hash


def start_gunicorn() -> subprocess.Popen:
    # gthread: the view waits on PostgreSQL and Redis, so threads overlap that I/O on 2 cores.
    proc = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "config.wsgi", "-b", f"127.0.0.1:{PORT}",
         *os.environ.get("BENCH_GUNICORN", "-k gthread --workers 3 --threads 8").split(),
         "--backlog", "2048", "--log-level", "warning"],
        cwd=ROOT, env={**os.environ}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.3)
    proc.terminate()
    raise RuntimeError("gunicorn did not come up")


def signed_requests(
    secret: str, store_hash: str, count: int, first_id: int
) -> list[tuple[bytes, dict]]:
    from standardwebhooks import Webhook

    webhook = Webhook(base64.b64encode(secret.encode()).decode())
    made: list[tuple[bytes, dict]] = []
    for n in range(count):
        if made and n % int(1 / DUPLICATE_SHARE) == 0:
            made.append(made[-1])  # an exact redelivery
            continue
        order_id = first_id + n
        body = json.dumps({
            "scope": "store/order/created", "store_id": "1001", "data": {"type": "order", "id": order_id},
            "hash": uuid.uuid4().hex + "abcdefgh", "created_at": int(time.time()), "producer": f"stores/{store_hash}",
        })  # fmt: skip
        msg_id, now = f"msg_{uuid.uuid4().hex}", datetime.now(tz=UTC)
        headers = {
            "Content-Type": "application/json",
            "webhook-id": msg_id,
            "webhook-timestamp": str(int(now.timestamp())),
            "webhook-signature": webhook.sign(msg_id, now, body),
        }
        made.append((body.encode(), headers))
    return made


def load_process(path, requests_, rate, threads, results):
    """Open loop: request i is due at start + i / rate, whatever came back before it."""
    start = time.time() + 0.5
    out: list[tuple[float, int, int]] = []
    lock = threading.Lock()

    def worker(offset):
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
        for i in range(offset, len(requests_), threads):
            due = start + i / rate
            delay = due - time.time()
            if delay > 0:
                time.sleep(delay)
            index, body, headers = requests_[i]
            try:
                conn.request("POST", path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
            except OSError:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
                status = 0
            with lock:
                out.append((time.time() - due, status, index))

    pool = [threading.Thread(target=worker, args=(t,)) for t in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    results.put(out)


def run_step(path, reqs, rate, seconds, processes=2, threads=24):
    numbered = [(i, body, headers) for i, (body, headers) in enumerate(reqs)]
    share = [numbered[p::processes] for p in range(processes)]
    results = mp.Queue()
    procs = [
        mp.Process(target=load_process, args=(path, s, rate / processes, threads, results))
        for s in share
    ]
    began = time.time()
    for proc in procs:
        proc.start()
    rows = [row for _ in procs for row in results.get()]
    for proc in procs:
        proc.join()
    elapsed = time.time() - began - 0.5
    return rows, elapsed


def percentile(values, q):
    return statistics.quantiles(values, n=1000)[int(q * 1000) - 1] if len(values) > 1 else values[0]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rates", default="100,250,500,750,1000")
    parser.add_argument("--seconds", type=float, default=8)
    args = parser.parse_args()
    connection_id, secret, store_hash = setup_database()
    server = start_gunicorn()
    path = f"/webhooks/bigcommerce/{connection_id}/"
    accepted_keys: set[bytes] = set()
    sent_duplicates = 0
    print(
        f"{'offered/s':>9} {'achieved/s':>10} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'max ms':>7} {'non-2xx':>7}"
    )
    try:
        next_id = 1
        for rate in [int(r) for r in args.rates.split(",")]:
            count = int(rate * args.seconds)
            reqs = signed_requests(secret, store_hash, count, next_id)
            next_id += count
            rows, elapsed = run_step(path, reqs, rate, args.seconds)
            latencies = [r[0] * 1000 for r in rows]
            ok = [r for r in rows if 200 <= r[1] < 300]
            for _, _, i in ok:
                accepted_keys.add(reqs[i][0])
            sent_duplicates += count - len({body for body, _ in reqs})
            print(f"{rate:>9} {len(ok) / elapsed:>10.0f} {percentile(latencies, 0.5):>7.1f} "
                  f"{percentile(latencies, 0.95):>7.1f} {percentile(latencies, 0.99):>7.1f} "
                  f"{max(latencies):>7.1f} {len(rows) - len(ok):>7}")  # fmt: skip
    finally:
        server.terminate()
        server.wait(timeout=15)
    from django.db import connection as db

    from webhooks.models import InboundEvent

    db.close()
    stored = InboundEvent.objects.filter(connection_id=connection_id).count()
    import redis

    queued = redis.Redis.from_url(ENV["REDIS_URL"]).llen("webhooks")
    print(f"\ndistinct webhooks accepted with 2xx: {len(accepted_keys)}; InboundEvent rows: {stored}; "
          f"lost: {len(accepted_keys) - stored}; redeliveries sent: {sent_duplicates} (rows they added: "
          f"{max(0, stored - len(accepted_keys))}); process_event messages queued: {queued}")  # fmt: skip
    print(f"machine: {os.cpu_count()} cores; python {sys.version.split()[0]}; gunicorn gthread 3x8")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
