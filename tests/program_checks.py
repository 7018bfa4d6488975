"""What the check scripts of the programs share (tests/*/check_*.py, run by CTest as
"<program>: <case>"): reporting a check, running the program, reading its JSON document."""

import json
import subprocess
import sys


def fail(msg):
    """Reports a failed check and ends the script with status 1."""
    print("FAILED: " + msg)
    sys.exit(1)


def ok(msg):
    """Reports a passed check."""
    print("ok: " + msg)


def run(cmd, timeout=900):
    """Runs the command, capturing its text output."""
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)


def run_json(cmd, timeout=900, silent=False):
    """Runs the program with --json - --quiet and returns the document; fails on a non-zero
    exit status, or, when `silent`, on anything written to stderr."""
    p = run(cmd + ["--json", "-", "--quiet"], timeout)
    if p.returncode != 0:
        fail(f"{cmd}: exit {p.returncode}: {p.stderr}")
    if silent and p.stderr:
        fail(f"{cmd}: stderr with --json - --quiet: {p.stderr[:200]}")
    return json.loads(p.stdout)
