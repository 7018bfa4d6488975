"""The order-book simulators from Python: a LOBSTER day's order flow, both models fitted to it,
a TWAP and a passive limit-order TWAP executed 200 times in each, and one order of your own in
its queue (docs/python.md, "Order-book simulators"; docs/simulation.md for the models).

    PYTHONPATH=build/gcc/python /usr/bin/python3 examples/python/simulation.py [DATA_DIR]

DATA_DIR holds lobster/GOOG_2012-06-21_L1 (../shared/data); without it, the zero-intelligence
model with Cont, Stoikov and Talreja's (2010) estimates.
"""

import os
import sys

import numpy as np

import footprint as fp

data_dir = sys.argv[1] if len(sys.argv) > 1 else ""
day = os.path.join(data_dir, "lobster", "GOOG_2012-06-21_L1", "GOOG_2012-06-21_34200000_57600000_{}_1.csv")
if data_dir and os.path.exists(day.format("message")):
    # The day's order flow on a grid of about half its median spread (0.13 USD), as
    # footprint-simulate models it, and both models fitted to it with standard errors.
    flow = fp.lobster_order_flow(day.format("message"), day.format("orderbook"))
    fits = fp.fit_simulators(flow)
    zi = fits["zero_intelligence"]
    print(flow, "| lot", round(zi["lot_quantity"], 2), "| mu", round(zi["mu"]["value"], 4), "+-",
          round(zi["mu"]["std_error"], 4), "/s")
    models = {"zero-intelligence": zi["params"], "queue-reactive": fits["queue_reactive"]["params"]}
    for name, params in models.items():
        distances = fp.realism(flow, params, seed=1)
        print(name, "W1 / sd of the spread:", round(distances["rows"][0]["wasserstein_scaled"], 3))
else:
    models = {"zero-intelligence": fp.ZeroIntelligenceParams.cont_stoikov_talreja_2010()}

# Buy 20 lots over 5 minutes in 20 children, 200 paths per strategy with common random numbers.
for name, params in models.items():
    twap = fp.twap_schedule(20 * params.lot_quantity, 300.0, 20)
    for order_type in ("market", "passive_limit"):
        r = fp.simulate_execution(params, twap, side="buy", order_type=order_type, n_paths=200, threshold_bps=10.0,
                                  seed=1)
        print(f"{name:17} {order_type:13} cost {r['expected_bps']:6.2f} bps (sd {r['std_bps']:5.2f}, "
              f"p95 {r['q95_bps']:6.2f}), P(> 10 bps) {r['p_exceed']:.3f}, filled {r['fill_rate'].mean():.3f}, "
              f"impact at the horizon {np.interp(300.0, r['path_times'], r['mean_path_bps']):.2f} bps")

# Your own limit order at the best bid: it waits behind the queue ahead of it (FIFO).
params = next(iter(models.values()))
sim = fp.ZeroIntelligenceModel(params, seed=3)
sim.advance(300.0)
order = sim.submit_limit("buy", sim.best_bid, params.lot_quantity)
print("resting at", sim.best_bid, "behind", sim.quantity_ahead(order), "of others' quantity")
while sim.resting_quantity(order) > 0 and sim.seconds < 3600.0:
    sim.advance(sim.seconds + 1.0)
fills = sim.fills()
if sim.resting_quantity(order) > 0:
    print("not filled within the hour: cancelled", sim.cancel(order))
else:
    print("filled", fills["quantity"].sum(), "at", fills["price"][-1], "after", round(sim.seconds - 300.0), "s")

# An execution environment on the same model (reset / step, Gymnasium's conventions), and
# footprint-execute's protocol: passive limit orders with catch-up, a policy of your own and a
# trained agent against TWAP, 10 lots over a minute in 10 decisions, on the same 200 episodes.
env = fp.ExecutionEnvironment(params, "buy", 10 * params.lot_quantity, 60.0, n_steps=10)


def front_loaded(observation):
    """Half of what is left at each decision, the rest at the last: a policy is any callable."""
    last = observation["step"] + 1 == observation["n_steps"]
    return observation["remaining"] if last else 0.5 * observation["remaining"]


# footprint-execute's tabular double Q-learning agent, trained in the same environment
agent = fp.TabularQLearning(episodes=20000, seed=1)
agent.train(env)

for name, policy in (("passive_catch_up", "passive_catch_up"), ("front_loaded", front_loaded),
                     ("tabular agent", agent)):
    c = fp.compare_policies(env, policy, "twap", n_episodes=200, seed=2027)
    print(f"{name:16} {c['a']['mean_bps']:6.2f} bps against TWAP's {c['b']['mean_bps']:6.2f}: "
          f"{c['mean_difference_bps']:+.2f} [{c['ci_low_bps']:+.2f}, {c['ci_high_bps']:+.2f}] {c['verdict']}")
