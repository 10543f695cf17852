"""Webhook intake under gunicorn with the production settings (PostgreSQL, Redis) on this machine.

What it does, in order:
1. Creates its own database (mlc_bench), migrates it, flushes Redis db 14, and creates a tenant with
   an ACTIVE connection (status set directly: activation would call BigCommerce to register hooks).
2. Starts gunicorn (`config.wsgi`) on 127.0.0.1 with the Procfile's settings (config/gunicorn.py),
   DEBUG off, PostgreSQL, the Redis broker, strong random SECRET_KEY/SALT_KEY and plain HTTP
   (SECURE_SSL_REDIRECT=false); --workers/--threads/--worker-class override the layout.
3. Before each step, signs every request (Standard Webhooks, key = base64(client secret)), each a
   distinct order, plus a share of exact redeliveries (same bytes, same headers) of earlier ones,
   and hands them to load processes. These are plain sockets with pre-built HTTP/1.1 bytes, keep-alive
   connections and an open loop: request i is sent at start + i / rate whatever came back before it,
   so a slow server cannot slow the offered rate down.
4. Per step prints offered and achieved rate, latency (send -> full response) p50/p95/p99/max, non-2xx
   answers, the p99 measured from the *scheduled* send time (counts any wait for a free connection),
   and where the CPU went (ms per request in gunicorn, our PostgreSQL backends, Redis and the load
   processes; how busy the machine was, and how much of it other work took).
5. Then the lost-event check: every distinct request answered 2xx has exactly one InboundEvent row
   (by its dedupe key), redeliveries added none, every row is `dispatched`, and the process_events
   messages in the Redis 'webhooks' queue name every row exactly once (the web processes send them
   in batches; no Celery worker runs, so they stay queued);
   and the verdict against the target (>= 500/s sustained, p99 < 50 ms, none lost).
6. Stops gunicorn and the load processes by pid, drops the database and flushes Redis db 14.

Bounded: steps stop once the server is saturated (p99 from schedule over 2 s, or under 80 % of the
offered rate achieved), and a step is skipped when it would overrun --budget seconds. Loopback only.

Run:  .venv/bin/python benchmarks/webhook_intake.py [--rates 100,250,500,750,1000] [--seconds 8]
      [--workers 3 --threads 2 | --worker-class sync --workers 5] [--keep-db]
"""

import argparse
import base64
import contextlib
import json
import multiprocessing as mp
import os
import random
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
PG_SERVER = "postgres://postgres@127.0.0.1:5432"
DB_NAME = "mlc_bench"
REDIS_URL = "redis://127.0.0.1:6379/14"
QUEUE = "webhooks"  # config/celery.py routes webhooks.tasks.* here

WARMUP_RATE, WARMUP_SECONDS = 100, 2.0  # opens each thread's DB connection, derives the keys
REQUEST_TIMEOUT = 10.0
# Like the load balancer in front of gunicorn: idle connections stay open between steps and are
# closed by us before gunicorn's keep-alive (75 s, config/gunicorn.py) would close them (no races).
IDLE_CLOSE = 30.0
MAX_CONNECTIONS = 64  # per load process
TARGET_RATE = 500  # the target: >= 500/s sustained, p99 < 50 ms, zero lost


# --- Load process (standard library only: it is started with "spawn") -------------------------


def _parse_response(buf: bytes):
    """(status, close_after) once a whole response is in buf, else None."""
    end = buf.find(b"\r\n\r\n")
    if end < 0:
        return None
    lines = buf[:end].decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    length, close = 0, False
    for line in lines[1:]:
        name, _, value = line.partition(":")
        name, value = name.strip().lower(), value.strip().lower()
        if name == "content-length":
            length = int(value)
        elif name == "connection" and value == "close":
            close = True
    if len(buf) < end + 4 + length:
        return None
    return status, close


def run_plan(port: int, start: float, plan: list) -> list:
    """Send plan [(index, due offset, raw request)] open-loop; return rows
    (index, due, sent, done, status) in monotonic seconds, status 0 for errors and timeouts."""
    sel = selectors.DefaultSelector()
    idle: list = []  # [(sock, last used)], most recently used last
    inflight: dict = {}  # sock -> [index, due, sent, buffer]
    rows: list = []
    opened = 0

    def close(sock):
        nonlocal opened
        sel.unregister(sock)
        sock.close()
        opened -= 1

    i, n = 0, len(plan)
    while i < n or inflight:
        now = time.monotonic()
        while idle and now - idle[0][1] > IDLE_CLOSE:
            close(idle.pop(0)[0])
        while i < n and start + plan[i][1] <= now:
            if idle:
                sock = idle.pop()[0]
            elif opened < MAX_CONNECTIONS:
                try:
                    sock = socket.create_connection((HOST, port), timeout=REQUEST_TIMEOUT)
                except OSError:  # refused: the server is gone; count it and go on
                    rows.append((plan[i][0], start + plan[i][1], now, time.monotonic(), 0))
                    i += 1
                    continue
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                sel.register(sock, selectors.EVENT_READ)
                opened += 1
            else:
                break  # every connection busy: this request waits (and is counted late)
            index, due, raw = plan[i]
            sent = time.monotonic()
            try:
                sock.sendall(raw)
            except OSError:
                rows.append((index, start + due, sent, time.monotonic(), 0))
                close(sock)
            else:
                inflight[sock] = [index, start + due, sent, b""]
            i += 1
        if i < n and (idle or opened < MAX_CONNECTIONS):
            wait = max(0.0, start + plan[i][1] - time.monotonic())
        else:
            wait = 0.05
        for key, _ in sel.select(min(wait, 0.05)):
            sock = key.fileobj
            try:
                chunk = sock.recv(65536)
            except OSError:
                chunk = b""
            state = inflight.get(sock)
            if state is None:  # an idle connection the server closed
                idle[:] = [entry for entry in idle if entry[0] is not sock]
                close(sock)
                continue
            if not chunk:
                del inflight[sock]
                rows.append((state[0], state[1], state[2], time.monotonic(), 0))
                close(sock)
                continue
            state[3] += chunk
            parsed = _parse_response(state[3])
            if parsed is None:
                continue
            done = time.monotonic()
            del inflight[sock]
            rows.append((state[0], state[1], state[2], done, parsed[0]))
            if parsed[1]:
                close(sock)
            else:
                idle.append((sock, done))
        now = time.monotonic()
        for sock, state in list(inflight.items()):
            if now - state[2] > REQUEST_TIMEOUT:
                del inflight[sock]
                rows.append((state[0], state[1], state[2], now, 0))
                close(sock)
    for sock, _ in idle:
        close(sock)
    return rows


def loader_main(pipe, port: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent cleans up
    while (job := pipe.recv()) is not None:
        start, plan = job
        pipe.send(run_plan(port, start, plan))


# --- CPU accounting from /proc (Linux) ---------------------------------------------------------

TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _proc_stat(pid: int):
    """(ppid, comm, cpu seconds) or None."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            raw = f.read()
    except OSError:
        return None
    comm = raw[raw.index("(") + 1 : raw.rindex(")")]
    fields = raw[raw.rindex(")") + 2 :].split()
    return int(fields[1]), comm, (int(fields[11]) + int(fields[12])) / TICK


def cpu_snapshot(gunicorn_pid: int, loader_pids: list[int]) -> dict:
    """CPU seconds used so far by each party, and by the whole machine."""
    out = Counter()
    try:
        with open("/proc/stat") as f:
            values = [int(v) for v in f.readline().split()[1:]]
        out["machine"] = (sum(values) - values[3] - values[4]) / TICK  # minus idle and iowait
    except OSError:
        return out
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        pid = int(entry.name)
        stat = _proc_stat(pid)
        if stat is None:
            continue
        ppid, comm, seconds = stat
        if pid == gunicorn_pid or ppid == gunicorn_pid:
            out["gunicorn"] += seconds
        elif pid in loader_pids:
            out["load"] += seconds
        elif comm.startswith("redis-server"):
            out["redis"] += seconds
        elif comm.startswith("postgres"):
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    cmdline = f.read()
            except OSError:
                continue
            if f" {DB_NAME} ".encode() in cmdline:  # our backends, not other databases'
                out["postgres"] += seconds
    return out


def machine_busy_share(seconds: float = 1.0) -> float:
    """Share of all cores busy over `seconds`, before we start anything."""
    try:
        with open("/proc/stat") as f:
            a = [int(v) for v in f.readline().split()[1:]]
        time.sleep(seconds)
        with open("/proc/stat") as f:
            b = [int(v) for v in f.readline().split()[1:]]
    except OSError:
        return float("nan")
    total = sum(b) - sum(a)
    idle = (b[3] + b[4]) - (a[3] + a[4])
    return (total - idle) / total if total else 0.0


# --- Set-up, server, requests ------------------------------------------------------------------


def bench_environment(var_dir: str) -> dict:
    return {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": f"{PG_SERVER}/{DB_NAME}",
        "REDIS_URL": REDIS_URL,
        "DEBUG": "false",
        "DEMO_MODE": "false",
        "SECURE_SSL_REDIRECT": "false",  # plain HTTP on loopback; TLS ends at the proxy
        "ALLOWED_HOSTS": HOST,
        "SECRET_KEY": secrets_token(50),
        "SALT_KEY": secrets_token(24),
        "VAR_DIR": var_dir,  # an empty one: no var/.env of this checkout is read
        "STATIC_ROOT": os.path.join(var_dir, "staticfiles"),
    }


def secrets_token(length: int) -> str:
    import secrets

    return secrets.token_urlsafe(length)


def set_up(keep_existing: bool) -> tuple:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]).fetchone()
        if not (keep_existing and exists):
            conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {DB_NAME}")
    import django

    django.setup()
    import redis
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    redis.Redis.from_url(REDIS_URL).flushdb()

    from tenants.models import Connection, ConnectionStatus
    from tenants.services import tenant_create

    tenant = tenant_create(name=f"Bench {uuid.uuid4().hex[:8]}")
    connection = Connection.objects.create(
        tenant=tenant, name="Bench store", store_hash="bench1", erp_kind="myob",
        bc_access_token=secrets_token(24), bc_client_secret=secrets_token(24),
        status=ConnectionStatus.ACTIVE,
    )  # fmt: skip
    return connection.pk, connection.bc_client_secret, connection.store_hash


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def start_gunicorn(args, port: int, log_path: str) -> subprocess.Popen:
    command = [
        sys.executable, "-m", "gunicorn", "-c", "python:config.gunicorn", "config.wsgi",
        "--bind", f"{HOST}:{port}", "--error-logfile", log_path,
    ]  # fmt: skip
    for flag, value in (
        ("--worker-class", args.worker_class),
        ("--workers", args.workers),
        ("--threads", args.threads),
    ):
        if value is not None:  # otherwise the production setting in config/gunicorn.py
            command += [flag, str(value)]
    log = open(log_path, "ab")  # noqa: SIM115 - closed with the process
    server = subprocess.Popen(
        command, cwd=ROOT, env=os.environ.copy(), stdout=subprocess.DEVNULL, stderr=log
    )
    log.close()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}; see {log_path}")
        try:
            with socket.create_connection((HOST, port), timeout=2) as sock:
                sock.sendall(f"GET /healthz HTTP/1.1\r\nHost: {HOST}\r\n\r\n".encode())
                if sock.recv(64).startswith(b"HTTP/1.1 200"):
                    return server
        except OSError:
            pass
        time.sleep(0.3)
    stop_gunicorn(server)
    raise RuntimeError(f"gunicorn did not answer /healthz within 30 s; see {log_path}")


def stop_gunicorn(server: subprocess.Popen) -> None:
    if server.poll() is not None:
        return
    workers = [
        int(e.name)
        for e in os.scandir("/proc")
        if e.name.isdigit() and (_proc_stat(int(e.name)) or (0,))[0] == server.pid
    ]
    server.terminate()  # SIGTERM to the master: graceful stop of its workers
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        for pid in [server.pid, *workers]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        server.wait(timeout=5)


class Requests:
    """Signed deliveries for distinct orders, with exact redeliveries mixed in."""

    def __init__(self, connection_id, secret: str, store_hash: str, port: int, duplicates: float):
        from standardwebhooks import Webhook

        self.webhook = Webhook(base64.b64encode(secret.encode()).decode())
        self.path = f"/webhooks/bigcommerce/{connection_id}/"
        self.store_hash, self.port, self.duplicates = store_hash, port, duplicates
        self.next_order = 1
        self.keys: list[str] = []  # dedupe key of each distinct delivery, by delivery number
        self.random = random.Random(4)

    def _delivery(self) -> tuple[int, bytes]:
        from webhooks.services import dedupe_key

        order_id, self.next_order = self.next_order, self.next_order + 1
        payload = {
            "scope": "store/order/created", "store_id": "1001",
            "data": {"type": "order", "id": order_id}, "hash": uuid.uuid4().hex + uuid.uuid4().hex[:8],
            "created_at": int(time.time()), "producer": f"stores/{self.store_hash}",
        }  # fmt: skip
        body = json.dumps(payload)
        msg_id, now = f"msg_{uuid.uuid4().hex}", datetime.now(tz=UTC)
        head = (
            f"POST {self.path} HTTP/1.1\r\nHost: {HOST}:{self.port}\r\n"
            "User-Agent: Bigcommerce-Webhooks/bench\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nwebhook-id: {msg_id}\r\n"
            f"webhook-timestamp: {int(now.timestamp())}\r\n"
            f"webhook-signature: {self.webhook.sign(msg_id, now, body)}\r\n\r\n"
        )
        self.keys.append(dedupe_key(payload))
        return len(self.keys) - 1, head.encode() + body.encode()

    def step(self, rate: float, seconds: float) -> list[tuple[int, bool, float, bytes]]:
        """[(delivery number, is a redelivery, due offset, raw request)], one every 1/rate s. A
        redelivery repeats one of the last second's deliveries byte for byte: some race their
        original, some come after it."""
        made: list[tuple[int, bool, bytes]] = []
        for _ in range(int(rate * seconds)):
            if made and self.random.random() < self.duplicates:
                number, _, raw = self.random.choice(made[-int(rate) :])
                made.append((number, True, raw))
            else:
                number, raw = self._delivery()
                made.append((number, False, raw))
        return [(number, again, i / rate, raw) for i, (number, again, raw) in enumerate(made)]


def percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return float("nan")
    return sorted_values[min(len(sorted_values) - 1, int(q * len(sorted_values)))]


class Run:
    def __init__(self, loaders, gunicorn_pid: int):
        self.loaders = loaders  # [(process, pipe)]
        self.gunicorn_pid = gunicorn_pid
        self.answers: list[tuple[int, bool, int]] = []  # (delivery number, redelivery, status)

    def step(self, plan: list) -> dict:
        """plan: [(delivery number, is a redelivery, due offset, raw request)]."""
        pids = [process.pid for process, _ in self.loaders]
        # Loaders get each request's position in the step as its index; dealt round-robin.
        positioned = [(i, due, raw) for i, (_, _, due, raw) in enumerate(plan)]
        start = time.monotonic() + 0.3  # time to hand the plan over
        for k, (_, pipe) in enumerate(self.loaders):
            pipe.send((start, positioned[k :: len(self.loaders)]))
        before = cpu_snapshot(self.gunicorn_pid, pids)
        rows = [row for _, pipe in self.loaders for row in pipe.recv()]
        after = cpu_snapshot(self.gunicorn_pid, pids)
        self.answers += [(plan[index][0], plan[index][1], status) for index, *_, status in rows]
        ok = [r for r in rows if 200 <= r[4] < 300]
        latency = sorted((done - sent) * 1000 for _, _, sent, done, _ in rows)
        from_schedule = sorted((done - due) * 1000 for _, due, _, done, _ in rows)
        span = max(r[3] for r in rows) - start  # first due send to last answer
        used = {k: after[k] - before[k] for k in after}
        ours = sum(used.get(k, 0) for k in ("gunicorn", "postgres", "redis", "load"))
        cores = os.cpu_count() or 1
        return {
            "achieved": len(ok) / span,
            "p50": percentile(latency, 0.50),
            "p95": percentile(latency, 0.95),
            "p99": percentile(latency, 0.99),
            "max": latency[-1],
            "sched_p99": percentile(from_schedule, 0.99),
            "errors": len(rows) - len(ok),
            "cpu_ms": {k: v * 1000 / len(rows) for k, v in used.items()},
            "busy": used.get("machine", 0) / span / cores,
            # Everything else on the machine: other jobs, our parent process, the kernel's share.
            "others": max(0.0, used.get("machine", 0) - ours) / span / cores,
        }


def check_events(connection_id, requests: Requests, answers: list) -> bool:
    from django.db import connection as db

    from webhooks.models import InboundEvent

    db.close()  # a fresh connection: nothing cached from before the run
    events = InboundEvent.objects.filter(connection_id=connection_id)
    rows = Counter(events.values_list("dedupe_key", flat=True))
    states = Counter(events.values_list("state", flat=True))
    accepted = {requests.keys[n] for n, _, status in answers if 200 <= status < 300}
    sent = {requests.keys[n] for n, _, _ in answers}
    lost = accepted - set(rows)
    extra_rows = sum(count - 1 for count in rows.values())  # a redelivery stored a second time
    unanswered = set(rows) - accepted  # stored, but no 2xx seen (a timeout, say): not lost
    again = [status for _, redelivery, status in answers if redelivery]
    again_ok = sum(1 for status in again if 200 <= status < 300)
    total = sum(rows.values())
    row_ids = set(events.values_list("id", flat=True))
    deadline = time.monotonic() + 5  # the web processes send their last batch within 50 ms
    while True:
        published, messages = _published_event_ids()
        if row_ids <= set(published) or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    unsent = row_ids - set(published)
    twice = sum(1 for count in published.values() if count > 1)
    print(
        f"\nevents: {len(sent)} distinct deliveries sent, {len(accepted)} answered 2xx; "
        f"{total} InboundEvent rows; LOST (2xx without its row): {len(lost)}; "
        f"rows without a 2xx seen: {len(unanswered)}\n"
        f"redeliveries: {len(again)} sent, {again_ok} answered 2xx, second rows: {extra_rows}\n"
        f"hand-over: rows by state {dict(states)}; {messages} process_events messages in the "
        f"Redis list '{QUEUE}' ({total / max(messages, 1):.1f} events each) name "
        f"{len(published)} events; rows without a message: {len(unsent)}, events in more than "
        f"one: {twice}"
    )
    return not lost and not extra_rows and again_ok == len(again) and not unsent and not twice


def _published_event_ids() -> tuple[Counter, int]:
    """How often each event id is named by the process_events messages waiting in the queue, and
    how many messages there are (Celery protocol 2 on kombu's Redis transport: a JSON envelope
    whose body is [args, kwargs, embed])."""
    import redis

    ids: Counter = Counter()
    messages = 0
    for raw in redis.Redis.from_url(REDIS_URL).lrange(QUEUE, 0, -1):
        message = json.loads(raw)
        if message.get("headers", {}).get("task") != "webhooks.tasks.process_events":
            continue
        body = message["body"]
        if message.get("properties", {}).get("body_encoding") == "base64":
            body = base64.b64decode(body)
        ids.update(json.loads(body)[0][0])  # process_events(event_ids)
        messages += 1
    return ids, messages


def describe_machine(args, busy_before: float) -> None:
    import django
    import gunicorn
    import psycopg

    model = ""
    try:
        with open("/proc/cpuinfo") as f:
            model = next(
                (ln.split(":", 1)[1].strip() for ln in f if ln.startswith("model name")), ""
            )
    except OSError:
        pass
    with psycopg.connect(f"{PG_SERVER}/postgres") as conn:
        pg = conn.execute("SHOW server_version").fetchone()[0].split()[0]
        sync = conn.execute("SHOW synchronous_commit").fetchone()[0]
    from config import gunicorn as production  # what the flags left unset come from

    worker_class = args.worker_class or production.worker_class
    workers = args.workers or production.workers
    threads = (
        f" x {args.threads or production.threads} threads" if worker_class == "gthread" else ""
    )
    print(
        f"machine: {os.cpu_count()} cores ({model}), shared by gunicorn, PostgreSQL, Redis and "
        f"the load; load average {os.getloadavg()[0]:.2f}, {busy_before:.0%} of the CPU busy "
        f"before the run\n"
        f"software: Python {sys.version.split()[0]}, Django {django.get_version()}, "
        f"gunicorn {gunicorn.__version__}, psycopg {psycopg.__version__}, PostgreSQL {pg} "
        f"(synchronous_commit={sync})\n"
        f"server: gunicorn {worker_class} {workers} workers{threads}, production "
        f"settings (DEBUG off, persistent DB connections); load: {args.loaders} processes, "
        f"{args.duplicates:.0%} redeliveries\n"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rates", default="100,250,500,750,1000", help="requests/s, per step")
    parser.add_argument("--seconds", type=float, default=8.0, help="length of each step")
    # Unset: the production settings of config/gunicorn.py.
    parser.add_argument("--worker-class")
    parser.add_argument("--workers", type=int)
    parser.add_argument("--threads", type=int)
    parser.add_argument("--loaders", type=int, default=2, help="load processes")
    parser.add_argument("--duplicates", type=float, default=0.10, help="share of redeliveries")
    parser.add_argument("--budget", type=float, default=170.0, help="seconds, all included")
    parser.add_argument("--keep-db", action="store_true", help="keep (and reuse) mlc_bench")
    args = parser.parse_args()
    began = time.monotonic()

    sys.path.insert(0, str(ROOT))
    var_dir = tempfile.mkdtemp(prefix="mlc-bench-")
    os.makedirs(os.path.join(var_dir, "staticfiles"))
    os.environ.update(bench_environment(var_dir))
    busy_before = machine_busy_share()
    server = None
    loaders: list = []
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # run the clean-up below
    try:
        connection_id, secret, store_hash = set_up(args.keep_db)
        describe_machine(args, busy_before)
        port = free_port()
        server = start_gunicorn(args, port, os.path.join(var_dir, "gunicorn.log"))
        spawn = mp.get_context("spawn")  # no Django state, no inherited DB sockets
        for _ in range(args.loaders):
            ours, theirs = spawn.Pipe()
            process = spawn.Process(target=loader_main, args=(theirs, port), daemon=True)
            process.start()
            loaders.append((process, ours))
        requests = Requests(connection_id, secret, store_hash, port, args.duplicates)
        run = Run(loaders, server.pid)

        # Not reported: opens each thread's DB connection; its events are checked with the rest.
        run.step(requests.step(WARMUP_RATE, WARMUP_SECONDS))
        print(
            "latency: send -> whole response, ms (p99 sch: from the scheduled send instead); "
            "CPU: ms per request by party; busy: all cores, of which others: not ours"
        )
        print(
            f"{'offered/s':>9} {'achieved/s':>10} {'p50':>6} {'p95':>6} {'p99':>6} {'max':>7} "
            f"{'non-2xx':>7} {'p99 sch':>8} | {'web':>5} {'pg':>5} {'redis':>5} {'load':>5} | "
            f"{'busy':>4} {'others':>6}"
        )
        sustained = 0.0  # the highest offered rate fully achieved with p99 under 50 ms
        disturbed = 0.0  # the largest share of the machine other work took during a step
        for rate in [float(r) for r in args.rates.split(",")]:
            if time.monotonic() - began + args.seconds + REQUEST_TIMEOUT + 10 > args.budget:
                print(f"{rate:>9.0f}  skipped: it would overrun the {args.budget:.0f} s budget")
                continue
            r = run.step(requests.step(rate, args.seconds))
            cpu = r["cpu_ms"]
            print(
                f"{rate:>9.0f} {r['achieved']:>10.0f} {r['p50']:>6.1f} {r['p95']:>6.1f} "
                f"{r['p99']:>6.1f} {r['max']:>7.1f} {r['errors']:>7} {r['sched_p99']:>8.1f} | "
                f"{cpu.get('gunicorn', 0):>5.2f} {cpu.get('postgres', 0):>5.2f} "
                f"{cpu.get('redis', 0):>5.2f} {cpu.get('load', 0):>5.2f} | "
                f"{r['busy']:>4.0%} {r['others']:>6.0%}",
                flush=True,
            )
            disturbed = max(disturbed, r["others"])
            if r["achieved"] >= 0.98 * rate and r["sched_p99"] < 50 and not r["errors"]:
                sustained = max(sustained, rate)
            if r["sched_p99"] > 2000 or r["achieved"] < 0.8 * rate:
                print(f"{'':>9}  saturated: higher rates skipped")
                break
        clean = check_events(connection_id, requests, run.answers)
        met = sustained >= TARGET_RATE and clean
        print(
            f"\nsustained with p99 < 50 ms and every request 2xx: {sustained:.0f}/s; target "
            f"(>= {TARGET_RATE}/s, p99 < 50 ms, none lost): {'MET' if met else 'NOT MET'}"
        )
        if disturbed > 0.10:
            print(
                f"caution: other work took up to {disturbed:.0%} of the machine during a step; "
                "run again on a quiet machine for figures to compare"
            )
        with open(os.path.join(var_dir, "gunicorn.log"), errors="replace") as log:
            levels = Counter(
                level
                for line in log
                for level in ("ERROR", "WARNING", "Traceback")
                if level in line
            )
        if levels:
            print(f"gunicorn log: {dict(levels)} (lines by level; the log is removed at the end)")
    finally:
        for process, pipe in loaders:
            with contextlib.suppress(OSError):
                pipe.send(None)
            process.join(timeout=5)
            if process.is_alive():
                process.kill()
        if server is not None:
            stop_gunicorn(server)
        _tear_down(args.keep_db)
        shutil.rmtree(var_dir, ignore_errors=True)
    print(f"total {time.monotonic() - began:.0f} s")
    return 0


def _tear_down(keep_db: bool) -> None:
    try:
        import redis

        redis.Redis.from_url(REDIS_URL).flushdb()
    except Exception as exc:
        print(f"could not flush Redis db 14: {exc}")
    if keep_db:
        return
    try:
        import psycopg
        from django.db import connections

        connections.close_all()
        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
    except Exception as exc:
        print(f"could not drop {DB_NAME}: {exc}")


if __name__ == "__main__":
    sys.exit(main())
