"""The pre-trade analysis (footprint::pretrade_analysis; docs/pretrade.md) from Python.

    market = footprint.lobster_dataset(message, orderbook)
    analysis = footprint.PretradeAnalysis().fit(market)
    report = analysis.report("buy", 5000, horizon_seconds=1800)    # a dict
    table = footprint.schedules_frame(report)                        # a pandas DataFrame

The cost model of one market order is a footprint regressor: BayesianLinearRegressor (the
default), LinearRegression, RandomForestRegressor or GradientBoostingRegressor, with its
parameters.
"""

from . import _footprint
from ._estimators import BayesianLinearRegressor, GradientBoostingRegressor, LinearRegression, RandomForestRegressor

__all__ = ["PretradeAnalysis", "schedules_frame"]

_KINDS = {BayesianLinearRegressor: "bayesian_linear", LinearRegression: "ols", RandomForestRegressor: "random_forest",
          GradientBoostingRegressor: "gradient_boosting"}


class PretradeAnalysis:
    """Fits the pre-trade analysis on a Market (the cost model on every market order, the
    transient kernel on the tape, the permanent square-root law on the metaorders, the
    arrival book) and prices an order's strategies: aggressive, balanced, passive,
    participation rates and the Almgren-Chriss optimum."""

    def __init__(self, estimator=None):
        self.estimator = BayesianLinearRegressor() if estimator is None else estimator

    def fit(self, market):
        kind = _KINDS.get(type(self.estimator))
        if kind is None:
            raise ValueError("PretradeAnalysis: the estimator must be a BayesianLinearRegressor, LinearRegression, "
                             f"RandomForestRegressor or GradientBoostingRegressor (got {type(self.estimator).__name__})")
        model_json = self.estimator._make_core().to_json()
        core = _footprint.PretradeCore(kind, model_json)
        core.fit(market)
        self.core_ = core
        return self

    def report(self, side, quantity, horizon_seconds, threshold_bps=10.0, lam=1e-6, children=0):
        """The report of an order as a dict: the order (quantity rounded to whole lots), the
        market state at arrival, the model's cost of the reference order and its bias against
        the book walk, the permanent law, `strategies` (each with its children's `times` and
        `quantities` and a `forecast` of temporary, permanent and total cost in bps of the
        arrival mid, its std, p05/p50/p95 and P(total > threshold_bps)), and `warnings`.
        side: "buy" or "sell"; quantity in the instrument's unit, > 0; horizon_seconds > 0;
        lam: Almgren-Chriss risk aversion per unit of quote currency; children: 0 = automatic."""
        if not hasattr(self, "core_"):
            raise RuntimeError("PretradeAnalysis is not fitted yet: call fit(market) first")
        return self.core_.report(side, float(quantity), float(horizon_seconds), float(threshold_bps), float(lam),
                                 int(children))


def schedules_frame(report):
    """The strategies of a report as a pandas DataFrame, one row per strategy (index: its
    name): expected, temporary, permanent, std, p05, p50 and p95 in bps, the exceedance
    probability, the duration, participation, number of children and the expected total in
    quote currency."""
    import pandas as pd

    rows = []
    for s in report["strategies"]:
        f = s["forecast"]
        rows.append({"strategy": s["name"], "expected_bps": f["expected_bps"], "temporary_bps": f["temporary_bps"],
                     "permanent_bps": f["permanent_bps"], "std_bps": f["std_bps"], "p05_bps": f["p05_bps"],
                     "p50_bps": f["p50_bps"], "p95_bps": f["p95_bps"],
                     "p_exceed": f["exceedance_probability"], "duration_seconds": s["duration_seconds"],
                     "participation": s["participation"], "children": len(s["quantities"]),
                     "total_currency": s["total_currency"]})
    return pd.DataFrame(rows).set_index("strategy")
