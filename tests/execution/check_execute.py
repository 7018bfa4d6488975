#!/usr/bin/env python3
"""Runs footprint-execute as a user would and checks what it prints.

usage: check_execute.py EXECUTE CASE [DATA_DIR]

CASE is one of:
  builtin      the default environment (the zero-intelligence simulator on the built-in
               market), a short training: the JSON has the documented keys; the four policies
               in order (twap, passive_catch_up, tabular_q_learning, all_at_once); TWAP against
               itself is parity with a zero difference; everything at once is flagged
               degenerate and worse; every policy completes; each interval contains its mean
               difference; two runs give the same JSON apart from the training's wall-clock
               figures; the text has the table
  ac           --env ac: the agent's E + lambda V within 1% of the closed-form optimum (the
               correctness gate), the Almgren-Chriss optimum dearer than TWAP in mean
               ("worse", as E_opt > E_twap), the agent's sd below TWAP's
  save-load    --save-agent then --load-agent: the loaded agent gives the same rows; loading
               it into an environment with other --decisions fails naming them (exit 1)
  goog         the zero-intelligence simulator fitted to the GOOG day (LOBSTER), a short
               training: four policies, every one completing; skipped without the data
  bad-args     an unknown --env, too few evaluation episodes, zero decisions: exit 2 with one
               line on stderr; a missing --load-agent file: exit 1 naming it
"""

import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.dirname(HERE))
from program_checks import fail, ok, run, run_json  # noqa: E402
POLICY_KEYS = ["name", "mean_bps", "std_bps", "cvar95_bps", "completion_rate", "max_child_share", "degenerate",
               "vs_twap"]


def policies(doc, what):
    for key in ["program", "version", "evaluation", "environment", "agent", "policies", "notes"]:
        if key not in doc:
            fail(f"{what}: no '{key}' in the document")
    rows = {}
    for r in doc["policies"]:
        for key in POLICY_KEYS:
            if key not in r:
                fail(f"{what}: policy {r.get('name')} has no '{key}'")
        v = r["vs_twap"]
        if not v["ci_low_bps"] <= v["mean_difference_bps"] <= v["ci_high_bps"]:
            fail(f"{what}: {r['name']}: the interval [{v['ci_low_bps']}, {v['ci_high_bps']}] misses the mean "
                 f"{v['mean_difference_bps']}")
        expected = "parity" if v["ci_low_bps"] <= 0.0 <= v["ci_high_bps"] else (
            "better" if v["ci_high_bps"] < 0.0 else "worse")
        if v["verdict"] != expected:
            fail(f"{what}: {r['name']}: verdict {v['verdict']} for [{v['ci_low_bps']}, {v['ci_high_bps']}]")
        rows[r["name"]] = r
    twap = rows["twap"]["vs_twap"]
    if twap["mean_difference_bps"] != 0.0 or twap["verdict"] != "parity":
        fail(f"{what}: TWAP against itself: {twap}")
    everything = rows["all_at_once"]
    if not everything["degenerate"] or everything["max_child_share"] != 1.0:
        fail(f"{what}: everything at once not flagged degenerate: {everything}")
    return rows


def case_builtin(exe):
    args = [exe, "--episodes", "3000", "--evaluation-episodes", "200"]
    doc = run_json(args)
    rows = policies(doc, "builtin")
    if list(rows) != ["twap", "passive_catch_up", "tabular_q_learning", "all_at_once"]:
        fail(f"builtin: policies {list(rows)}")
    for name, r in rows.items():
        if r["completion_rate"] != 1.0:
            fail(f"builtin: {name} completes {r['completion_rate']}")
    if rows["all_at_once"]["vs_twap"]["verdict"] != "worse":
        fail(f"builtin: everything at once not worse than TWAP: {rows['all_at_once']['vs_twap']}")
    agent = doc["agent"]
    if agent["source"] != "trained" or agent["episodes"] != 3000 or len(agent["greedy_cost"]) != 3:
        fail(f"builtin: agent {agent}")
    env = doc["environment"]
    if env["name"] != "zi" or env["quantity"] != 10.0 or env["decisions"] != 10:
        fail(f"builtin: environment {env}")
    again = run_json(args)
    for d in (doc, again):
        for key in ["seconds", "episodes_per_second"]:
            d["agent"].pop(key)
    if doc != again:
        fail("builtin: two runs differ")
    p = run(args)
    if p.returncode != 0 or "vs TWAP" not in p.stdout or "tabular_q_learning" not in p.stdout:
        fail(f"builtin: text report: {p.stdout[-500:]} {p.stderr}")
    ok("builtin: four policies, TWAP at parity with itself, everything at once degenerate and worse, "
       "reproducible, agent " + f"{rows['tabular_q_learning']['vs_twap']['mean_difference_bps']:+.3f} bps vs TWAP")


def case_ac(exe):
    doc = run_json([exe, "--env", "ac", "--evaluation-episodes", "200"])
    rows = policies(doc, "ac")
    ratio = doc["objective"]["ratio"]
    if not 1.0 - 1e-12 <= ratio < 1.01:
        fail(f"ac: E + lambda V {ratio} of the optimum")
    if rows["almgren_chriss"]["vs_twap"]["verdict"] != "worse":
        fail(f"ac: the optimum against TWAP in mean: {rows['almgren_chriss']['vs_twap']}")
    if not rows["tabular_q_learning"]["std_bps"] < rows["twap"]["std_bps"]:
        fail("ac: the agent's sd not below TWAP's")
    ok(f"ac: E + lambda V at {ratio:.4f} of the optimum")


def case_save_load(exe):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "agent.json")
        trained = run_json([exe, "--env", "ac", "--episodes", "20000", "--evaluation-episodes", "100",
                            "--save-agent", path])
        loaded = run_json([exe, "--env", "ac", "--evaluation-episodes", "100", "--load-agent", path])
        if loaded["agent"]["source"] != "loaded":
            fail(f"save-load: {loaded['agent']}")
        if trained["policies"] != loaded["policies"]:
            fail("save-load: the loaded agent's rows differ from the trained one's")
        p = run([exe, "--env", "ac", "--decisions", "7", "--load-agent", path, "--quiet"])
        if p.returncode != 1 or "decisions" not in p.stderr:
            fail(f"save-load: other decisions: exit {p.returncode}: {p.stderr}")
    ok("save-load: the loaded agent gives the same rows; other --decisions refused")


def case_goog(exe, data):
    d = os.path.join(data, "lobster", "GOOG_2012-06-21_L1")
    message = os.path.join(d, "GOOG_2012-06-21_34200000_57600000_message_1.csv")
    book = os.path.join(d, "GOOG_2012-06-21_34200000_57600000_orderbook_1.csv")
    if not os.path.exists(message):
        print("skipped: no GOOG data under " + d)
        return
    doc = run_json([exe, "--lobster", message, book, "--episodes", "2000", "--evaluation-episodes", "100"])
    rows = policies(doc, "goog")
    for name, r in rows.items():
        if r["completion_rate"] != 1.0:
            fail(f"goog: {name} completes {r['completion_rate']}")
    ok("goog: " + ", ".join(f"{n} {r['mean_bps']:.2f} bps" for n, r in rows.items()))


def case_bad_args(exe):
    for args in (["--env", "xx"], ["--evaluation-episodes", "10"], ["--decisions", "0"]):
        p = run([exe] + args)
        if p.returncode != 2 or len(p.stderr.strip().splitlines()) != 1:
            fail(f"bad-args: {args}: exit {p.returncode}: {p.stderr}")
    p = run([exe, "--env", "ac", "--load-agent", "/nonexistent/agent.json", "--quiet"])
    if p.returncode != 1 or "/nonexistent/agent.json" not in p.stderr:
        fail(f"bad-args: missing agent file: exit {p.returncode}: {p.stderr}")
    ok("bad-args: usage errors exit 2, a missing agent file exits 1 naming it")


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        sys.exit(2)
    exe, case = sys.argv[1], sys.argv[2]
    data = sys.argv[3] if len(sys.argv) > 3 else os.path.join(ROOT, "..", "shared", "data")
    cases = {"builtin": lambda: case_builtin(exe), "ac": lambda: case_ac(exe), "save-load": lambda: case_save_load(exe),
             "goog": lambda: case_goog(exe, data), "bad-args": lambda: case_bad_args(exe)}
    if case not in cases:
        print(__doc__)
        sys.exit(2)
    cases[case]()


if __name__ == "__main__":
    main()
