// footprint-backtest: the JSON document (keys in docs/validation.md) and the text table.
#include "backtest.hpp"

#include <footprint/error.hpp>
#include <footprint/version.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>

namespace backtest {

namespace {

using json = nlohmann::ordered_json;

// A number, or null when it is not finite (JSON has no NaN).
json number(double v) { return std::isfinite(v) ? json(v) : json(); }

json scores_json(const fp::backtest_scores& s) {
  return json{{"metaorders", s.metaorders},
              {"bias_bps", number(s.bias_bps)},
              {"rmse_bps", number(s.rmse_bps)},
              {"mae_bps", number(s.mae_bps)},
              {"crps_bps", number(s.crps_bps)},
              {"coverage_90", number(s.coverage_90)},
              {"conformal_rows", s.conformal_rows},
              {"coverage_90_conformal", number(s.coverage_90_conformal)},
              {"brier", number(s.brier)},
              {"brier_conformal", number(s.brier_conformal)},
              {"exceedance_rate", number(s.exceedance_rate)}};
}

json method_json(const fp::backtest_method_scores& m, const std::vector<double>& edges) {
  json j = scores_json(m.overall);
  json rel = json::array();
  for (const fp::reliability_bin& b : m.reliability)
    rel.push_back({{"low", b.low},
                   {"high", b.high},
                   {"count", b.count},
                   {"mean_predicted", number(b.mean_predicted)},
                   {"observed", number(b.observed)}});
  j["reliability"] = rel;
  j["pit_histogram"] = m.pit_histogram;
  json sizes = json::array();
  for (std::size_t k = 0; k < m.by_size.size(); ++k) {
    json s = scores_json(m.by_size[k]);
    s["participation_low"] = k == 0 ? 0.0 : edges[k - 1];
    s["participation_high"] = k == edges.size() ? json() : json(edges[k]);
    sizes.push_back(s);
  }
  j["by_size"] = sizes;
  return j;
}

json document(const options& o, const context& c, const fp::pretrade_backtest_params& p, const fp::backtest_result& r) {
  json j;
  j["program"] = "footprint-backtest";
  j["version"] = std::string(fp::version_string);
  j["source"] = {{"kind", c.source_kind},      {"description", c.source_description}, {"files", c.files},
                 {"symbol", c.symbol},         {"span_seconds", c.span_seconds},      {"labelled_orders", c.orders},
                 {"metaorders", c.metaorders}, {"rows_skipped", c.rows_skipped}};
  j["settings"] = {{"folds", p.folds},
                   {"initial_fraction", p.initial_fraction},
                   {"test_start_ns", p.test_start ? json(p.test_start->count()) : json()},
                   {"embargo_seconds", std::chrono::duration<double>(p.embargo).count()},
                   {"min_children", p.min_children},
                   {"threshold_bps", r.threshold_bps},
                   {"alpha", p.alpha},
                   {"min_calibration", p.min_calibration},
                   {"draws", p.draws},
                   {"seed", p.seed},
                   {"model", "bayesian_linear"}};
  j["metaorders"] = {{"candidates", r.candidates},
                     {"tested", static_cast<fp::index>(r.metaorders.size())},
                     {"skipped_small", r.skipped_small},
                     {"skipped_unlabelled", r.skipped_unlabelled}};
  json folds = json::array();
  for (const fp::backtest_fold& f : r.folds)
    folds.push_back({{"fold", f.fold},
                     {"cutoff_ns", f.cutoff.count()},
                     {"train_orders", f.train_orders},
                     {"train_metaorders", f.train_metaorders},
                     {"daily_volume", number(f.daily_volume)},
                     {"tested", f.tested},
                     {"message", f.message}});
  j["folds"] = folds;
  json methods = json::object();
  for (const fp::backtest_method_scores& m : r.methods)
    methods[std::string(fp::to_string(m.method))] = method_json(m, r.size_edges);
  j["methods"] = methods;
  json rows = json::array();
  for (const fp::backtest_metaorder& m : r.metaorders) {
    json preds = json::object();
    for (std::size_t k = 0; k < fp::backtest_methods; ++k) {
      const fp::backtest_prediction& q = m.predictions[k];
      preds[std::string(fp::to_string(static_cast<fp::backtest_method>(k)))] = {
          {"mean_bps", number(q.mean_bps)},
          {"std_bps", number(q.std_bps)},
          {"p05_bps", number(q.p05_bps)},
          {"p95_bps", number(q.p95_bps)},
          {"crps_bps", number(q.crps_bps)},
          {"pit", number(q.pit)},
          {"exceedance", number(q.exceedance)},
          {"conformal_low", number(q.conformal_low)},
          {"conformal_high", number(q.conformal_high)},
          {"conformal_exceedance", number(q.conformal_exceedance)}};
    }
    rows.push_back({{"row", m.row},
                    {"fold", m.fold},
                    {"time_ns", m.time.count()},
                    {"side", m.side == fp::side::buy ? "buy" : "sell"},
                    {"quantity", m.quantity},
                    {"participation", number(m.participation)},
                    {"children", m.children},
                    {"duration_seconds", m.duration_seconds},
                    {"realized_bps", m.realized_bps},
                    {"predictions", preds}});
  }
  j["predictions"] = rows;
  j["seconds"] = c.seconds;
  (void)o;
  return j;
}

std::string cell(double v, const char* format = "%8.2f") {
  if (!std::isfinite(v)) return "       -";
  char buf[32];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

void text(std::FILE* f, const context& c, const fp::pretrade_backtest_params& p, const fp::backtest_result& r) {
  std::fprintf(f, "footprint-backtest %s: would the pre-trade report have been right?\n\n",
               std::string(fp::version_string).c_str());
  std::fprintf(f, "data      %s (%s), %.0f s, %ld labelled market orders, %ld metaorders\n",
               c.source_description.c_str(), c.symbol.c_str(), c.span_seconds, static_cast<long>(c.orders),
               static_cast<long>(c.metaorders));
  if (c.rows_skipped > 0)
    std::fprintf(f, "          %zu malformed rows skipped (--lenient; without it the first stops the run)\n",
                 c.rows_skipped);
  if (p.test_start)
    std::fprintf(f,
                 "walk      %ld fold(s) from %lld ns (the test session), embargo %.0f s; metaorders of >= %ld orders\n",
                 static_cast<long>(p.folds), static_cast<long long>(p.test_start->count()),
                 std::chrono::duration<double>(p.embargo).count(), static_cast<long>(p.min_children));
  else
    std::fprintf(
        f, "walk      %ld folds after the first %.0f%% of metaorders, embargo %.0f s; metaorders of >= %ld orders\n",
        static_cast<long>(p.folds), 100.0 * p.initial_fraction, std::chrono::duration<double>(p.embargo).count(),
        static_cast<long>(p.min_children));
  std::fprintf(f, "tested    %zu of %ld candidates (%ld smaller, %ld without a realized cost or book)\n",
               r.metaorders.size(), static_cast<long>(r.candidates), static_cast<long>(r.skipped_small),
               static_cast<long>(r.skipped_unlabelled));
  for (const fp::backtest_fold& fold : r.folds) {
    if (!fold.message.empty())
      std::fprintf(f, "fold %ld   not fitted: %s\n", static_cast<long>(fold.fold), fold.message.c_str());
  }
  std::fprintf(f, "\nrealized vs predicted shortfall, bps of the arrival mid (P: cost > %.2f bps)\n", r.threshold_bps);
  std::fprintf(f, "%-16s %8s %8s %8s %8s %8s %8s %8s %8s\n", "method", "n", "bias", "rmse", "crps", "cov90", "cov90c",
               "brier", "brier_c");
  for (const fp::backtest_method_scores& m : r.methods) {
    const fp::backtest_scores& s = m.overall;
    std::fprintf(f, "%-16s %8ld %s %s %s %s %s %s %s\n", std::string(fp::to_string(m.method)).c_str(),
                 static_cast<long>(s.metaorders), cell(s.bias_bps).c_str(), cell(s.rmse_bps).c_str(),
                 cell(s.crps_bps).c_str(), cell(s.coverage_90, "%8.3f").c_str(),
                 cell(s.coverage_90_conformal, "%8.3f").c_str(), cell(s.brier, "%8.4f").c_str(),
                 cell(s.brier_conformal, "%8.4f").c_str());
  }
  std::fprintf(f, "\nCRPS by size (participation = quantity / the training window's daily volume)\n");
  std::fprintf(f, "%-18s %8s", "participation", "n");
  for (const fp::backtest_method_scores& m : r.methods)
    std::fprintf(f, " %16s", std::string(fp::to_string(m.method)).c_str());
  std::fprintf(f, "\n");
  for (std::size_t k = 0; k <= r.size_edges.size(); ++k) {
    char range[64];
    if (k == r.size_edges.size())
      std::snprintf(range, sizeof range, ">= %g", r.size_edges.back());
    else
      std::snprintf(range, sizeof range, "< %g", r.size_edges[k]);
    std::fprintf(f, "%-18s %8ld", range, static_cast<long>(r.methods[0].by_size[k].metaorders));
    for (const fp::backtest_method_scores& m : r.methods) std::fprintf(f, " %16s", cell(m.by_size[k].crps_bps).c_str());
    std::fprintf(f, "\n");
  }
  const double engine = r.methods[0].overall.crps_bps, root = r.methods[1].overall.crps_bps;
  std::fprintf(f, "\n");
  if (std::isfinite(engine) && std::isfinite(root))
    std::fprintf(f, "verdict   the engine's CRPS %s the square-root law's (%.2f vs %.2f bps, ratio %.3f)\n",
                 engine < root ? "beats" : "does NOT beat", engine, root, engine / root);
  std::fprintf(f, "took      %.1f s\n", c.seconds);
}

}  // namespace

int write_report(const options& o, const context& c, const fp::pretrade_backtest_params& p,
                 const fp::backtest_result& r) {
  if (!o.json_path.empty()) {
    const std::string out = document(o, c, p, r).dump(2) + "\n";
    if (o.json_path == "-") {
      std::fwrite(out.data(), 1, out.size(), stdout);
      if (std::fflush(stdout) != 0 || std::ferror(stdout))
        throw fp::data_error("stdout", 0, 0, "", "writing the JSON report failed");
      return 0;
    }
    std::ofstream f(o.json_path);
    f << out;
    if (!f.flush()) throw fp::data_error(o.json_path, 0, 0, "", "cannot write the JSON report");
  }
  text(stdout, c, p, r);
  if (std::fflush(stdout) != 0 || std::ferror(stdout))
    throw fp::data_error("stdout", 0, 0, "", "writing the report failed");
  return 0;
}

void save_calibration(const std::string& path, const context& c, const fp::backtest_result& r) {
  json j;
  j["program"] = "footprint-backtest";
  j["kind"] = "conformal_calibration";
  j["symbol"] = c.symbol;
  j["source"] = c.files;
  j["alpha"] = r.alpha;
  j["scores"] = r.engine_scores;
  std::ofstream f(path);
  f << j.dump(1) << "\n";
  if (!f.flush()) throw fp::data_error(path, 0, 0, "", "cannot write the calibration");
}

}  // namespace backtest
