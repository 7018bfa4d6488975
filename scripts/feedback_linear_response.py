#!/usr/bin/python3
"""The impact curve the queue-reactive model's order-flow feedback gives to first order.

Linear response (docs/simulation.md, "Impact emerges (or not)"): with the feedback on, the
others' market orders lean against the signed flow F at a net rate of about -a F lots/s,
a = 2 mu kappa (mu the market-order rate of one side, lots/s; exp(kappa F) to first order), and
F = G * (u + m) is the flow of the user's lots u and the market's reaction m through the kernel
G(t) = (1 + t / tau_0)^-beta. The price moves with the net flow u + m (about a fixed amount a
lot, as the queue-reactive model without feedback gives: impact linear and permanent), so a
TWAP at rate r over T has peak r int_0^T K and r int_T^2T K at 2T, K the response to one lot,
whose Laplace transform is 1 / (s (1 + a G^(s))): past the crossover time t* where
a int_0^t* G = 1, K ~ t^-(1 - beta), the exponent at one participation rate tends to beta and
the share left at 2T to 2^beta - 1.

This script solves the Volterra equation on a grid (dt seconds) for TWAPs over T0 x 1, 2, 4,
8, 16 seconds (one participation rate, as `footprint-simulate --impact-duration proportional`)
and prints, per (kappa, beta), the fitted exponent of the peak in size (least squares of log
peak on log size), the share remaining at 2T per size, and each peak as a share of the same
TWAP's peak without feedback. It ignores the market's own F and the nonlinearity of
exp(kappa F), which the simulator has.

With --rate R it solves instead the mean field of the whole reaction, nonlinear: the TWAP at
R lots/s, the market's reaction -2 mu c sinh(kappa F) lots/s (the scales 1 + c (exp(+-kappa F)
- 1) of `queue_reactive_params::feedback_amplitude`, c = --amplitude), F the mean flow. It
still ignores the market's own fluctuations of F, which a convex reaction feels: averaged over
them (symmetric, independent of the order) the reaction is 2 mu c E[cosh(kappa F_market)]
sinh(kappa F), so the market's flow multiplies the reaction rate by about
exp(kappa^2 sigma^2 / 2), sigma^2 = 2 mu tau_0 / (2 beta - 1) the variance of its F (Poisson
market orders at mu a side through a kernel normalised to G(0) = 1, beta > 1/2).

Usage: /usr/bin/python3 scripts/feedback_linear_response.py [--mu 0.94] [--t0 75]
       [--dt 1] [--tau0 1] [--rate R [--amplitude C]] KAPPA,BETA ...
e.g.   /usr/bin/python3 scripts/feedback_linear_response.py 0.02,0.5 0.07,0.7 0.15,0.7
       /usr/bin/python3 scripts/feedback_linear_response.py --rate 0.0667 --amplitude 0.000665
           --tau0 10 8,0.7
"""

import argparse

import numpy as np


def solve_curve(step, beta, t0, dt, tau0, multiples):
    """(exponent, [(T, peak, remaining share)]) for TWAPs over t0 x multiples: net[i] =
    step(on, past), `on` whether the TWAP trades at step i, `past` the net flow of steps 0..i-1
    through the kernel (step i's own at age 0 is the step's to treat, implicitly)."""
    n = int(round(2 * t0 * multiples[-1] / dt))
    g = (1.0 + np.arange(n + 1) * dt / tau0) ** -beta
    rows = []
    for m in multiples:
        n_t = int(round(t0 * m / dt))
        net = np.zeros(n)
        for i in range(n):
            past = np.dot(g[i:0:-1], net[:i]) * dt if i > 0 else 0.0
            net[i] = step(i < n_t, past)
        price = np.cumsum(net) * dt
        peak = price[n_t - 1]
        rows.append((t0 * m, peak, price[min(2 * n_t, n) - 1] / peak))
    sizes = np.log([r[0] for r in rows])
    peaks = np.log([r[1] for r in rows])
    return np.polyfit(sizes, peaks, 1)[0], rows


def impact_curve(kappa, beta, mu, t0, dt, tau0, multiples=(1, 2, 4, 8, 16)):
    """(exponent, [(T, peak, remaining share)]) for TWAPs at unit rate over t0 x multiples."""
    a = 2.0 * mu * kappa

    def step(on, past):  # net = u - a F, F = past + net dt: implicit, stable for any a dt
        return ((1.0 if on else 0.0) - a * past) / (1.0 + a * dt)

    return solve_curve(step, beta, t0, dt, tau0, multiples)


def mean_field_curve(kappa, beta, mu, t0, dt, tau0, rate, amplitude, multiples=(1, 2, 4, 8, 16)):
    """(exponent, [(T, peak, remaining share)]) of the mean field: TWAPs at `rate` lots/s over
    t0 x multiples against the reaction 2 mu c sinh(kappa F); the peak in lots of net flow."""
    big_a = 2.0 * mu * amplitude

    def step(on, past):
        # net = u - A sinh(kappa (past + net dt)), implicit in its own step: Newton from the
        # linear step (the residual increases with net, so it converges)
        u = rate if on else 0.0
        x = (u - big_a * kappa * past) / (1.0 + big_a * kappa * dt)
        for _ in range(50):
            z = kappa * (past + x * dt)
            x_new = x - (x - u + big_a * np.sinh(z)) / (1.0 + big_a * kappa * dt * np.cosh(z))
            if abs(x_new - x) <= 1e-13 * (1.0 + abs(x)):
                return x_new
            x = x_new
        return x

    return solve_curve(step, beta, t0, dt, tau0, multiples)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("settings", nargs="+", help="KAPPA,BETA pairs (kappa per lot, beta in (0, 1))")
    parser.add_argument("--mu", type=float, default=0.94, help="market orders of one side, lots/s (CST 2010: 0.94)")
    parser.add_argument("--t0", type=float, default=75.0, help="the smallest TWAP's horizon, s")
    parser.add_argument("--dt", type=float, default=1.0, help="grid step, s")
    parser.add_argument("--tau0", type=float, default=1.0, help="the kernel's tau_0, s")
    parser.add_argument("--rate", type=float, default=0.0,
                        help="solve the nonlinear mean field for TWAPs at this many lots/s (0: linear response)")
    parser.add_argument("--amplitude", type=float, default=1.0, help="the mean field's amplitude c, in (0, 1]")
    args = parser.parse_args()
    if not (args.rate >= 0.0 and 0.0 < args.amplitude <= 1.0):
        raise SystemExit("feedback_linear_response.py: --rate must be >= 0 and --amplitude in (0, 1]")
    for setting in args.settings:
        kappa, beta = (float(x) for x in setting.split(","))
        if not (args.mu > 0.0 and args.t0 > 0.0 and args.dt > 0.0 and args.tau0 > 0.0):
            raise SystemExit("feedback_linear_response.py: --mu, --t0, --dt and --tau0 must be > 0")
        if not (kappa >= 0.0 and 0.0 < beta < 1.0):
            raise SystemExit(f"feedback_linear_response.py: need kappa >= 0 and beta in (0, 1) (got {setting})")
        if args.rate > 0.0:
            exponent, rows = mean_field_curve(kappa, beta, args.mu, args.t0, args.dt, args.tau0, args.rate,
                                              args.amplitude)
            scale = args.rate
        else:
            exponent, rows = impact_curve(kappa, beta, args.mu, args.t0, args.dt, args.tau0)
            scale = 1.0
        shares = ", ".join(f"{r[2]:.2f}" for r in rows)
        # without feedback a TWAP at `scale` lots/s over T peaks at scale x T (a unit of price a lot)
        ratios = ", ".join(f"{r[1] / (scale * r[0]):.3g}" for r in rows)
        print(f"kappa {kappa:g}, beta {beta:g}: exponent {exponent:.3f}; remaining at 2T {shares}; "
              f"peak {ratios} of the peak without feedback")


if __name__ == "__main__":
    main()
