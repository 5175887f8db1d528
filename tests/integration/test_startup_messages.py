"""What a user sees when a start fails: the cause and what to do next, and exit code 1 or 2."""

from __future__ import annotations

import select
import socket
import subprocess
import unittest

from harness import server_binary


class StartupMessagesTest(unittest.TestCase):
    def run_binary(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([server_binary(), *args], capture_output=True, text=True, timeout=30,
                              stdin=subprocess.DEVNULL)

    def test_a_misspelled_flag_names_the_closest_one(self):
        out = self.run_binary("--in-memroy")
        self.assertEqual(out.returncode, 2, out.stderr)
        self.assertIn("unknown option '--in-memroy' (did you mean --in-memory?)", out.stderr)

    def test_a_port_in_use_suggests_port_0(self):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen(1)
            port = taken.getsockname()[1]
            out = self.run_binary("--in-memory", "--port", str(port))
        self.assertEqual(out.returncode, 1, out.stderr)
        self.assertIn(f"cannot listen on 127.0.0.1:{port}", out.stderr)
        self.assertIn("try --port 0", out.stderr)
        self.assertEqual(out.stdout, "", "nothing on stdout: tools wait for the listening line")



class AllInterfacesTest(unittest.TestCase):
    def test_listening_on_all_interfaces_names_a_url_to_open(self):
        p = subprocess.Popen([server_binary(), "--in-memory", "--host", "0.0.0.0", "--port", "0",
                              "--log-level", "info"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            first = p.stdout.readline()
            port = first.rsplit(":", 1)[1].strip()
            self.assertTrue(first.startswith("chime-local listening on http://0.0.0.0:"), first)
            # Read stderr with a deadline: a missing line must fail the test, not hang it.
            ready, _, _ = select.select([p.stderr], [], [], 10)
            self.assertTrue(ready, "no log line within 10 s")
            hint = p.stderr.readline()
            self.assertIn(f"open http://localhost:{port}", hint)
        finally:
            p.terminate()
            p.communicate(timeout=30)
        self.assertEqual(p.returncode, 0)


if __name__ == "__main__":
    unittest.main()
