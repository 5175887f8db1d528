"""docs/configuration.md documents every flag that `chime-local --help` prints, and no other.

The option table in server/config.cpp drives parsing, the environment variables and --help; this
test holds the configuration reference to that table, so a new flag without documentation (or a
documented flag that no longer exists) fails CI. Each flag must appear in the first column of a
table row of docs/configuration.md, with its environment variable.
"""

from __future__ import annotations

import os
import re
import subprocess
import unittest

from harness import server_binary

HERE = os.path.dirname(os.path.abspath(__file__))
DOC = os.path.normpath(os.path.join(HERE, "..", "..", "docs", "configuration.md"))
HELP_FLAG_RE = re.compile(r"^  (--[a-z0-9][a-z0-9-]*)(?: (\S+))?$")
HELP_ENV_RE = re.compile(r"^      env: (CHIME_LOCAL_[A-Z0-9_]+)")
ROW_RE = re.compile(r"^\| `(--[a-z0-9][a-z0-9-]*)[^`]*` \| `?(CHIME_LOCAL_[A-Z0-9_]+)?`? \|")


def help_flags() -> dict:
    """flag -> environment variable, from --help (without --help and --version)."""
    out = subprocess.run([server_binary(), "--help"], capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    flags, current = {}, None
    for line in out.stdout.splitlines():
        m = HELP_FLAG_RE.match(line)
        if m:
            current = m.group(1)
            continue
        e = HELP_ENV_RE.match(line)
        if e and current:
            flags[current] = e.group(1)
            current = None
    return flags


def documented_flags() -> dict:
    """flag -> environment variable, from the tables of docs/configuration.md."""
    rows = {}
    with open(DOC, encoding="utf-8") as f:
        for line in f:
            m = ROW_RE.match(line)
            if m:
                rows[m.group(1)] = m.group(2)
    return rows


class ConfigurationDocsTest(unittest.TestCase):
    def test_every_flag_of_help_is_documented_with_its_variable(self):
        helped, documented = help_flags(), documented_flags()
        self.assertGreater(len(helped), 30, "the --help parser found too few flags")
        missing = sorted(set(helped) - set(documented))
        self.assertEqual(missing, [], "flags in --help but not in a row of docs/configuration.md")
        wrong_env = {f: (documented[f], env) for f, env in helped.items()
                     if f in documented and documented[f] != env}
        self.assertEqual(wrong_env, {}, "documented variable differs from --help's")

    def test_no_documented_flag_is_unknown_to_help(self):
        unknown = sorted(set(documented_flags()) - set(help_flags()))
        self.assertEqual(unknown, [], "docs/configuration.md rows for flags that --help does not know")

    def test_help_names_both_stdout_lines(self):
        out = subprocess.run([server_binary(), "--help"], capture_output=True, text=True, timeout=30)
        self.assertIn("chime-local listening on http://HOST:PORT", out.stdout)
        self.assertIn("chime-local TLS CA: PATH", out.stdout)


if __name__ == "__main__":
    unittest.main()
