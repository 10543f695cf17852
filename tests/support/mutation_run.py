"""Runs the mutations of tests/support/mutations.py (see bin/mutations).

Each mutation is applied to a fresh copy of the checkout (tracked and new files, not var/; .venv
is linked, not copied), the tests it names run there through ./bin/test, and the copy is thrown
away. A mutation whose `find` text is not in its file exactly once is reported as stale:
the code moved on, so the entry must be brought up to date.
"""

import argparse
import fcntl
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from tests.support.mutations import MUTATIONS, Mutation

ROOT = Path(__file__).resolve().parents[2]
# Each test run gets a database and a Redis database of its own (a slot, held by a file lock), so
# runs may go on beside the ordinary suite and beside each other: runs that shared one test
# database failed to create it and were counted as caught.
SLOTS = range(10, 16)  # Redis has 16 databases; the suite uses 9
SETUP_FAILED = "Got an error recreating the test database"


def checkout_files() -> list[str]:
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, capture_output=True, check=True,
    ).stdout  # fmt: skip
    return [name for name in listed.decode().split("\0") if name and (ROOT / name).is_file()]


def make_copy(into: Path) -> Path:
    checkout = into / "checkout"
    for name in checkout_files():
        target = checkout / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)
    (checkout / ".venv").symlink_to(ROOT / ".venv")
    shared = ROOT.parent / "shared"
    if shared.exists():  # the official specs beside the checkout, as in CI
        (into / "shared").symlink_to(shared)
    return checkout


def apply(mutation: Mutation, checkout: Path) -> None:
    path = checkout / mutation.path
    text = path.read_text()
    count = text.count(mutation.find)
    if count != 1:
        raise LookupError(f"{mutation.path}: the text to change occurs {count} times, not once")
    path.write_text(text.replace(mutation.find, mutation.replace))


@contextmanager
def private_services():
    """DATABASE_URL and REDIS_URL no other mutation run uses while this one holds them."""
    while True:
        for slot in SLOTS:
            with open(
                Path(tempfile.gettempdir()) / f"ml-connector-mutants-{slot}.lock", "w"
            ) as lock:
                try:
                    fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    continue
                yield {
                    "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/ml_connector_mutants_{slot}",
                    "REDIS_URL": f"redis://127.0.0.1:6379/{slot}",
                }
                return
        time.sleep(1)


def run_one(mutation: Mutation, verbose: bool) -> tuple[str, float, str]:
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix=f"mutant-{mutation.name}-") as tmp:
        checkout = make_copy(Path(tmp))
        try:
            apply(mutation, checkout)
        except LookupError as exc:
            return "stale", 0.0, str(exc)
        command = ["./bin/test", "-x", "-q", "-p", "no:cacheprovider", *mutation.tests]
        with private_services() as services:
            env = {**os.environ, **services, **mutation.env, "VAR_DIR": str(checkout / "var")}
            env.pop("PYTEST_ADDOPTS", None)
            result = subprocess.run(
                command, cwd=checkout, env=env, capture_output=True, text=True, timeout=1800
            )
    output = result.stdout[-3000:] + result.stderr[-2000:]
    if verbose:
        print(output)
    # 1 with a failed test: caught. 0: nothing noticed. Anything else (a test that could not even
    # be set up, a collection error, no test database) is an error to look at, not a catch.
    failed = re.search(r"^FAILED (.+?)(?: - |$)", result.stdout, re.M)
    if SETUP_FAILED in result.stdout + result.stderr:  # not the mutation: the run could not start
        verdict = "error (the test database could not be created)"
    elif result.returncode == 1 and failed:
        verdict = f"caught by `{failed.group(1)}`"
    elif result.returncode == 0:
        verdict = "SURVIVED"
    else:
        errored = re.search(r"^ERROR (.+?)(?: - |$)", result.stdout, re.M)
        verdict = f"error ({result.returncode})" + (f" in `{errored.group(1)}`" if errored else "")
    return verdict, time.monotonic() - started, output


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("names", nargs="*", help="only these mutations")
    parser.add_argument("--list", action="store_true", help="list the mutations and stop")
    parser.add_argument("-v", "--verbose", action="store_true", help="show each test run's output")
    args = parser.parse_args(argv)
    names = {m.name for m in MUTATIONS}
    unknown = sorted(set(args.names) - names)
    if unknown:
        parser.error(f"unknown mutation(s): {', '.join(unknown)}")
    chosen = [m for m in MUTATIONS if not args.names or m.name in args.names]
    if args.list:
        for m in chosen:
            print(f"{m.name:44} {m.claim}")
        return 0
    rows = []
    for mutation in chosen:
        print(f"» {mutation.name}: {mutation.claim}", flush=True)
        verdict, seconds, output = run_one(mutation, args.verbose)
        if verdict.startswith(("stale", "error")) and not args.verbose:
            print(output)
        print(f"  {verdict} in {seconds:.0f} s", flush=True)
        rows.append((mutation, verdict, seconds))
    print()
    print("| mutation | claim | tests | result |")
    print("|---|---|---|---|")
    for mutation, verdict, seconds in rows:
        tests = ", ".join(f"`{t}`" for t in mutation.tests)
        print(f"| `{mutation.name}` | {mutation.claim} | {tests} | {verdict}, {seconds:.0f} s |")
    caught = sum(1 for _, verdict, _ in rows if verdict.startswith("caught"))
    print(f"\n{caught} of {len(rows)} caught")
    return 0 if caught == len(rows) else 1


if __name__ == "__main__":
    sys.exit(main())
