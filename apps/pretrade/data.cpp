// footprint-pretrade: reading the data and preparing the training rows.
#include "pretrade.hpp"

#include "../common/market_data.hpp"
#include "../common/program.hpp"

#include <cmath>
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

namespace pretrade {

void progress::start(const std::string& what) {
  what_ = what;
  t0_ = std::chrono::steady_clock::now();
  if (!quiet_) std::fprintf(stderr, "footprint-pretrade: %s ...\n", what.c_str());
}

void progress::done() {
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0_).count();
  if (!quiet_) std::fprintf(stderr, "footprint-pretrade: %s: done in %.1f s\n", what_.c_str(), s);
}

std::string seconds_text(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, seconds < 1e9 ? "%.1f" : "%.3g", seconds);
  return text;
}

double parse_horizon(const std::string& text) {
  const double seconds = apps::parse_duration(text, "--horizon");
  // Below a second the strategies' children would be microseconds apart, priced by a transient
  // kernel measured on 2 s bins, and the report would say "over 0 s".
  if (seconds < 1.0) {
    throw fp::invalid_argument("--horizon: must be at least 1 s (got '" + text +
                               "'): a sweep of the book now is the aggressive strategy of any horizon");
  }
  return seconds;
}

// Levels of each order's arrival book kept: the analysis prices the depth beyond a book's
// visible levels with their median density (pretrade_analysis::fit), as footprint-backtest.
constexpr fp::index arrival_book_levels = 20;

source_data load(const options& o) { return apps::load_market_data(o.data, arrival_book_levels); }

scaler::scaler(const fp::matrix& X) {
  mean = X.colwise().mean().transpose();
  scale = ((X.rowwise() - mean.transpose()).array().square().colwise().mean()).sqrt().transpose();
  for (fp::index j = 0; j < scale.size(); ++j) {
    if (!(scale[j] > 0.0)) scale[j] = 1.0;
  }
}

fp::matrix scaler::apply(const fp::matrix& X) const {
  return ((X.rowwise() - mean.transpose()).array().rowwise() / scale.transpose().array()).matrix();
}

training_data make_training_data(const fp::impact_dataset& d, double train_fraction) {
  training_data t{.design = fp::order_design(d.feature_names)};
  const fp::vector label = d.label("shortfall_bps");
  std::vector<fp::index> all(static_cast<std::size_t>(d.rows()));
  for (fp::index i = 0; i < d.rows(); ++i) all[static_cast<std::size_t>(i)] = i;
  const fp::matrix X_all = t.design.rows(d, all);
  for (fp::index i = 0; i < d.rows(); ++i) {
    if (std::isfinite(label[i]) && X_all.row(i).allFinite()) t.rows.push_back(i);
  }
  t.excluded = d.rows() - static_cast<fp::index>(t.rows.size());
  if (t.rows.size() < 50) {
    throw fp::invalid_argument("the data has " + std::to_string(t.rows.size()) +
                               " labelled market orders with complete features; at least 50 are needed");
  }
  t.X.resize(static_cast<fp::index>(t.rows.size()), t.design.size());
  t.y.resize(t.X.rows());
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    t.X.row(static_cast<fp::index>(r)) = X_all.row(t.rows[r]);
    t.y[static_cast<fp::index>(r)] = label[t.rows[r]];
  }
  std::vector<std::chrono::nanoseconds> times;
  for (const fp::index i : t.rows) times.push_back(d.times[static_cast<std::size_t>(i)]);
  t.split = fp::time_ordered_split(times, {.train_fraction = train_fraction});
  return t;
}

}  // namespace pretrade
