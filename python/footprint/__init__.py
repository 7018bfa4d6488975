"""footprint: market impact forecasting and execution, from Python (docs/python.md).

- data: lobster_dataset, bitstamp_dataset, binance_dataset, synthetic_dataset (a Market of
  impact datasets as numpy arrays; to_frame for pandas), compute_features (the feature
  calculators in batch over a book history);
- regressors with scikit-learn's estimator contract and predictive distributions:
  BayesianLinearRegressor, LinearRegression, Ridge, RandomForestRegressor,
  GradientBoostingRegressor, MLPRegressor, DeepEnsembleRegressor;
- splitters as scikit-learn cross-validators: PurgedKFold, WalkForward, CombinatorialPurgedCV;
- AlmgrenChriss, PretradeAnalysis (the report as a dict; schedules_frame), and
  implementation_shortfall;
- the order-book simulators: lobster_order_flow, bitstamp_order_flow, binance_order_flow (an
  OrderFlow tape), fit_simulators, ZeroIntelligenceModel and QueueReactiveModel (with their
  Params; your own orders in FIFO position), twap_schedule, urgency_schedule, pov_schedule,
  simulate_execution (the metaorder harness) and realism; ExecutionEnvironment (reset / step on
  a simulator), evaluate_policy and compare_policies (footprint-execute's protocol), and the
  agents TabularQLearning and DoubleDQN;
- footprint.dask: calibration across many instruments and days on Dask.

The C++ objects are in footprint._footprint.
"""

from . import _footprint
from ._estimators import (BayesianLinearRegressor, DeepEnsembleRegressor, GradientBoostingRegressor,  # noqa: F401
                          LinearRegression, MLPRegressor, RandomForestRegressor, Ridge)
from ._footprint import (ORDER_FLOW_KINDS, AlmgrenChriss, DoubleDQN, ExecutionEnvironment,  # noqa: F401
                         Market, OrderFlow, QueueReactiveModel, QueueReactiveParams, TabularQLearning,
                         ZeroIntelligenceModel, ZeroIntelligenceParams, binance_dataset, binance_order_flow,
                         bitstamp_dataset, bitstamp_order_flow, compare_policies, compute_features,
                         evaluate_policy, feature_calculators, fit_simulators, implementation_shortfall,
                         lobster_dataset, lobster_order_flow, pov_schedule, realism, simulate_execution,
                         synthetic_dataset, twap_schedule, urgency_schedule)
from .model_selection import CombinatorialPurgedCV, PurgedKFold, WalkForward  # noqa: F401
from .pretrade import PretradeAnalysis, schedules_frame  # noqa: F401

__version__ = _footprint.__version__

__all__ = ["ORDER_FLOW_KINDS", "AlmgrenChriss", "BayesianLinearRegressor", "CombinatorialPurgedCV",
           "DeepEnsembleRegressor", "DoubleDQN", "ExecutionEnvironment", "GradientBoostingRegressor",
           "LinearRegression", "MLPRegressor", "Market", "OrderFlow", "PretradeAnalysis", "PurgedKFold",
           "QueueReactiveModel", "QueueReactiveParams", "RandomForestRegressor", "Ridge", "TabularQLearning",
           "WalkForward", "ZeroIntelligenceModel", "ZeroIntelligenceParams", "binance_dataset", "binance_order_flow",
           "bitstamp_dataset", "bitstamp_order_flow", "compare_policies", "compute_features", "evaluate_policy",
           "feature_calculators", "fit_simulators", "implementation_shortfall", "lobster_dataset",
           "lobster_order_flow", "pov_schedule", "realism", "schedules_frame", "simulate_execution",
           "synthetic_dataset", "to_frame", "twap_schedule", "urgency_schedule", "__version__"]


def to_frame(dataset):
    """A dataset of `lobster_dataset(...)["orders"]` (or "metaorders") as a pandas DataFrame: the
    features and labels under their names, plus time_ns, duration_ns, side, quantity and
    arrival_mid. Needs pandas (Debian's python3-pandas)."""
    import pandas as pd

    frame = pd.DataFrame(dataset["X"], columns=dataset["feature_names"])
    for name, column in zip(dataset["label_names"], dataset["labels"].T):
        frame[name] = column
    for key, name in (("times_ns", "time_ns"), ("durations_ns", "duration_ns"), ("side", "side"),
                      ("quantity", "quantity_traded"), ("arrival_mid", "arrival_mid")):
        frame[name] = dataset[key]
    return frame
