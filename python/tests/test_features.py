"""The feature calculators in batch from Python, on the GOOG day's order book: the top of book
and the queue imbalance against their formulas in numpy, stateful calculators' shapes and
names, errors."""

import os

import numpy as np
import pytest

import footprint as fp

DATA = os.environ.get("FOOTPRINT_DATA_DIR", "")
BOOK = os.path.join(DATA, "lobster", "GOOG_2012-06-21_L1", "GOOG_2012-06-21_34200000_57600000_{}_1.csv")


def goog_history(rows=20_000):
    if not os.path.exists(BOOK.format("orderbook")):
        pytest.skip("no GOOG data under " + DATA)
    # LOBSTER level 1: ask price, ask size, bid price, bid size (prices x 10,000); the message
    # file's first column is the time in seconds after midnight.
    ob = np.loadtxt(BOOK.format("orderbook"), delimiter=",", max_rows=rows)
    t = np.loadtxt(BOOK.format("message"), delimiter=",", max_rows=rows, usecols=0)
    book = np.stack([ob[:, 2] / 1e4, ob[:, 3], ob[:, 0] / 1e4, ob[:, 1]], axis=1).reshape(rows, 1, 4)
    return np.ascontiguousarray(book), np.round(t * 1e9).astype(np.int64)


def test_top_of_book_and_queue_imbalance_on_the_goog_day():
    book, times = goog_history()
    names, X = fp.compute_features(book, times, ["top_of_book", "queue_imbalance", "order_flow_imbalance",
                                                 "realized_volatility", "time_of_day"])
    assert X.shape == (len(times), len(names)) and len(set(names)) == len(names)
    col = {n: X[:, i] for i, n in enumerate(names)}
    bid, bq, ask, aq = book[:, 0, 0], book[:, 0, 1], book[:, 0, 2], book[:, 0, 3]
    assert np.allclose(col["mid"], (bid + ask) / 2, rtol=1e-15)
    assert np.allclose(col["queue_imbalance"], (bq - aq) / (bq + aq), atol=1e-15)
    assert np.all(np.isfinite(col["spread_bps"])) and np.all(col["spread_bps"] > 0)
    assert "ofi_norm_10s" in names or any(n.startswith("ofi") for n in names)


def test_unknown_calculators_and_bad_shapes_are_value_errors():
    book = np.zeros((3, 1, 4))
    with pytest.raises(ValueError, match="unknown calculator 'vwap'"):
        fp.compute_features(book, np.arange(3), ["vwap"])
    with pytest.raises(ValueError, match="time, level, 4"):
        fp.compute_features(np.zeros((3, 4)), np.arange(3), ["top_of_book"])
    with pytest.raises(ValueError):
        fp.compute_features(np.zeros((3, 1, 4)), np.arange(2), ["top_of_book"])
    assert "top_of_book" in fp.feature_calculators
