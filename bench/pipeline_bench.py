"""The request-pipeline benchmark (run by hand, not in CI; needs wrk: apt-get install wrk).

    python3 bench/pipeline_bench.py build/chime-local [--duration 10] [--messages 1000000]

Every figure is printed next to the same run's health endpoint (GET /_chime-local/health,
HTTP + routing, no storage) as a ratio, so runs on different machines compare:
  1. start to ready (spawn -> "listening" line) and idle RSS, on a fresh file database;
  2. persisted SendChannelMessage (unique ClientRequestToken each) at 1 and 64 connections,
     wrk -t1, vs health at 1 and 64 connections;
  3. ListChannelMessages (a page of 50) with 1,000 and with --messages (default 1M) messages
     in the channel (bulk-loaded with sqlite3 while the server is stopped), vs health;
  4. RSS after each step;
  5. the send at 64 connections again while an inspector page is open (/_chime-local/ui: a
     poller doing what the page does, GET /_chime-local/changes every 500 ms and, when it moved,
     the channel view's newest 50 messages), so its cost is the ratio of the two send rows.
"""
import argparse
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1))


class Server:
    def __init__(self, binary, db):
        t0 = time.monotonic()
        self.p = subprocess.Popen([binary, "--port", "0", "--log-level", "error", "--data-file", db],
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        line = self.p.stdout.readline()
        self.ready_ms = (time.monotonic() - t0) * 1000
        m = re.search(r"listening on http://[^ ]*:(\d+)", line)
        if not m:
            sys.exit("server did not start: " + line)
        self.ep = f"http://127.0.0.1:{m.group(1)}"

    def stop(self):
        self.p.terminate()
        self.p.wait(timeout=30)


def wrk(ep, script, conns, duration, env=None):
    out = subprocess.run(["wrk", "-t1", f"-c{conns}", f"-d{duration}s", "--latency", "-s",
                          os.path.join(HERE, script), ep], capture_output=True, text=True,
                         env={**os.environ, **(env or {})}).stdout
    m = re.search(r"RESULT rps=(\S+) p50_ms=(\S+) p99_ms=(\S+) requests=(\S+) non2xx=(\S+)", out)
    if not m:
        sys.exit("wrk failed:\n" + out)
    rps, p50, p99, reqs, non2xx = m.groups()
    return float(rps), float(p50), float(p99), int(non2xx)


class InspectorPage:
    """Polls as an open inspector page does while the send runs (docs/inspector.md)."""

    def __init__(self, ep, channel):
        self.ep, self.channel, self.stop_flag, self.fetches = ep, channel, threading.Event(), 0
        self.thread = threading.Thread(target=self.run, daemon=True)

    def get(self, path):
        with urllib.request.urlopen(self.ep + path, timeout=5) as r:
            return r.read()

    def run(self):
        last = None
        view = "/_chime-local/state/messages?limit=50&channelArn=" + urllib.parse.quote(self.channel, safe="")
        while not self.stop_flag.wait(0.5):
            now = self.get("/_chime-local/changes")
            if now != last:
                self.get(view)
                self.fetches += 1
                last = now

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop_flag.set()
        self.thread.join()


def seed(ep):
    out = subprocess.run([sys.executable, os.path.join(HERE, "seed.py"), ep], capture_output=True, text=True,
                         check=True).stdout.split()
    return {"BENCH_CHANNEL_ARN": out[0], "BENCH_BEARER": out[1]}


def bulk_messages(db, channel, sender, n):
    con = sqlite3.connect(db)
    now = int(time.time() * 1000)
    rows = ((os.urandom(32).hex(), channel, sender, f"bulk {i}", now - n + i, now - n + i) for i in range(n))
    con.executemany("INSERT INTO channel_messages (message_id, channel_arn, sender_arn, type, persistence, content,"
                    " created_ms, updated_ms) VALUES (?, ?, ?, 'STANDARD', 'PERSISTENT', ?, ?, ?)", rows)
    con.commit()
    con.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary")
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--messages", type=int, default=1_000_000)
    a = ap.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk not found: apt-get install wrk")
    tmp = tempfile.mkdtemp(prefix="chime-bench-")
    db = os.path.join(tmp, "bench.db")
    rows = []

    def row(name, conns, r, health):
        rows.append((name, conns, r[0], r[0] / health[0], r[1], r[2], r[3]))

    try:
        s = Server(a.binary, db)
        time.sleep(0.3)
        print(f"start to ready: {s.ready_ms:.1f} ms (new database); idle RSS {rss_kb(s.p.pid) / 1024:.1f} MB")
        env = seed(s.ep)
        h1 = wrk(s.ep, "health.lua", 1, a.duration)
        h64 = wrk(s.ep, "health.lua", 64, a.duration)
        row("health", 1, h1, h1)
        row("health", 64, h64, h64)
        row("SendChannelMessage", 1, wrk(s.ep, "send_message.lua", 1, a.duration, env), h1)
        row("SendChannelMessage", 64, wrk(s.ep, "send_message.lua", 64, a.duration, env), h64)
        with InspectorPage(s.ep, env["BENCH_CHANNEL_ARN"]) as page:
            row("SendChannelMessage, inspector open", 64, wrk(s.ep, "send_message.lua", 64, a.duration, env), h64)
        print(f"inspector page: {page.fetches} view refreshes during the send")
        rss_load = rss_kb(s.p.pid)
        s.stop()

        # Listing: a fresh channel with 1,000 messages, then with --messages.
        for n in (1000, a.messages):
            shutil.rmtree(tmp)
            os.mkdir(tmp)
            s = Server(a.binary, db)
            env = seed(s.ep)
            s.stop()
            bulk_messages(db, env["BENCH_CHANNEL_ARN"], env["BENCH_BEARER"], n)
            s = Server(a.binary, db)
            ready = s.ready_ms
            h = wrk(s.ep, "health.lua", 1, a.duration)
            row(f"ListChannelMessages {n:,} msgs", 1, wrk(s.ep, "list_messages.lua", 1, a.duration, env), h)
            if n == a.messages:
                print(f"start to ready with {n:,} messages: {ready:.1f} ms; RSS after listing "
                      f"{rss_kb(s.p.pid) / 1024:.1f} MB")
            s.stop()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    print(f"RSS after the send runs: {rss_load / 1024:.1f} MB")
    print(f"{'test':<34} {'conns':>5} {'req/s':>9} {'x health':>9} {'p50 ms':>8} {'p99 ms':>8} {'non2xx':>7}")
    for name, conns, rps, ratio, p50, p99, non2xx in rows:
        print(f"{name:<34} {conns:>5} {rps:>9.0f} {ratio:>9.2f} {p50:>8.3f} {p99:>8.3f} {non2xx:>7}")


if __name__ == "__main__":
    main()
