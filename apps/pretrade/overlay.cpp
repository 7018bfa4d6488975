// footprint-pretrade: the risk overlay's verdict on each strategy (docs/risk-overlay.md,
// "In footprint-pretrade"). The overlay (execution/risk_overlay.hpp) judges every child of a
// strategy as it would be sent: the model guard looks at the model's predictive sd at arrival
// against its median over the training rows, at the arrival features' Mahalanobis distance
// from the training orders' and at the arrival book; the hard limits (RTS 6 art. 15) at each
// child's price and size. The verdict says whether the strategy would be sent as planned,
// with children clipped or blocked, or replaced by the fallback (TWAP, or POV at a capped
// participation), and why.
#include "pretrade.hpp"

#include <footprint/detail/concat.hpp>

#include <Eigen/Cholesky>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace pretrade {

namespace {

// Arrival features the distance leaves out: a clock and a price level trend by construction.
bool trends(const std::string& name) { return name == "session_fraction" || name == "mid"; }

// Below this many complete training rows per feature the covariance is not estimated.
constexpr fp::index rows_per_feature = 10;

std::chrono::nanoseconds seconds(double s) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::duration<double>(s));
}

}  // namespace

overlay_reference measure_overlay_reference(const fp::impact_pipeline_result& r, const report_context& ctx,
                                            double median_std_bps, std::string std_note) {
  overlay_reference ref;
  ref.median_std_bps = median_std_bps;
  ref.std_note = std::move(std_note);
  const fp::impact_dataset& d = r.orders;
  const fp::index n_state = std::min<fp::index>(r.state.features.size(), d.X.cols());
  std::vector<fp::index> cols;
  for (fp::index j = 0; j < n_state; ++j) {
    const std::string& name = ctx.dataset_features[static_cast<std::size_t>(j)];
    if (!trends(name) && std::isfinite(r.state.features[j])) cols.push_back(j);
  }
  // the complete rows, then the columns that vary on them
  std::vector<fp::index> rows;
  for (fp::index i = 0; i < d.X.rows(); ++i)
    if (std::all_of(cols.begin(), cols.end(), [&](fp::index j) { return std::isfinite(d.X(i, j)); })) rows.push_back(i);
  const auto n = static_cast<fp::index>(rows.size());
  if (cols.empty() || n < rows_per_feature * static_cast<fp::index>(cols.size()) + 2) return ref;
  std::vector<fp::index> kept;
  std::vector<double> means, sds;
  for (fp::index j : cols) {
    double m = 0.0;
    for (fp::index i : rows) m += d.X(i, j);
    m /= static_cast<double>(n);
    double v = 0.0;
    for (fp::index i : rows) v += (d.X(i, j) - m) * (d.X(i, j) - m);
    const double sd = std::sqrt(v / static_cast<double>(n - 1));
    if (sd > 0.0 && std::isfinite(sd)) {
      kept.push_back(j);
      means.push_back(m);
      sds.push_back(sd);
    }
  }
  if (kept.empty()) return ref;
  const auto k = static_cast<fp::index>(kept.size());
  fp::matrix z(n, k);
  for (fp::index a = 0; a < n; ++a)
    for (fp::index b = 0; b < k; ++b)
      z(a, b) = (d.X(rows[static_cast<std::size_t>(a)], kept[static_cast<std::size_t>(b)]) -
                 means[static_cast<std::size_t>(b)]) /
                sds[static_cast<std::size_t>(b)];
  // the correlation matrix; a feature (nearly) determined by the ones before it (a depth and
  // its logarithm, R^2 above 0.999) is left out: it adds no information and would make the
  // distance explode along a direction of no variance
  const fp::matrix all = (z.transpose() * z) / static_cast<double>(n - 1);
  std::vector<fp::index> sel;
  for (fp::index b = 0; b < k; ++b) {
    std::vector<fp::index> trial = sel;
    trial.push_back(b);
    const auto m = static_cast<fp::index>(trial.size());
    fp::matrix sub(m, m);
    for (fp::index i = 0; i < m; ++i)
      for (fp::index j = 0; j < m; ++j)
        sub(i, j) = all(trial[static_cast<std::size_t>(i)], trial[static_cast<std::size_t>(j)]);
    const Eigen::LLT<fp::matrix> f(sub);
    const double pivot = f.info() == Eigen::Success ? f.matrixLLT()(m - 1, m - 1) : 0.0;
    if (pivot * pivot >= 1e-3) sel = std::move(trial);
  }
  const auto dim = static_cast<fp::index>(sel.size());
  fp::matrix corr(dim, dim);
  fp::matrix zs(n, dim);
  ref.features.clear();
  ref.feature_mean.resize(dim);
  ref.feature_covariance.resize(dim, dim);
  for (fp::index a = 0; a < dim; ++a) {
    const auto ka = static_cast<std::size_t>(sel[static_cast<std::size_t>(a)]);
    zs.col(a) = z.col(sel[static_cast<std::size_t>(a)]);
    ref.features.push_back(ctx.dataset_features[static_cast<std::size_t>(kept[ka])]);
    ref.feature_mean[a] = means[ka];
    for (fp::index b = 0; b < dim; ++b) {
      const auto kb = static_cast<std::size_t>(sel[static_cast<std::size_t>(b)]);
      corr(a, b) = all(sel[static_cast<std::size_t>(a)], sel[static_cast<std::size_t>(b)]);
      ref.feature_covariance(a, b) = corr(a, b) * sds[ka] * sds[kb];
    }
  }
  ref.training_rows = n;
  // how often the check would have tripped on the training orders themselves
  const Eigen::LLT<fp::matrix> llt(corr);
  const fp::matrix w = llt.matrixL().solve(zs.transpose());  // (k, n) whitened rows
  const fp::risk_overlay probe({.feature_mean = ref.feature_mean, .feature_covariance = ref.feature_covariance});
  fp::index beyond = 0;
  for (fp::index a = 0; a < n; ++a) beyond += w.col(a).squaredNorm() > probe.distance_threshold() ? 1 : 0;
  ref.training_share_beyond = static_cast<double>(beyond) / static_cast<double>(n);
  return ref;
}

void judge_strategies(report& rep) {
  const options& o = *rep.o;
  const overlay_reference& ref = rep.ctx.overlay;
  const fp::pretrade_report& a = rep.analysis;
  overlay_context& out = rep.overlay;
  out = overlay_context{};
  fp::risk_overlay_params p;
  p.price_collar_bps = o.price_collar_bps;
  p.max_order_quantity = o.max_child_quantity;
  p.max_order_value = o.max_child_value;
  p.median_multiple = o.median_multiple;
  // a plan of at most 10,000 children is judged as a whole: the message throttle is live
  // trading's (footprint-pretrade sends nothing), so it is set out of the way here
  p.max_messages = 1000000;
  if (std::isfinite(ref.median_std_bps) && ref.median_std_bps > 0.0) {
    p.median_std_bps = ref.median_std_bps;
  } else {
    out.notes.push_back(ref.std_note.empty() ? "the model's training sd is unknown: the sd check is off"
                                             : ref.std_note);
  }
  out.notes.emplace_back(
      "no conformal interval width and no drift detector at pre-trade time: those checks run in live use "
      "(footprint-monitor)");
  std::vector<double> now;
  if (!ref.features.empty()) {
    for (const std::string& name : ref.features) {
      const auto at = std::find(rep.ctx.dataset_features.begin(), rep.ctx.dataset_features.end(), name);
      const auto j = static_cast<fp::index>(at - rep.ctx.dataset_features.begin());
      now.push_back(j < a.state.features.size() ? a.state.features[j] : fp::nan);
    }
    p.feature_mean = ref.feature_mean;
    p.feature_covariance = ref.feature_covariance;
    // which features make the distance: their deviations in training sds
    for (std::size_t j = 0; j < now.size(); ++j) {
      const auto jj = static_cast<fp::index>(j);
      const double z = (now[j] - ref.feature_mean[jj]) / std::sqrt(ref.feature_covariance(jj, jj));
      out.deviations.emplace_back(ref.features[j], z);
    }
    std::stable_sort(out.deviations.begin(), out.deviations.end(),
                     [](const auto& x, const auto& y) { return std::abs(x.second) > std::abs(y.second); });
    if (out.deviations.size() > 3) out.deviations.resize(3);
  } else {
    out.notes.emplace_back("too few complete training rows for the features' covariance: the distance check is off");
  }
  out.std_bps = a.model_std_bps;
  const double mid = a.state.mid;
  const double half = 0.5 * a.state.spread;
  const double sgn = fp::sign(a.order.side);
  for (const fp::pretrade_strategy& s : a.strategies) {
    fp::risk_overlay overlay(p);
    overlay_verdict v;
    v.name = s.name;
    double left = a.order.quantity;
    double allowed = 0.0;
    const fp::index n = s.quantities.size();
    for (fp::index j = 0; j < n; ++j) {
      const std::chrono::nanoseconds t = a.state.time + seconds(s.times[j]);
      fp::risk_observation obs;
      obs.time = t;
      obs.bid = mid - half;
      obs.ask = mid + half;
      obs.book_time = j == 0 ? a.state.time : t;  // later children see the book of their time
      obs.reference_price = mid;
      obs.side = a.order.side;
      // the child's expected average price, at least the far touch
      const double child_bps = std::max(s.forecast.child_bps[static_cast<std::size_t>(j)], 1e4 * half / mid);
      obs.price = mid * (1.0 + sgn * child_bps * 1e-4);
      obs.quantity = s.quantities[j];
      obs.std_bps = a.model_std_bps;
      obs.features = now;
      obs.remaining_quantity = left;
      obs.remaining_seconds = s.duration_seconds - s.times[j];
      const double next = j + 1 < n ? s.times[j + 1] : s.duration_seconds;
      obs.interval_seconds = next > s.times[j] ? next - s.times[j] : 1.0;
      obs.volume_rate = a.state.volume_rate;
      const fp::risk_verdict d = overlay.decide(obs);
      if (j == 0) v.first = d;
      v.reasons |= d.reasons;
      if (d.mode == fp::overlay_mode::model) {
        if (!d.allowed() && obs.quantity > 0.0)
          ++v.children_blocked;
        else if (d.quantity < obs.quantity * (1.0 - 1e-12))
          ++v.children_clipped;
      }
      allowed += d.quantity;
      left -= s.quantities[j];
    }
    v.allowed_quantity = allowed;
    if (v.first.mode == fp::overlay_mode::fallback && a.state.volume_rate > 0.0) {
      const fp::child_schedule planned{
          .times = s.times, .quantities = s.quantities, .horizon_seconds = s.duration_seconds};
      v.fallback = overlay.schedule(planned, v.first, a.state.volume_rate);
      const bool pov = v.fallback.horizon_seconds > s.duration_seconds * (1.0 + 1e-9);
      v.action = fp::detail::concat(
          "fall back to ",
          pov ? fp::detail::concat("POV at ", 100.0 * p.fallback_participation, "%") : std::string("TWAP"), ": ",
          v.fallback.times.size(), v.fallback.times.size() == 1 ? " child over " : " children over ",
          std::round(v.fallback.horizon_seconds), " s");
    } else if (v.children_blocked > 0) {
      v.action = fp::detail::concat(v.children_blocked, " of ", n, " children blocked");
    } else if (v.children_clipped > 0) {
      v.action = fp::detail::concat(v.children_clipped, " of ", n, " children clipped: ", allowed, " of ",
                                    a.order.quantity, " allowed");
    } else {
      v.action = "send as planned";
    }
    out.strategies.push_back(std::move(v));
  }
  if (!out.strategies.empty()) {
    out.distance_squared = out.strategies.front().first.distance_squared;
    out.distance_threshold = fp::risk_overlay(p).distance_threshold();
  }
}

std::vector<std::string> reason_names(fp::risk_reason reasons) {
  std::vector<std::string> names;
  for (unsigned bit = 0; bit < 16; ++bit) {
    const auto r = static_cast<fp::risk_reason>(std::uint32_t{1} << bit);
    if ((reasons & r) != fp::risk_reason::none) names.emplace_back(fp::to_string(r));
  }
  return names;
}

}  // namespace pretrade
