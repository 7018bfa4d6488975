// footprint-pretrade --save-model / --load-model: a fitted analysis in a file, so that a desk
// fits once and prices in milliseconds. The file is one JSON object (docs/pretrade.md,
// "Saving a fitted analysis"):
//   {"format": "footprint.pretrade_program", "version": 1,
//    "context": {what the report says about the data and the held-out comparison},
//    "analysis": {the library's saved pretrade_analysis, io/pretrade_json.hpp}}
// Loading reads no market data and fits nothing: the order is priced at the saved arrival
// state, and the report says which file it came from.
#include "pretrade.hpp"

#include <footprint/detail/concat.hpp>
#include <footprint/error.hpp>
#include <footprint/io/detail/json_reader.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

namespace pretrade {
namespace {

using json = nlohmann::json;
constexpr int program_version = 1;

json number(double v) { return std::isfinite(v) ? json(v) : json(); }

json metrics_to_json(const metrics& m) {
  return {{"model", m.model},
          {"rmse", number(m.rmse)},
          {"mae", number(m.mae)},
          {"r2", number(m.r2)},
          {"crps", number(m.crps)},
          {"coverage_90", number(m.coverage_90)},
          {"pinball_05", number(m.pinball_05)},
          {"pinball_95", number(m.pinball_95)},
          {"nlpd", number(m.nlpd)}};
}

metrics metrics_from_json(const fp::detail::json_reader& r, const json& j, const std::string& path) {
  r.object(j, path);
  metrics m;
  m.model = r.string(j, path, "model");
  m.rmse = r.number_or_null(j, path, "rmse");
  m.mae = r.number_or_null(j, path, "mae");
  m.r2 = r.number_or_null(j, path, "r2");
  m.crps = r.number_or_null(j, path, "crps");
  m.coverage_90 = r.number_or_null(j, path, "coverage_90");
  m.pinball_05 = r.number_or_null(j, path, "pinball_05");
  m.pinball_95 = r.number_or_null(j, path, "pinball_95");
  m.nlpd = r.number_or_null(j, path, "nlpd");
  return m;
}

std::vector<std::string> strings(const fp::detail::json_reader& r, const json& obj, const std::string& path,
                                 const char* key) {
  const std::string at = fp::detail::json_path(path, key);
  const json& a = r.array(r.at(obj, path, key), at);
  std::vector<std::string> out;
  for (std::size_t i = 0; i < a.size(); ++i) out.push_back(r.string(a[i], fp::detail::json_index(at, i)));
  return out;
}

json overlay_to_json(const overlay_reference& o) {
  json cov = json::array();
  for (fp::index i = 0; i < o.feature_covariance.rows(); ++i) {
    json row = json::array();
    for (fp::index j = 0; j < o.feature_covariance.cols(); ++j) row.push_back(o.feature_covariance(i, j));
    cov.push_back(row);
  }
  return {{"median_std_bps", number(o.median_std_bps)},
          {"std_note", o.std_note},
          {"features", o.features},
          {"feature_mean", std::vector<double>(o.feature_mean.begin(), o.feature_mean.end())},
          {"feature_covariance", cov},
          {"training_share_beyond", number(o.training_share_beyond)},
          {"training_rows", o.training_rows}};
}

// The overlay's reference; a file saved before it existed has none (the checks are off).
overlay_reference overlay_from_json(const fp::detail::json_reader& r, const json& ctx) {
  overlay_reference o;
  if (!ctx.contains("overlay")) {
    o.std_note = "the saved analysis predates the overlay's reference: the sd check is off";
    return o;
  }
  const std::string p = "context.overlay";
  const json& j = r.object(r.at(ctx, "context", "overlay"), p);
  o.median_std_bps = r.number_or_null(j, p, "median_std_bps");
  o.std_note = r.string(j, p, "std_note");
  o.features = strings(r, j, p, "features");
  const auto d = static_cast<fp::index>(o.features.size());
  const std::string mean_at = fp::detail::json_path(p, "feature_mean");
  const json& mean = r.array(r.at(j, p, "feature_mean"), mean_at);
  if (static_cast<fp::index>(mean.size()) != d) r.fail(mean_at, "must have one entry per feature");
  o.feature_mean.resize(d);
  for (fp::index i = 0; i < d; ++i)
    o.feature_mean[i] =
        r.number(mean[static_cast<std::size_t>(i)], fp::detail::json_index(mean_at, static_cast<std::size_t>(i)));
  const std::string cov_at = fp::detail::json_path(p, "feature_covariance");
  const json& cov = r.array(r.at(j, p, "feature_covariance"), cov_at);
  if (static_cast<fp::index>(cov.size()) != d) r.fail(cov_at, "must have one row per feature");
  o.feature_covariance.resize(d, d);
  for (fp::index i = 0; i < d; ++i) {
    const std::string row_at = fp::detail::json_index(cov_at, static_cast<std::size_t>(i));
    const json& row = r.array(cov[static_cast<std::size_t>(i)], row_at);
    if (static_cast<fp::index>(row.size()) != d) r.fail(row_at, "must have one entry per feature");
    for (fp::index k = 0; k < d; ++k)
      o.feature_covariance(i, k) =
          r.number(row[static_cast<std::size_t>(k)], fp::detail::json_index(row_at, static_cast<std::size_t>(k)));
  }
  o.training_share_beyond = r.number_or_null(j, p, "training_share_beyond");
  o.training_rows = r.integer<fp::index>(j, p, "training_rows", 0);
  return o;
}

json context_to_json(const report_context& c) {
  json held = json::array();
  for (const metrics& m : c.held_out) held.push_back(metrics_to_json(m));
  return {{"source_kind", c.source_kind},
          {"source_description", c.source_description},
          {"files", c.files},
          {"span_seconds", c.span_seconds},
          {"events", c.events},
          {"market_orders", c.market_orders},
          {"labelled_orders", c.labelled_orders},
          {"metaorders", c.metaorders},
          {"daily_volume", c.daily_volume},
          {"lot_size", c.lot_size},
          {"dataset_features", c.dataset_features},
          {"design_features", c.design_features},
          {"rows", c.rows},
          {"excluded", c.excluded},
          {"train_rows", c.train_rows},
          {"test_rows", c.test_rows},
          {"model", c.model},
          {"model_description", c.model_description},
          {"priced_with", c.priced_with},
          {"priced_type", c.priced_type},
          {"held_out", held},
          {"baseline", metrics_to_json(c.baseline)},
          {"kernel_fitted", c.kernel_fitted},
          {"kernel_g0", number(c.kernel_g0)},
          {"kernel_g_inf", number(c.kernel_g_inf)},
          {"kernel_trades", c.kernel_trades},
          {"kernel_message", c.kernel_message},
          {"permanent_horizon_seconds", c.permanent_horizon_seconds},
          {"permanent_rows", c.permanent_rows},
          {"overlay", overlay_to_json(c.overlay)}};
}

report_context context_from_json(const fp::detail::json_reader& r, const json& j) {
  const std::string p = "context";
  r.object(j, p);
  report_context c;
  c.source_kind = r.string(j, p, "source_kind");
  c.source_description = r.string(j, p, "source_description");
  c.files = strings(r, j, p, "files");
  c.span_seconds = r.number(j, p, "span_seconds");
  c.events = r.integer<std::size_t>(j, p, "events");
  c.market_orders = r.integer<std::size_t>(j, p, "market_orders");
  c.labelled_orders = r.integer<fp::index>(j, p, "labelled_orders", 0);
  c.metaorders = r.integer<fp::index>(j, p, "metaorders", 0);
  c.daily_volume = r.number(j, p, "daily_volume");
  c.lot_size = r.number(j, p, "lot_size");
  c.dataset_features = strings(r, j, p, "dataset_features");
  c.design_features = strings(r, j, p, "design_features");
  c.rows = r.integer<fp::index>(j, p, "rows", 0);
  c.excluded = r.integer<fp::index>(j, p, "excluded", 0);
  c.train_rows = r.integer<fp::index>(j, p, "train_rows", 0);
  c.test_rows = r.integer<fp::index>(j, p, "test_rows", 0);
  c.model = r.string(j, p, "model");
  c.model_description = r.string(j, p, "model_description");
  c.priced_with = r.string(j, p, "priced_with");
  c.priced_type = r.string(j, p, "priced_type");
  const json& held = r.array(r.at(j, p, "held_out"), "context.held_out");
  for (std::size_t i = 0; i < held.size(); ++i)
    c.held_out.push_back(metrics_from_json(r, held[i], fp::detail::json_index("context.held_out", i)));
  if (c.held_out.empty()) r.fail("context.held_out", "is empty");
  c.baseline = metrics_from_json(r, r.at(j, p, "baseline"), "context.baseline");
  c.kernel_fitted = r.boolean(j, p, "kernel_fitted");
  c.kernel_g0 = r.number_or_null(j, p, "kernel_g0");
  c.kernel_g_inf = r.number_or_null(j, p, "kernel_g_inf");
  c.kernel_trades = r.integer<fp::index>(j, p, "kernel_trades", 0);
  c.kernel_message = r.string(j, p, "kernel_message");
  c.permanent_horizon_seconds = r.number(j, p, "permanent_horizon_seconds");
  c.permanent_rows = r.integer<fp::index>(j, p, "permanent_rows", 0);
  c.overlay = overlay_from_json(r, j);
  return c;
}

}  // namespace

fp::pretrade_model_scores model_scores(const report_context& ctx) {
  const metrics& m = ctx.held_out.front();
  return {.model = ctx.model,
          .crps_bps = m.crps,
          .baseline_crps_bps = ctx.baseline.crps,
          .coverage_90 = m.coverage_90,
          .rows = ctx.test_rows};
}

fp::pretrade_order make_order(const options& o, double horizon_seconds, const report_context& ctx) {
  const double lot = ctx.lot_size;
  const double quantity = o.quantity.value_or(std::max(lot, std::round(0.002 * ctx.daily_volume / lot) * lot));
  return {.side = o.side == "buy" ? fp::side::buy : fp::side::sell,
          .quantity = quantity,
          .horizon_seconds = horizon_seconds,
          .threshold_bps = o.threshold_bps,
          .lambda = o.lambda,
          .children = o.children};
}

void save_program(const std::string& path, const report_context& ctx, const nlohmann::json& analysis) {
  const json doc = {{"format", "footprint.pretrade_program"},
                    {"version", program_version},
                    {"context", context_to_json(ctx)},
                    {"analysis", analysis}};
  fp::detail::write_text_file(path, doc.dump());
}

int run_saved(const options& o, double horizon_seconds, progress& prog) {
  const std::string& path = o.load_model_path;
  const fp::detail::json_reader r(path);
  const json doc = fp::detail::parse_json(fp::detail::read_text_file(path), path);
  r.header(r.object(doc, ""), "", "footprint.pretrade_program", program_version);
  report rep{.o = &o};
  rep.ctx = context_from_json(r, r.at(doc, "", "context"));
  report_context& c = rep.ctx;
  if (horizon_seconds > c.span_seconds) {
    throw fp::invalid_argument(fp::detail::concat("--horizon ", o.horizon, " (", seconds_text(horizon_seconds),
                                                  " s) is longer than the saved model's data (",
                                                  seconds_text(c.span_seconds), " s)"));
  }
  const fp::pretrade_order order = make_order(o, horizon_seconds, c);
  const json& analysis = r.at(doc, "", "analysis");
  const fp::pretrade_model_scores scores = model_scores(c);
  const std::string source = path + " (analysis)";
  if (c.priced_type == "bayes") {
    rep.analysis = price_saved_bayes(analysis, source, order, scores);
  } else if (c.priced_type == "forest") {
    rep.analysis = price_saved_forest(analysis, source, order, scores);
  } else if (c.priced_type == "gbm") {
    rep.analysis = price_saved_gbm(analysis, source, order, scores);
  } else if (c.priced_type == "mlp") {
    rep.analysis = price_saved_mlp(analysis, source, order, scores);
  } else if (c.priced_type == "ols") {
    rep.analysis = price_saved_ols(analysis, source, order, scores);
  } else {
    r.fail("context.priced_type",
           fp::detail::concat("must be bayes, forest, gbm, mlp or ols (got \"", c.priced_type, "\")"));
  }
  rep.loaded_from = path;
  judge_strategies(rep);
  prog.done();
  return write_report(rep);
}

}  // namespace pretrade
