"""The order-book simulators from Python: fitted to the GOOG day they give footprint-simulate's
parameters, costs and realism distances exactly (the program's JSON, same seed); the paper's
market-order rate; the user's orders in FIFO position; determinism; errors."""

import json
import math
import os
import subprocess

import numpy as np
import pytest

import footprint as fp


def goog_files():
    d = os.path.join(os.environ.get("FOOTPRINT_DATA_DIR", ""), "lobster", "GOOG_2012-06-21_L1")
    message = os.path.join(d, "GOOG_2012-06-21_34200000_57600000_message_1.csv")
    if not os.path.exists(message):
        pytest.skip("no GOOG data under " + d)
    return message, os.path.join(d, "GOOG_2012-06-21_34200000_57600000_orderbook_1.csv")


def run_program(variable, args, out):
    """The JSON that the program named by the environment variable `variable` writes to `out` when
    run with `args` (the test is skipped when the program was not built)."""
    exe = os.environ.get(variable, "")
    if not os.path.exists(exe):
        pytest.skip(f"the program is built with the programs ({variable})")
    subprocess.run([exe, *args, "--json", str(out)], check=True, stdout=subprocess.DEVNULL)
    return json.loads(out.read_text())


def test_the_fits_costs_and_realism_equal_footprint_simulates(tmp_path):
    message, orderbook = goog_files()
    program = run_program("FOOTPRINT_SIMULATE", ["--lobster", message, orderbook, "--paths", "20", "--seed", "1"],
                          tmp_path / "simulate.json")

    flow = fp.lobster_order_flow(message, orderbook)
    assert flow.tick_size == program["data"]["tick_size"] == 0.13  # half GOOG's median spread, as the program
    assert len(flow) == program["data"]["events"]
    events = flow.events()
    assert np.all(np.diff(events["time_ns"]) >= 0)
    assert set(np.unique(events["kind"])) <= {0, 1, 2, 3} and fp.ORDER_FLOW_KINDS[2] == "market"

    fits = fp.fit_simulators(flow)
    zi, qr = fits["zero_intelligence"], fits["queue_reactive"]
    pz = program["zero_intelligence"]["fit"]
    assert zi["mu"]["value"] == pz["mu"]["value"] and zi["mu"]["std_error"] == pz["mu"]["std_error"]
    assert [e["value"] for e in zi["lambda"]] == [e["value"] for e in pz["lambda"]]
    assert zi["params"].lambda_ == [e["value"] for e in zi["lambda"]]
    assert zi["power_law_alpha"]["value"] == pz["power_law_alpha"]["value"]
    assert zi["lot_quantity"] == pz["lot_quantity"] == zi["params"].lot_quantity
    pq = program["queue_reactive"]["fit"]
    assert qr["theta"]["value"] == pq["theta"] and qr["depletions"] == pq["depletions"]
    assert qr["params"].limit_rate.tolist() == pq["limit_rate"]  # after the thin cells' regularization
    assert qr["params"].cancel_rate.tolist() == pq["cancel_rate"]
    assert qr["params"].limit_rate.shape == (3, 21)

    quantity, horizon = program["order"]["quantity"], program["order"]["horizon_seconds"]
    twap = fp.twap_schedule(quantity, horizon, program["order"]["children"])
    for key, params in (("zero_intelligence", zi["params"]), ("queue_reactive", qr["params"])):
        ours = {}
        for name, order_type in (("twap", "market"), ("passive_limit", "passive_limit")):
            ours[name] = fp.simulate_execution(params, twap, side="buy", order_type=order_type, n_paths=20,
                                               warmup_seconds=120.0, threshold_bps=10.0, seed=1)
        theirs = {s["name"]: s for s in program[key]["strategies"]}
        for name, r in ours.items():
            assert r["expected_bps"] == theirs[name]["expected_bps"], (key, name)
            assert r["q95_bps"] == theirs[name]["q95_bps"] and r["p_exceed"] == theirs[name]["p_exceed"]
            assert r["mean_path_bps"].tolist() == theirs[name]["mean_path_bps"]
            assert r["cost_bps"].shape == (20,) and r["path_bps"].shape == (20, len(r["path_times"]))
            assert math.isclose(r["cost_bps"].mean(), r["expected_bps"], rel_tol=1e-12)

    realism = fp.realism(flow, zi["params"], seed=1)
    pr = program["zero_intelligence"]["realism"]
    assert realism["simulated_events"] == pr["simulated_events"]
    assert [r["wasserstein"] for r in realism["rows"]] == [r["wasserstein"] for r in pr["rows"]]
    assert realism["signature_log_distance"] == pr["signature_log_distance"]


def test_the_papers_market_order_rate():
    # Cont, Stoikov and Talreja's Tokyo estimates, unit sizes: one-lot market orders at
    # mu = 0.94 a second on each side, each one event
    sim = fp.ZeroIntelligenceModel(fp.ZeroIntelligenceParams.cont_stoikov_talreja_2010(), seed=7)
    tape = sim.run(until=20000.0)
    markets = np.count_nonzero(tape["kind"] == 2)
    seconds = tape["time_ns"][-1] / 1e9
    rate = markets / (2.0 * seconds)
    assert abs(rate - 0.94) < 4.0 * math.sqrt(markets) / (2.0 * seconds)
    assert np.all(tape["quantity"][tape["kind"] == 2] == 1.0)
    report = sim.report()
    assert report["markets"] == markets and report["limits"] == np.count_nonzero(tape["kind"] == 0)
    assert report["events"] == np.count_nonzero(tape["kind"] != 3)  # set_quantity is not an order


def test_same_seed_same_tape():
    params = fp.ZeroIntelligenceParams.cont_stoikov_talreja_2010()
    a = fp.ZeroIntelligenceModel(params, seed=11).run(until=200.0)
    b = fp.ZeroIntelligenceModel(params, seed=11).run(until=200.0)
    c = fp.ZeroIntelligenceModel(params, seed=12).run(until=200.0)
    for key in a:
        assert np.array_equal(a[key], b[key])
    assert not np.array_equal(a["time_ns"][:50], c["time_ns"][:50])
    assert len(fp.ZeroIntelligenceModel(params, seed=11).run(until=1e9, max_events=100)["kind"]) == 100


def test_own_orders_walk_the_book_and_queue_fifo():
    sim = fp.ZeroIntelligenceModel(fp.ZeroIntelligenceParams.cont_stoikov_talreja_2010(), seed=5)
    sim.advance(120.0)
    ask, depth = sim.best_ask, sim.depth_at("sell", 0)
    order = sim.submit_market("buy", depth + 2.0)  # more than the best ask holds: walks past it
    fills = sim.fills()
    assert np.all(fills["order_id"] == order) and fills["quantity"].sum() == depth + 2.0
    assert fills["price"][0] == ask and fills["price"][-1] > ask and np.all(fills["aggressive"])
    assert np.all(fills["side"] == 1)
    sim.clear_fills()
    bid, ahead = sim.best_bid, sim.depth_at("buy", 0)
    limit = sim.submit_limit("buy", bid, 1.0)
    assert sim.resting_quantity(limit) == 1.0 and sim.quantity_ahead(limit) == ahead
    assert sim.depth_at("buy", 0) == ahead + 1.0
    assert sim.cancel(limit) == 1.0 and sim.resting_quantity(limit) == 0.0 and sim.cancel(limit) == 0.0


def test_the_queue_reactive_model_from_a_fit():
    message, orderbook = goog_files()
    fits = fp.fit_simulators(fp.lobster_order_flow(message, orderbook), max_queue=10)
    params = fits["queue_reactive"]["params"]
    sim = fp.QueueReactiveModel(params, seed=2)
    pi = sim.invariant_distribution(1)
    assert math.isclose(sum(pi), 1.0, rel_tol=1e-9) and min(pi) >= 0.0
    # p_ref is half a tick above the first bid queue's price; the mid is within the K queues of it
    assert sim.queue("buy", 1) >= 0.0 and sim.queue("sell", 1) >= 0.0
    assert abs(sim.reference_price - sim.mid) <= 3 * params.tick_size
    sim.advance(600.0)
    assert sim.report()["price_moves"] > 0
    r = fp.simulate_execution(params, fp.twap_schedule(10 * params.lot_quantity, 300.0, 10), side="sell",
                              n_paths=8, warmup_seconds=60.0, seed=4)
    assert np.all(r["fill_rate"] == 1.0) and r["order_type"] == "market"


def test_errors():
    params = fp.ZeroIntelligenceParams.cont_stoikov_talreja_2010()
    sim = fp.ZeroIntelligenceModel(params)
    with pytest.raises(ValueError, match="side"):
        sim.submit_market("hold", 1.0)
    with pytest.raises(ValueError, match="quantity"):
        sim.submit_market("buy", -1.0)
    bad = fp.ZeroIntelligenceParams.cont_stoikov_talreja_2010()
    bad.theta = [0.5]
    with pytest.raises(ValueError, match="theta"):
        fp.ZeroIntelligenceModel(bad)
    with pytest.raises(ValueError, match="horizon_seconds"):
        fp.simulate_execution(params, {"times": [0.0], "quantities": [1.0]})
    with pytest.raises(ValueError, match="order_type"):
        fp.simulate_execution(params, fp.twap_schedule(5, 60, 5), order_type="iceberg")
    with pytest.raises(ValueError, match="no_such_file"):
        fp.lobster_order_flow("no_such_file.csv", "no_such_book.csv")
    with pytest.raises(ValueError, match="tick_size"):
        fp.bitstamp_order_flow(".", tick_size=-1.0)


def test_the_crypto_sources():
    data = os.environ.get("FOOTPRINT_DATA_DIR", "")
    folder = os.path.join(data, "bitstamp")
    spot = [os.path.join(data, "binance", "raw", "spot", f"btcusdt_2024080{d}.gz") for d in (8, 9)]
    if not (os.path.isdir(folder) and all(os.path.exists(p) for p in spot)):
        pytest.skip("no Bitstamp or Binance data under " + data)
    # Bitstamp 2015: a small-tick book (median spread 17 ticks of 0.01), modelled on 0.09 USD
    bitstamp = fp.bitstamp_order_flow(folder)
    assert bitstamp.tick_size == pytest.approx(0.09) and "grid of 0.09" in bitstamp.notes[0]
    fits = fp.fit_simulators(bitstamp)
    assert fits["zero_intelligence"]["lot_quantity"] == pytest.approx(9.94, abs=0.01)  # docs/simulation.md
    assert any("take the rates of the queue size below them" in n for n in fits["notes"])
    # Binance BTCUSDT spot on a 1 USDT grid: the queue-reactive model fills a 5 BTC TWAP
    binance = fp.binance_order_flow(spot, tick_size=1.0)
    assert binance.tick_size == 1.0 and len(binance) > 100000
    params = fp.fit_simulators(binance)["queue_reactive"]["params"]
    r = fp.simulate_execution(params, fp.twap_schedule(5.0, 300.0, 20), n_paths=10, seed=1)
    assert r["fill_rate"].mean() > 0.9 and 0.0 < r["expected_bps"] < 20.0


def test_the_policy_evaluation_equals_footprint_executes(tmp_path):
    message, orderbook = goog_files()
    program = run_program("FOOTPRINT_EXECUTE", ["--lobster", message, orderbook, "--env", "qr", "--agent", "both",
                                                "--episodes", "2000", "--dqn-episodes", "2000",
                                                "--evaluation-episodes", "50", "--quiet"], tmp_path / "execute.json")
    e, seed = program["environment"], program["evaluation"]["seed"]
    params = fp.fit_simulators(fp.lobster_order_flow(message, orderbook))["queue_reactive"]["params"]
    env = fp.ExecutionEnvironment(params, e["side"], e["quantity"], e["horizon_seconds"], n_steps=e["decisions"],
                                  warmup_seconds=e["warmup_seconds"])
    assert env.lot_quantity == e["lot_quantity"]
    theirs = {p["name"]: p for p in program["policies"]}
    twap = fp.evaluate_policy(env, "twap", n_episodes=50, seed=seed)
    for key in ("mean_bps", "std_bps", "cvar95_bps", "completion_rate", "unfilled_share", "max_child_share"):
        assert twap[key] == theirs["twap"][key], key
    c = fp.compare_policies(env, "passive_catch_up", "twap", n_episodes=50, seed=seed)
    assert c["a"]["mean_bps"] == theirs["passive_catch_up"]["mean_bps"]
    for key in ("mean_difference_bps", "ci_low_bps", "ci_high_bps", "verdict"):
        assert c[key] == theirs["passive_catch_up"]["vs_twap"][key], key
    # TWAP written in Python trades the same children: the same shortfalls, to the last digit
    ours = fp.evaluate_policy(env, lambda o: o["remaining"] / (o["n_steps"] - o["step"]), n_episodes=50, seed=seed)
    assert np.array_equal(ours["shortfall_bps"], twap["shortfall_bps"])
    # the agents trained from Python with the program's settings (seed 1) are the program's
    tabular, dqn = fp.TabularQLearning(episodes=2000, seed=1), fp.DoubleDQN(episodes=2000, seed=1)
    assert tabular.n_steps == 0
    for name, agent in (("tabular_q_learning", tabular), ("double_dqn", dqn)):
        training = agent.train(env)
        assert training["episodes"] == 2000 and agent.n_steps == e["decisions"]
        c = fp.compare_policies(env, agent, "twap", n_episodes=50, seed=seed)
        assert c["a"]["mean_bps"] == theirs[name]["mean_bps"], name
        assert c["verdict"] == theirs[name]["vs_twap"]["verdict"]
        # saved and loaded (footprint-execute's files): the same policy
        path = tmp_path / (name + ".json")
        agent.save(str(path))
        loaded = type(agent).load(str(path))
        again = fp.evaluate_policy(env, loaded, n_episodes=50, seed=seed)
        assert np.array_equal(again["shortfall_bps"], c["a"]["shortfall_bps"])
    # footprint-execute reads the Python agent's file
    reread = run_program("FOOTPRINT_EXECUTE", ["--lobster", message, orderbook, "--env", "qr", "--agent", "tabular",
                                               "--load-agent", str(tmp_path / "tabular_q_learning.json"),
                                               "--evaluation-episodes", "50", "--quiet"], tmp_path / "loaded.json")
    loaded = {p["name"]: p for p in reread["policies"]}
    assert loaded["tabular_q_learning"]["mean_bps"] == theirs["tabular_q_learning"]["mean_bps"]


def test_an_episode_by_hand():
    params = fp.ZeroIntelligenceParams.cont_stoikov_talreja_2010()
    env = fp.ExecutionEnvironment(params, "sell", 10.0, 100.0, n_steps=5)
    shortfalls = []
    for _ in range(2):
        obs, info = env.reset(seed=9)
        assert obs["step"] == 0 and obs["remaining"] == 10.0 and info["arrival_mid"] == obs["arrival_mid"]
        rewards = []
        while True:
            obs, reward, terminated, truncated, info = env.step(obs["remaining"] / (obs["n_steps"] - obs["step"]))
            rewards.append(reward)
            assert not truncated and info["shortfall_bps"] == env.shortfall_bps
            if terminated:
                break
        # the rewards are minus the steps' shortfalls in bps: they sum to minus the episode's
        assert len(rewards) == 5 and math.isclose(sum(rewards), -env.shortfall_bps, rel_tol=1e-9, abs_tol=1e-12)
        assert env.done and env.remaining == 0.0 and obs["step"] == 5
        shortfalls.append(env.shortfall_bps)
    assert shortfalls[0] == shortfalls[1]  # same seed, same episode
    with pytest.raises(ValueError, match="after the last decision"):
        env.step(1.0)
    env.reset(seed=1)
    with pytest.raises(ValueError, match="price_offset_ticks"):
        env.step(2.0, "passive_limit", -1)
    obs, _, _, _, _ = env.step(2.0, "passive_limit", 1)  # rests a tick inside the ask
    assert obs["step"] == 1

    class Counting:
        resets = 0

        def reset(self):
            Counting.resets += 1

        def __call__(self, o):
            return (o["remaining"], "market")

    r = fp.evaluate_policy(env, Counting(), n_episodes=30, seed=2)
    assert Counting.resets == 30 and r["degenerate"] and r["max_child_share"] == 1.0
    with pytest.raises(ValueError, match="policy"):
        fp.evaluate_policy(env, "vwap", n_episodes=30)
    with pytest.raises(ValueError, match="order_type"):
        fp.evaluate_policy(env, lambda o: (1.0, "iceberg"), n_episodes=30)
    with pytest.raises(ZeroDivisionError):  # the policy's own error reaches the caller
        fp.evaluate_policy(env, lambda o: 1.0 / 0.0, n_episodes=30)
    with pytest.raises(ValueError, match="n_episodes"):
        fp.evaluate_policy(env, "twap", n_episodes=10)
    with pytest.raises(ValueError, match="whole number of lots"):
        fp.ExecutionEnvironment(params, "buy", 2.5, 60.0)
    with pytest.raises(ValueError, match="preset"):
        fp.TabularQLearning(preset="greedy")
    with pytest.raises(ValueError, match="order_type"):
        fp.DoubleDQN(order_kinds=["iceberg"])
    # an agent with its own actions: sizes of what is left, market or a limit a tick inside
    agent = fp.TabularQLearning(episodes=300, size_fractions=[0.0, 0.5, 1.0],
                                order_kinds=["market", ("passive_limit", 1)])
    assert agent.train(env)["episodes"] == 300
    assert fp.evaluate_policy(env, agent, n_episodes=30, seed=2)["completion_rate"] == 1.0
