#!/usr/bin/env python3
"""A long crash-and-restart storm against a built chime-local (the CI test runs 5 cycles):

    python3 bench/crash_storm.py [--binary build/chime-local] [--cycles 25] [--threads 8]

Each cycle starts the server on one SQLite file, retries the ClientRequestTokens left in flight
by the previous SIGKILL, streams PERSISTENT SendChannelMessage calls from --threads clients and
SIGKILLs the server at a random point, then runs PRAGMA integrity_check on the dead server's file.
At the end every acknowledged message must be in history exactly once. Uses the same code as
tests/integration/test_durability.py (crash_storm); prints the figures the README quotes.
"""

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "integration"))

from harness import ChimeLocal  # noqa: E402
from test_durability import crash_storm  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--binary", default=os.path.join(HERE, "..", "build", "chime-local"))
    ap.add_argument("--cycles", type=int, default=25)
    ap.add_argument("--threads", type=int, default=8)
    ap.add_argument("--min-acks", type=int, default=200, help="acknowledged sends before each kill")
    ap.add_argument("--seed", type=int, default=None)
    args = ap.parse_args()

    tmp = tempfile.mkdtemp(prefix="chime-local-storm-")
    server = ChimeLocal(binary=os.path.abspath(args.binary))
    t0 = time.monotonic()
    try:
        figures = crash_storm(server, os.path.join(tmp, "storm.db"), args.cycles, threads=args.threads,
                              min_acks=args.min_acks, seed=args.seed, log=print)
    finally:
        if server.running:
            server.kill()
        server.cleanup()
        shutil.rmtree(tmp, ignore_errors=True)
    restarts = figures["restart_s"]
    print(f"OK: {args.cycles} SIGKILLs in {time.monotonic() - t0:.1f} s; {figures['acked']} messages "
          f"acknowledged or retried, all in history once; {figures['in_flight_retried']} in-flight "
          f"tokens retried, one message each; PRAGMA integrity_check ok after every kill")
    print(f"restart after SIGKILL until healthy: median {statistics.median(restarts) * 1000:.0f} ms, "
          f"max {max(restarts) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
