"""The reset and snapshot benchmark (run by hand, not in CI; stdlib only).

    python3 bench/reset_bench.py build/chime-local [--messages 10000] [--rounds 100] [--in-memory]

1. Fill once through the API: --messages persisted SendChannelMessage calls (each with its own
   ClientRequestToken, as the SDKs send them) from 8 concurrent connections into one channel,
   then GET /_chime-local/snapshot: the image every round starts from.
2. --rounds times: PUT the image (the fill, timed too), then POST /_chime-local/reset, timed
   from the client on a kept-alive connection; then one GET /_chime-local/health round trip on
   the same connection. Reset time = its round trip minus the median health round trip (HTTP +
   routing, no storage), so the figure is the server's reset work.
3. Prints median and p99 of reset, PUT and GET, each also as a ratio to the same run's health
   round trip (runs on different or busy machines compare by the ratios).
Target (issue 12): reset under 10 ms for a store of 10,000 messages.
"""
import argparse
import http.client
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))


class Server:
    def __init__(self, binary, db):
        store = ["--in-memory"] if db is None else ["--data-file", db]
        self.p = subprocess.Popen([binary, "--port", "0", "--log-level", "error", *store],
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        m = re.search(r"listening on http://[^ ]*:(\d+)", self.p.stdout.readline())
        if not m:
            sys.exit("server did not start")
        self.port = int(m.group(1))
        self.ep = f"http://127.0.0.1:{self.port}"

    def conn(self):
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)

    def stop(self):
        self.p.terminate()
        self.p.wait(timeout=30)


def call(conn, method, path, body=b"", headers=None):
    t0 = time.perf_counter()
    conn.request(method, path, body=body, headers=headers or {})
    r = conn.getresponse()
    data = r.read()
    ms = (time.perf_counter() - t0) * 1000
    if r.status >= 300:
        sys.exit(f"{method} {path}: {r.status} {data[:300]!r}")
    return ms, data


def fill(server, channel, bearer, n, workers=8):
    path = "/channels/" + urllib.parse.quote(channel, safe="") + "/messages"
    headers = {"Content-Type": "application/json", "x-amz-chime-bearer": bearer}

    def worker(count):
        c = server.conn()
        for i in range(count):
            body = json.dumps({"Content": f"message {i} " + "x" * 60, "Type": "STANDARD",
                               "Persistence": "PERSISTENT", "ClientRequestToken": str(uuid.uuid4())})
            call(c, "POST", path, body.encode(), headers)
        c.close()
    threads = [threading.Thread(target=worker, args=(n // workers + (i < n % workers),)) for i in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def server_cpu_ms(pid):
    """CPU time of every thread of the server so far (ns precision: schedstat)."""
    total = 0
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                total += int(f.read().split()[0])
        except OSError:
            pass  # a thread that just ended
    return total / 1e6


def pct(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("--messages", type=int, default=10_000)
    ap.add_argument("--rounds", type=int, default=100)
    ap.add_argument("--in-memory", action="store_true", help="--in-memory store instead of a file")
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="chime-reset-bench-")
    try:
        s = Server(a.binary, None if a.in_memory else os.path.join(tmp, "bench.db"))
        channel, bearer = subprocess.run([sys.executable, os.path.join(HERE, "seed.py"), s.ep], capture_output=True,
                                         text=True, check=True).stdout.split()
        t0 = time.perf_counter()
        fill(s, channel, bearer, a.messages)
        fill_s = time.perf_counter() - t0
        c = s.conn()
        get_ms, image = call(c, "GET", "/_chime-local/snapshot")
        health, reset, put, get, reset_cpu = [], [], [], [get_ms], []
        for _ in range(20):  # warm-up of the connection and the caches
            call(c, "GET", "/_chime-local/health")
        for _ in range(a.rounds):
            put.append(call(c, "PUT", "/_chime-local/snapshot", image, {"Content-Type": "application/vnd.sqlite3"})[0])
            time.sleep(0.05)  # let the background checkpoint of the PUT's WAL finish first
            cpu0 = server_cpu_ms(s.p.pid)
            reset.append(call(c, "POST", "/_chime-local/reset")[0])
            reset_cpu.append(server_cpu_ms(s.p.pid) - cpu0)
            health.append(call(c, "GET", "/_chime-local/health")[0])
        for _ in range(min(10, a.rounds)):
            call(c, "PUT", "/_chime-local/snapshot", image, {"Content-Type": "application/vnd.sqlite3"})
            get.append(call(c, "GET", "/_chime-local/snapshot")[0])
        c.close()
        s.stop()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    h = statistics.median(health)
    store = "in-memory" if a.in_memory else "file (WAL)"
    print(f"store: {store}; {a.messages:,} messages filled through SendChannelMessage in {fill_s:.1f} s; "
          f"snapshot {len(image) / 1e6:.1f} MB; {a.rounds} rounds")
    print(f"health round trip: median {h:.3f} ms, p99 {pct(health, 99):.3f} ms")
    print(f"server CPU per reset (all threads, HTTP included): median {statistics.median(reset_cpu):.2f} ms, "
          f"p99 {pct(reset_cpu, 99):.2f} ms")
    print(f"{'operation':<38} {'median ms':>10} {'p99 ms':>8} {'x health':>9}")
    for name, xs in (("POST reset (minus a health round trip)", [x - h for x in reset]),
                     ("PUT snapshot (the fill)", put), ("GET snapshot", get)):
        med = statistics.median(xs)
        print(f"{name:<38} {med:>10.2f} {pct(xs, 99):>8.2f} {statistics.median(xs) / h:>9.1f}")
    worst = pct([x - h for x in reset], 99)
    print(("OK" if worst < 10 else "OVER TARGET") + f": reset p99 {worst:.2f} ms (target < 10 ms)")


if __name__ == "__main__":
    main()
