#!/usr/bin/env python3
"""Runs footprint-execute as a user would and checks what it prints.

usage: check_execute.py EXECUTE CASE [DATA_DIR]

CASE is one of:
  builtin      the default environment (the zero-intelligence simulator on the built-in
               market), a short training: the JSON has the documented keys; the five policies
               in order (twap, passive_catch_up, tabular_q_learning, double_dqn, all_at_once);
               both agents trained with the episodes asked; TWAP against
               itself is parity with a zero difference; everything at once is flagged
               degenerate and worse; every policy completes; each interval contains its mean
               difference; two runs give the same JSON apart from the training's wall-clock
               figures; the text has the table; --quantity 10.4 is rounded to 10 lots, with a note
  ac           --env ac: each agent's E + lambda V within 1% of the closed-form optimum (the
               correctness gate), the Almgren-Chriss optimum dearer than TWAP in mean
               ("worse", as E_opt > E_twap), the agents' sd below TWAP's
  save-load    --save-agent / --save-dqn then --load-agent / --load-dqn: the loaded agents
               give the same rows; loading one into an environment with other --decisions
               fails naming them (exit 1); --agent dqn compares the DQN alone
  goog         the zero-intelligence simulator fitted to the GOOG day (LOBSTER), a short
               training: five policies, every one completing, no note on the queue-reactive
               model (fitted alongside, not used); skipped without the data
  bad-args     an unknown --env, too few evaluation episodes, zero decisions: exit 2 with one
               line on stderr; an unknown --agent: exit 2; a missing --load-agent or --load-dqn
               file: exit 1 naming it; a simulated horizon or warmup of 10^12 s, 10^9 training
               episodes in a simulator, 10^300 shares in the Almgren-Chriss world: exit 1 at
               once, one line
"""

import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.dirname(HERE))
from program_checks import fail, ok, run, run_json  # noqa: E402
POLICY_KEYS = ["name", "mean_bps", "std_bps", "cvar95_bps", "completion_rate", "unfilled_share", "max_child_share",
               "degenerate", "vs_twap"]


def policies(doc, what):
    for key in ["program", "version", "evaluation", "environment", "agents", "policies", "notes"]:
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
    args = [exe, "--episodes", "3000", "--dqn-episodes", "1500", "--evaluation-episodes", "200"]
    doc = run_json(args)
    rows = policies(doc, "builtin")
    if list(rows) != ["twap", "passive_catch_up", "tabular_q_learning", "double_dqn", "all_at_once"]:
        fail(f"builtin: policies {list(rows)}")
    for name, r in rows.items():
        if r["completion_rate"] != 1.0:
            fail(f"builtin: {name} completes {r['completion_rate']}")
    if rows["all_at_once"]["vs_twap"]["verdict"] != "worse":
        fail(f"builtin: everything at once not worse than TWAP: {rows['all_at_once']['vs_twap']}")
    agent = doc["agents"]["tabular_q_learning"]
    if agent["source"] != "trained" or agent["episodes"] != 3000 or len(agent["greedy_cost"]) != 3:
        fail(f"builtin: tabular agent {agent}")
    dqn = doc["agents"]["double_dqn"]
    # 500 episodes after the 1,000 of warm-up, 10 decisions each, a gradient step every 4
    if (dqn["source"] != "trained" or dqn["episodes"] != 1500 or dqn["gradient_steps"] != 500 * 10 // 4
            or not dqn["cost_unit"] > 0.0):
        fail(f"builtin: double DQN {dqn}")
    env = doc["environment"]
    if env["name"] != "zi" or env["quantity"] != 10.0 or env["decisions"] != 10:
        fail(f"builtin: environment {env}")
    again = run_json(args)
    for d in (doc, again):
        for agent in d["agents"].values():
            for key in ["seconds", "episodes_per_second"]:
                agent.pop(key)
    if doc != again:
        fail("builtin: two runs differ")
    p = run(args)
    if p.returncode != 0 or "vs TWAP" not in p.stdout or "tabular_q_learning" not in p.stdout:
        fail(f"builtin: text report: {p.stdout[-500:]} {p.stderr}")
    # The simulators trade whole lots: a quantity between them is rounded, and said.
    rounded = run_json([exe, "--agent", "tabular", "--episodes", "1000", "--evaluation-episodes", "30",
                        "--quantity", "10.4", "--horizon", "1.5m"])
    if rounded["environment"]["quantity"] != 10.0 or not any("rounded to 10 lots" in n for n in rounded["notes"]):
        fail(f"builtin: --quantity 10.4: {rounded['environment']} {rounded['notes']}")
    # --horizon takes a unit, as footprint-pretrade's does
    if rounded["environment"]["horizon_seconds"] != 90.0:
        fail(f"builtin: --horizon 1.5m: {rounded['environment']['horizon_seconds']} s, not 90")
    ok("builtin: five policies, TWAP at parity with itself, everything at once degenerate and worse, "
       "reproducible, agents " + ", ".join(f"{rows[a]['vs_twap']['mean_difference_bps']:+.3f}"
                                           for a in ("tabular_q_learning", "double_dqn")) + " bps vs TWAP")


def case_ac(exe):
    doc = run_json([exe, "--env", "ac", "--evaluation-episodes", "200"])
    rows = policies(doc, "ac")
    ratios = {}
    for agent in ("tabular_q_learning", "double_dqn"):
        ratio = doc["objective"][agent]["ratio"]
        if not 1.0 - 1e-12 <= ratio < 1.01:
            fail(f"ac: {agent}: E + lambda V {ratio} of the optimum")
        if not rows[agent]["std_bps"] < rows["twap"]["std_bps"]:
            fail(f"ac: {agent}: sd not below TWAP's")
        ratios[agent] = ratio
    if rows["almgren_chriss"]["vs_twap"]["verdict"] != "worse":
        fail(f"ac: the optimum against TWAP in mean: {rows['almgren_chriss']['vs_twap']}")
    ok("ac: E + lambda V at " + ", ".join(f"{r:.4f} ({a})" for a, r in ratios.items()) + " of the optimum")


def case_save_load(exe):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "agent.json")
        dqn = os.path.join(tmp, "dqn.json")
        trained = run_json([exe, "--env", "ac", "--episodes", "20000", "--dqn-episodes", "2000",
                            "--evaluation-episodes", "100", "--save-agent", path, "--save-dqn", dqn])
        loaded = run_json([exe, "--env", "ac", "--evaluation-episodes", "100", "--load-agent", path,
                           "--load-dqn", dqn])
        for agent in ("tabular_q_learning", "double_dqn"):
            if loaded["agents"][agent]["source"] != "loaded":
                fail(f"save-load: {loaded['agents'][agent]}")
        if trained["policies"] != loaded["policies"]:
            fail("save-load: the loaded agents' rows differ from the trained ones'")
        for option, file in (("--load-agent", path), ("--load-dqn", dqn)):
            p = run([exe, "--env", "ac", "--decisions", "7", option, file, "--quiet"])
            if p.returncode != 1 or "decisions" not in p.stderr:
                fail(f"save-load: {option} with other decisions: exit {p.returncode}: {p.stderr}")
        alone = run_json([exe, "--env", "ac", "--agent", "dqn", "--evaluation-episodes", "100", "--load-dqn", dqn])
        names = [r["name"] for r in alone["policies"]]
        if names != ["twap", "almgren_chriss", "double_dqn", "all_at_once"] or list(alone["agents"]) != ["double_dqn"]:
            fail(f"save-load: --agent dqn: {names} {list(alone['agents'])}")
        if alone["policies"][2] != loaded["policies"][3]:
            fail("save-load: the DQN's row alone differs from its row beside the tabular agent")
    ok("save-load: the loaded agents give the same rows; other --decisions refused; --agent dqn alone")


def case_goog(exe, data):
    d = os.path.join(data, "lobster", "GOOG_2012-06-21_L1")
    message = os.path.join(d, "GOOG_2012-06-21_34200000_57600000_message_1.csv")
    book = os.path.join(d, "GOOG_2012-06-21_34200000_57600000_orderbook_1.csv")
    if not os.path.exists(message):
        print("skipped: no GOOG data under " + d)
        return
    doc = run_json([exe, "--lobster", message, book, "--episodes", "2000", "--dqn-episodes", "1500",
                    "--evaluation-episodes", "100"])
    rows = policies(doc, "goog")
    for name, r in rows.items():
        if r["completion_rate"] != 1.0:
            fail(f"goog: {name} completes {r['completion_rate']}")
    # The environment is the zero-intelligence simulator: the queue-reactive tables'
    # regularisation (fitted alongside) is not its business.
    if doc["environment"]["name"] != "zi" or any("queue-reactive" in n for n in doc["notes"]):
        fail(f"goog: --env {doc['environment']['name']} with notes {doc['notes']}")
    ok("goog: " + ", ".join(f"{n} {r['mean_bps']:.2f} bps" for n, r in rows.items()))
    # 1% of the day's volume over 5 minutes: the agents leave part of it to the end, where the
    # fitted book cannot fill it, and what is left is marked at the final mid. Each policy that
    # leaves more than TWAP (half a percent of the order or more) is named in a note.
    big = run_json([exe, "--lobster", message, book, "--quantity", "5000", "--horizon", "5min", "--episodes", "5000",
                    "--dqn-episodes", "1500", "--evaluation-episodes", "100"])
    rows = policies(big, "goog 5000")
    base = rows["twap"]["unfilled_share"]
    noted = []
    for name, r in rows.items():
        if (r["completion_rate"] == 1.0) != (r["unfilled_share"] == 0.0) or not 0.0 <= r["unfilled_share"] <= 1.0:
            fail(f"goog 5000: {name}: completion {r['completion_rate']}, unfilled {r['unfilled_share']}")
        says = any(n.startswith(f"{name} left ") and "marked at the final mid" in n for n in big["notes"])
        if says != (r["unfilled_share"] >= base + 0.005):
            fail(f"goog 5000: {name}: unfilled {r['unfilled_share']} against TWAP's {base}, note {says}: {big['notes']}")
        if says:
            noted.append(f"{name} {100 * r['unfilled_share']:.1f}%")
    if not noted:
        fail(f"goog 5000: no policy left anything: {[(n, r['unfilled_share']) for n, r in rows.items()]}")
    ok("goog 5000: left untraded and said in a note: " + ", ".join(noted))
    # the simulators' lot and Q, as in footprint-simulate
    lot = run_json([exe, "--lobster", message, book, "--env", "qr", "--lot-quantity", "100", "--max-queue", "30",
                    "--agent", "tabular", "--episodes", "500", "--evaluation-episodes", "30"])
    if lot["environment"]["lot_quantity"] != 100.0 or lot["environment"]["quantity"] != 1000.0:
        fail(f"goog: --lot-quantity 100: {lot['environment']}")
    ok("goog: --lot-quantity 100: ten lots of 100 shares")


def case_bad_args(exe):
    for args, says in ((["--env", "xx"], ""), (["--evaluation-episodes", "10"], ""), (["--decisions", "0"], ""),
                       (["--horizon", "10x"], "unknown unit 'x' in '10x' (use s, m, min or h)"),
                       (["--horizon", "-1m"], "must be > 0 (got '-1m')")):
        p = run([exe] + args)
        if p.returncode != 2 or len(p.stderr.strip().splitlines()) != 1 or says not in p.stderr:
            fail(f"bad-args: {args}: exit {p.returncode}: {p.stderr}")
    for option in ("--load-agent", "--load-dqn"):
        p = run([exe, "--env", "ac", option, "/nonexistent/agent.json", "--quiet"])
        if p.returncode != 1 or "/nonexistent/agent.json" not in p.stderr:
            fail(f"bad-args: {option}: missing agent file: exit {p.returncode}: {p.stderr}")
    # the simulators' lot needs data and a simulator; Q, the queue-reactive one
    for args, says in ((["--env", "zi", "--lot-quantity", "2"], "--lot-quantity sets the lot"),
                       (["--env", "ac", "--lot-quantity", "2"], "--lot-quantity sets the lot"),
                       (["--env", "zi", "--max-queue", "30"], "use it with --env qr")):
        p = run([exe, "--quiet"] + args)
        if p.returncode != 1 or says not in p.stderr:
            fail(f"bad-args: {args}: exit {p.returncode}: {p.stderr}")
    p = run([exe, "--env", "zi", "--match-occupancy", "--quiet"])
    if p.returncode != 1 or "--env qr" not in p.stderr:
        fail(f"bad-args: --match-occupancy without --env qr: exit {p.returncode}: {p.stderr}")
    p = run([exe, "--agent", "neither"])
    if p.returncode != 2:
        fail(f"bad-args: --agent neither: exit {p.returncode}")
    ok("bad-args: usage errors exit 2, a missing agent file exits 1 naming it")
    # What used to run for ever (a simulated horizon or warmup of 10^12 s per episode) or fail
    # deep in the DQN's training (10^300 shares, whose costs overflow): refused at once.
    for args, says in ((["--env", "zi", "--horizon", "1e12"], "would run about"),
                       (["--env", "qr", "--warmup", "1e12"], "would run about"),
                       (["--env", "zi", "--episodes", "1000000000"], "lower --episodes"),
                       (["--env", "ac", "--quantity", "1e300"], "overflows"),
                       (["--env", "zi", "--quantity", "1e7"], "times the market's traded quantity"),
                       (["--env", "qr", "--quantity", "1e7"], "times the market's traded quantity")):
        p = run([exe, "--quiet"] + args)
        lines = p.stderr.strip().splitlines()
        if p.returncode != 1 or len(lines) != 1 or says not in lines[0]:
            fail(f"bad-args: {args}: exit {p.returncode}: {lines}")
        ok(f"bad-args: {args}: exit 1 at once: {lines[0][:110]}")


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
