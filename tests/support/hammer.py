"""Run in a separate process: draw from one rate bucket as fast as possible for a while and
print the grant times as JSON. Used to prove the bucket holds across processes."""

import json
import sys
import time

import django


def main():
    key, seconds, window, limit, lane = (
        sys.argv[1],
        float(sys.argv[2]),
        float(sys.argv[3]),
        int(sys.argv[4]),
        sys.argv[5],
    )
    django.setup()
    from connectors.ratelimit import RatePolicy, Window, limiter

    policy = RatePolicy(windows=(Window(window, limit),))
    grants = []
    deadline = time.time() + seconds
    while time.time() < deadline:
        before = time.time()
        wait = limiter().try_acquire(key, policy, lane)
        if wait <= 0:
            grants.append(before)
        else:
            time.sleep(min(wait, 0.05))
    print(json.dumps(grants))


if __name__ == "__main__":
    main()
