// footprint-tca: transaction cost analysis of parent orders from their fills and the market
// data of their period.
//
// Fills come from a FIX session log (--fix: ExecutionReports, normalized: busts, corrections,
// duplicates, resends), a CSV export (--fills), or, without either, from the data itself: the
// data's metaorders (same-sign runs of market orders) become parent orders whose fills are
// their market orders, written as a FIX 4.4 log (kept with --write-fix) and read back through
// the FIX reader and the normalizer, as a desk's log would be. Each order is analysed against
// the market tape (--lobster, --binance, --bitstamp; the built-in market without one): the
// benchmarks and the cost against each, the implementation shortfall decompositions,
// participation, markouts and reversion. For orders made from the data, the cost against the
// arrival mid is checked against the metaorder's own shortfall label. Prints a table;
// --json writes everything. docs/tca.md explains every field.
#include "../common/market_data.hpp"
#include "../common/program.hpp"
#include "../common/walk_forward.hpp"

#include <footprint/error.hpp>
#include <footprint/feeds/fills_csv_reader.hpp>
#include <footprint/feeds/fix/fill_normalizer.hpp>
#include <footprint/feeds/fix/fix_reader.hpp>
#include <footprint/feeds/fix/fix_writer.hpp>
#include <footprint/impact/almgren_chriss_calibration.hpp>
#include <footprint/impact/square_root_law.hpp>
#include <footprint/pretrade/pretrade_backtest.hpp>
#include <footprint/tca/forecast_reconciliation.hpp>
#include <footprint/tca/metaorder_fills.hpp>
#include <footprint/tca/order_analysis.hpp>
#include <footprint/tca/recalibration.hpp>
#include <footprint/version.hpp>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fp = footprint;
using json = nlohmann::ordered_json;
using std::chrono::nanoseconds;

FILE* g_out = stdout;

struct options {
  apps::data_options data;
  std::string fix_path, fills_path, write_fix, tape_date, json_path;
  fp::index orders = 0;  // 0: 20, or every tested metaorder with --reconcile
  bool reconcile = false;
  bool recalibrate = false;
  bool fills_in_tape = false;  // --fills-in-tape: the fills are among the data's trades
  double permanent_minutes = 5.0;
  apps::walk_forward_options walk;
  bool quiet = false;
};

void say(const options& o, const std::string& text) {
  if (!o.quiet) std::fprintf(stderr, "footprint-tca: %s\n", text.c_str());
}

json number(double v) { return std::isfinite(v) ? json(v) : json(); }

// For printing: below 5e-7 (rounding of a cost of nothing, e.g. against a VWAP made of the
// order's own fills) as 0, so that it does not print as -0.000.
double z(double v) { return std::abs(v) < 5e-7 ? 0.0 : v; }

// A cell of the text table: the number, or "-" where there is none (NaN: no trade in the
// period, a markout past the tape, a reversion of a mid that did not move).
std::string cell(double v, int width, int decimals) { return apps::text_cell(z(v), width, decimals); }

// A Unix time in nanoseconds as "YYYY-MM-DD HH:MM:SS" (UTC).
std::string utc_text(nanoseconds t) {
  using namespace std::chrono;
  const sys_time<nanoseconds> tp{t};
  const auto day = floor<days>(tp);
  const year_month_day ymd{day};
  const hh_mm_ss<seconds> hms{floor<seconds>(tp - day)};
  char text[48];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u %02ld:%02ld:%02ld", int(ymd.year()), unsigned(ymd.month()),
                unsigned(ymd.day()), static_cast<long>(hms.hours().count()), static_cast<long>(hms.minutes().count()),
                static_cast<long>(hms.seconds().count()));
  return text;
}

// Midnight (UTC) of a YYYY-MM-DD date, since the Unix epoch.
nanoseconds midnight(const std::string& date) {
  const auto t = fp::parse_fix_timestamp(date.substr(0, 4) + date.substr(5, 2) + date.substr(8, 2) + "-00:00:00");
  if (date.size() != 10 || date[4] != '-' || date[7] != '-' || !t)
    throw fp::invalid_argument("footprint-tca: --tape-date must be YYYY-MM-DD (got '" + date + "')");
  return *t;
}

// What to add to a time on the tape's clock to make it a Unix time: 0 for the crypto feeds
// (their clock is the epoch); for a clock that starts at midnight (LOBSTER, the built-in
// market), midnight of --tape-date, or of the date in the LOBSTER file name.
nanoseconds tape_offset(const options& o, const apps::market_data& m, std::vector<std::string>& notes) {
  const auto& t = m.result.tape;
  const nanoseconds first = !t.mid_times.empty() ? t.mid_times.front() : nanoseconds(0);
  if (first > std::chrono::hours(24 * 365)) return nanoseconds(0);  // already Unix time
  if (!o.tape_date.empty()) return midnight(o.tape_date);
  std::smatch match;
  static const std::regex date_in_name("_([0-9]{4}-[0-9]{2}-[0-9]{2})_");
  for (const std::string& f : m.files)
    if (std::regex_search(f, match, date_in_name)) return midnight(match[1].str());
  notes.push_back("the tape's clock starts at midnight and no date is known: 2000-01-03 is used (--tape-date sets it)");
  return midnight("2000-01-03");
}

// One parent order made from the data's metaorder `row`: its fills and expected label.
struct made_order {
  fp::index row = 0;
  std::string id;
  fp::side side = fp::side::buy;
  double quantity = 0.0;
  nanoseconds start{0}, end{0};  // tape clock
  double label_bps = fp::nan;    // the metaorder's shortfall_bps
};

// Writes `count` of the data's metaorders (two children or more, labelled; evenly spread over
// the day) as a FIX 4.4 log of ExecutionReports: an acknowledgement, then one fill per child
// market order at its average price (`metaorder_fills`).
// `rows`, when not empty, are the metaorders to write (those the walk forward tested); else
// `count` are chosen.
std::string synthesize(const fp::impact_pipeline_result& r, fp::index count, const std::vector<fp::index>& rows,
                       nanoseconds offset, const std::string& symbol, std::vector<made_order>& made) {
  const fp::impact_dataset& meta = r.metaorders;
  const fp::index children_col = meta.feature_column("n_children");
  const fp::vector meta_label = meta.label("shortfall_bps");
  const std::vector<fp::order_fills> all = fp::metaorder_fills(r);
  std::vector<fp::index> eligible;
  for (fp::index i = 0; i < meta.rows(); ++i) {
    const double n = meta.X(i, children_col);
    if (n < 2.0 || !std::isfinite(meta_label[i])) continue;
    if (!rows.empty() && !std::binary_search(rows.begin(), rows.end(), i)) continue;
    if (double(all[std::size_t(i)].fills.size()) == n) eligible.push_back(i);  // every child labelled
  }
  if (eligible.empty()) throw fp::invalid_argument("footprint-tca: the data has no metaorder of two labelled children");
  const auto n = std::min<std::size_t>(std::size_t(count), eligible.size());
  std::string log;
  fp::fix_writer w("FIX.4.4");
  std::int64_t seq = 0, exec = 0;
  const auto header = [&](nanoseconds t) {
    w.field(35, '8').field(34, ++seq).field(49, "BROKER").field(56, "DESK");
    w.field(52, fp::format_fix_timestamp(t + offset, 9));
  };
  for (std::size_t k = 0; k < n; ++k) {
    const fp::index i = eligible[k * eligible.size() / n];
    const auto ui = std::size_t(i);
    const fp::order_fills& o = all[ui];
    made_order m;
    m.row = i;
    m.id = o.order_id;
    m.side = o.side;
    m.quantity = o.order_qty;
    m.start = meta.times[ui];
    m.end = meta.times[ui] + meta.durations[ui];
    m.label_bps = meta_label[i];
    const char side = m.side == fp::side::buy ? '1' : '2';
    header(m.start);
    w.field(11, "C" + std::to_string(i)).field(37, m.id).field(17, "X" + std::to_string(++exec)).field(150, '0');
    w.field(39, '0').field(54, side).field(55, symbol).field(38, m.quantity).field(14, 0.0).field(151, m.quantity);
    w.field(6, 0.0).field(60, fp::format_fix_timestamp(m.start + offset, 9));
    w.finish_into(log);
    double cum = 0.0, value = 0.0;
    for (std::size_t c = 0; c < o.fills.size(); ++c) {
      const fp::fill& f = o.fills[c];
      cum += f.quantity;
      value += f.quantity * f.price;
      const bool last = c + 1 == o.fills.size();
      header(f.time);
      w.field(11, "C" + std::to_string(i)).field(37, m.id).field(17, "X" + std::to_string(++exec)).field(150, 'F');
      w.field(39, last ? '2' : '1').field(54, side).field(55, symbol).field(38, m.quantity).field(32, f.quantity);
      w.field(31, f.price)
          .field(14, cum)
          .field(151, last ? 0.0 : std::max(m.quantity - cum, 0.0))
          .field(6, value / cum);
      w.field(851, 2).field(60, fp::format_fix_timestamp(f.time + offset, 9));
      w.finish_into(log);
    }
    made.push_back(m);
  }
  return log;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw fp::data_error(path, 0, 0, "", "cannot open the file");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The fills of a FIX log, normalized; the normalizer's counts into doc.
std::vector<fp::order_fills> fills_from_fix(const std::string& log, const std::string& name, json& doc) {
  fp::fix_reader reader(log, name);
  fp::fill_normalizer normalizer;
  fp::fix_message m;
  std::size_t messages = 0, reports = 0;
  while (reader.next(m)) {
    ++messages;
    if (m.msg_type() != "8") continue;
    ++reports;
    normalizer.add(fp::decode_execution_report(m));
  }
  std::vector<fp::order_fills> out = normalizer.finish();
  const fp::fill_normalizer_summary& s = normalizer.summary();
  std::fprintf(g_out,
               "fills: %zu FIX messages, %zu ExecutionReports -> %zu orders, %zu fills (%zu duplicates, %zu busts, "
               "%zu corrections, %zu unresolved; %zu orders with issues)\n",
               messages, reports, out.size(), s.fills, s.duplicates, s.busts, s.corrections, s.unresolved,
               s.orders_with_issues);
  doc["fills"] = json{{"source", name},
                      {"messages", messages},
                      {"execution_reports", reports},
                      {"orders", out.size()},
                      {"fills", s.fills},
                      {"duplicates", s.duplicates},
                      {"resends", s.resends},
                      {"busts", s.busts},
                      {"corrections", s.corrections},
                      {"unresolved", s.unresolved},
                      {"orders_with_issues", s.orders_with_issues}};
  return out;
}

json estimate(const fp::parameter_estimate& e) {
  return json{
      {"value", number(e.value)}, {"std_error", number(e.std_error)}, {"robust_std_error", number(e.robust_std_error)}};
}

// The parent orders as impact observations, and the impact laws refitted on them: linear
// Almgren-Chriss (gamma on the permanent, epsilon and eta on the temporary impact) and the
// square-root law on the permanent impact.
void recalibrate(const options& o, const apps::market_data& m, const std::vector<fp::order_fills>& orders,
                 nanoseconds offset, json& doc, std::vector<std::string>& notes) {
  const fp::impact_dataset& meta = m.result.metaorders;
  const double session = meta.session_seconds;
  const double daily_volatility = m.result.state.volatility * std::sqrt(session);
  const auto horizon =
      std::chrono::duration_cast<nanoseconds>(std::chrono::duration<double>(60.0 * o.permanent_minutes));
  const fp::fill_observations f = fp::observations_from_fills(orders, m.result.tape,
                                                              {.time_offset = offset,
                                                               .permanent_horizon = horizon,
                                                               .daily_volume = meta.daily_volume,
                                                               .daily_volatility = daily_volatility});
  std::fprintf(g_out,
               "recalibration on the orders' own fills: %ld observations (%zu left out), V %.6g a day, sigma %.4f a "
               "day, permanent impact read %.0f min after the last fill\n",
               static_cast<long>(f.observations.size()), f.skipped, meta.daily_volume, daily_volatility,
               o.permanent_minutes);
  json r{{"observations", f.observations.size()},
         {"skipped", f.skipped},
         {"daily_volume", meta.daily_volume},
         {"daily_volatility", number(daily_volatility)},
         {"permanent_minutes", o.permanent_minutes}};
  try {
    fp::almgren_chriss_calibration ac;
    (void)ac.fit(f.observations);
    std::fprintf(g_out, "  Almgren-Chriss: gamma %.4g (HC1 se %.2g), eta %.4g (%.2g), epsilon %.4g (%.2g)\n",
                 ac.gamma().value, ac.gamma().robust_std_error, ac.eta().value, ac.eta().robust_std_error,
                 ac.epsilon().value, ac.epsilon().robust_std_error);
    r["almgren_chriss"] =
        json{{"gamma", estimate(ac.gamma())}, {"eta", estimate(ac.eta())}, {"epsilon", estimate(ac.epsilon())}};
    if (m.kind == "synthetic")
      std::fprintf(g_out, "  (the built-in market's planted permanent impact: gamma %.4g per share)\n",
                   apps::synthetic_market.gamma);
  } catch (const std::exception& e) {  // invalid_argument or convergence_error: too few or degenerate rows
    notes.push_back(std::string("Almgren-Chriss could not be refitted: ") + e.what());
  }
  try {
    fp::square_root_law law({.component = fp::impact_component::permanent, .session_seconds = session});
    (void)law.fit(f.observations);
    std::fprintf(g_out, "  square-root law on the permanent impact: Y %.3g (HC1 se %.2g), delta %.3g (%.2g)\n",
                 law.y().value, law.y().robust_std_error, law.delta().value, law.delta().robust_std_error);
    r["square_root_law"] = json{{"y", estimate(law.y())}, {"delta", estimate(law.delta())}};
  } catch (const std::exception& e) {
    notes.push_back(std::string("the square-root law could not be refitted: ") + e.what());
  }
  doc["recalibration"] = r;
}

int run(options o) {
  json doc;
  doc["program"] = "footprint-tca";
  doc["version"] = std::string(fp::version_string);
  std::fprintf(g_out, "footprint-tca %s\n", std::string(fp::version_string).c_str());
  std::vector<std::string> notes;
  say(o, "reading the market data");
  const apps::market_data m = apps::load_market_data(o.data, o.reconcile ? 20 : 0);
  const fp::market_tape& tape = m.result.tape;
  const nanoseconds offset = tape_offset(o, m, notes);
  std::fprintf(g_out, "market: %s (%zu trades, %zu mid changes)\n", m.description.c_str(), tape.trades.size(),
               tape.mids.size());
  doc["market"] = json{{"kind", m.kind},
                       {"description", m.description},
                       {"files", m.files},
                       {"trades", tape.trades.size()},
                       {"tape_offset_ns", offset.count()}};

  std::vector<fp::order_fills> orders;
  std::vector<made_order> made;
  fp::backtest_result backtest;
  std::map<fp::index, const fp::backtest_metaorder*> tested;  // by metaorder row
  if (!o.fix_path.empty()) {
    orders = fills_from_fix(read_file(o.fix_path), o.fix_path, doc);
  } else if (!o.fills_path.empty()) {
    fp::parse_report rep;
    orders = fp::read_fills_csv(o.fills_path, apps::policy(o.data), &rep);
    std::fprintf(g_out, "fills: %zu orders from %s (%zu rows skipped)\n", orders.size(), o.fills_path.c_str(),
                 rep.rows_skipped);
    doc["fills"] = json{{"source", o.fills_path}, {"orders", orders.size()}, {"rows_skipped", rep.rows_skipped}};
  } else {
    std::vector<fp::index> tested_rows;
    if (o.reconcile) {
      say(o, "walking the pre-trade engine forward over the data's metaorders");
      fp::pretrade_backtest_params p;
      apps::set_walk_forward_params(o.walk, o.data, p);
      backtest = apps::run_walk_forward(m.result, p);
      for (const fp::backtest_metaorder& t : backtest.metaorders) {
        tested_rows.push_back(t.row);
        tested[t.row] = &t;
      }
      std::sort(tested_rows.begin(), tested_rows.end());
      if (tested_rows.empty()) throw fp::invalid_argument("footprint-tca: the walk forward tested no metaorder");
      std::fprintf(g_out, "forecasts: the pre-trade engine, walked forward in %ld folds over %zu tested metaorders\n",
                   static_cast<long>(p.folds), tested_rows.size());
    }
    const fp::index count = o.orders > 0 ? o.orders : o.reconcile ? fp::index(tested_rows.size()) : 20;
    say(o, "writing " + std::to_string(count) + " of the data's metaorders as a FIX log");
    const std::string symbol = m.result.instrument.symbol.empty() ? "SYM" : m.result.instrument.symbol;
    const std::string log = synthesize(m.result, count, tested_rows, offset, symbol, made);
    if (!o.write_fix.empty()) {
      std::ofstream out(o.write_fix, std::ios::binary);
      out << log;
      if (!out) throw fp::data_error(o.write_fix, 0, 0, "", "cannot write the FIX log");
    }
    orders = fills_from_fix(log, o.write_fix.empty() ? "<metaorders as FIX>" : o.write_fix, doc);
  }

  std::fprintf(g_out, "%-10s %4s %10s %6s %11s %9s %9s %9s %9s %7s %9s %9s %8s\n", "order", "side", "quantity", "fill%",
               "avg_price", "arrival", "int_vwap", "perold", "mkt_act", "part%", "mkout60s", "mkout5m", "revert");
  json rows = json::array();
  double weighted = 0.0, weight = 0.0, worst_label = 0.0, worst_backtest = 0.0;
  std::size_t checked = 0;
  std::vector<double> pits;
  json left_out = json::array();
  std::vector<std::size_t> dropped;  // indices of the orders left out (--lenient)
  for (std::size_t k = 0; k < orders.size(); ++k) {
    const fp::order_fills& of = orders[k];
    if (of.fills.empty()) continue;
    const auto it = std::find_if(made.begin(), made.end(), [&](const made_order& x) { return x.id == of.order_id; });
    nanoseconds start = of.fills.front().time - offset, end = of.fills.back().time - offset;
    double quantity = std::isnan(of.order_qty) ? of.filled_quantity() : of.order_qty;
    if (it != made.end()) {
      start = it->start;
      end = it->end;
      quantity = it->quantity;
    }
    fp::order_analysis a;
    try {
      a = fp::analyze_order(
          {.side = of.side, .quantity = quantity}, of.fills, tape,
          {.start = start, .end = end, .time_offset = offset, .fills_in_tape = o.fills_in_tape || it != made.end()});
    } catch (const fp::invalid_argument& e) {
      // Fills that do not belong to this market data (another day, another instrument,
      // another unit) or do not add up (more than the order): an error, or with --lenient the
      // order left out and listed.
      const auto [first, last] = fp::detail::tca::span(tape);
      const std::string why =
          fp::detail::concat("order ", of.order_id, " (", of.fills.size(), " fills, ", utc_text(of.fills.front().time),
                             " to ", utc_text(of.fills.back().time), " UTC; the market data ", utc_text(first + offset),
                             " to ", utc_text(last + offset), " UTC) cannot be analysed: ", e.what());
      if (apps::policy(o.data) == fp::parse_policy::strict)
        throw fp::invalid_argument(why + "; --lenient leaves such orders out and lists them");
      notes.push_back("left out: " + why);
      left_out.push_back(json{{"order_id", of.order_id}, {"reason", e.what()}});
      dropped.push_back(k);
      continue;
    }
    const double perold_bps = a.shortfall.total_bps();
    const double mkt_bps = a.shortfall.market_activity.total / (quantity * a.benchmarks.arrival_mid) * 1e4;
    std::fprintf(g_out, "%-10s %4s %10.6g %6.1f %11.6g %s %s %s %s %s %s %s %s\n", of.order_id.c_str(),
                 of.side == fp::side::buy ? "buy" : "sell", quantity, 100.0 * a.fill_rate, a.average_price,
                 cell(a.costs.arrival_mid, 9, 3).c_str(), cell(a.costs.interval_vwap, 9, 3).c_str(),
                 cell(perold_bps, 9, 3).c_str(), cell(mkt_bps, 9, 3).c_str(),
                 cell(100.0 * a.participation_rate, 7, 2).c_str(), cell(a.markouts[2].bps, 9, 3).c_str(),
                 cell(a.markouts[3].bps, 9, 3).c_str(), cell(a.reversion_ratio, 8, 3).c_str());
    json markouts = json::array();
    for (const fp::markout& mk : a.markouts)
      markouts.push_back(json{{"seconds", mk.seconds}, {"bps", number(mk.bps)}, {"fills", mk.fills}});
    const fp::tca_benchmarks& b = a.benchmarks;
    json row{{"order_id", of.order_id},
             {"side", of.side == fp::side::buy ? "buy" : "sell"},
             {"quantity", quantity},
             {"filled_quantity", a.shortfall.filled_quantity},
             {"fill_rate", number(a.fill_rate)},
             {"fills", of.fills.size()},
             {"average_price", number(a.average_price)},
             {"benchmarks",
              {{"arrival_mid", number(b.arrival_mid)},
               {"interval_vwap", number(b.interval_vwap)},
               {"interval_twap", number(b.interval_twap)},
               {"day_vwap", number(b.day_vwap)},
               {"departure_mid", number(b.departure_mid)},
               {"close", number(b.close)}}},
             {"costs_bps",
              {{"arrival_mid", number(a.costs.arrival_mid)},
               {"interval_vwap", number(a.costs.interval_vwap)},
               {"interval_twap", number(a.costs.interval_twap)},
               {"day_vwap", number(a.costs.day_vwap)},
               {"departure_mid", number(a.costs.departure_mid)},
               {"close", number(a.costs.close)}}},
             {"perold",
              {{"execution", number(a.shortfall.perold.execution)},
               {"opportunity", number(a.shortfall.perold.opportunity)},
               {"fees", number(a.shortfall.perold.fees)},
               {"total", number(a.shortfall.perold.total)},
               {"total_bps", number(perold_bps)}}},
             {"market_activity",
              {{"trading", number(a.shortfall.market_activity.trading)},
               {"opportunity", number(a.shortfall.market_activity.opportunity)},
               {"fees", number(a.shortfall.market_activity.fees)},
               {"total", number(a.shortfall.market_activity.total)},
               {"total_bps", number(mkt_bps)}}},
             {"participation_rate", number(a.participation_rate)},
             {"maker_share", number(a.maker_share)},
             {"taker_share", number(a.taker_share)},
             {"vs_mid_bps", number(a.vs_mid_bps)},
             {"markouts", markouts},
             {"reversion_ratio", number(a.reversion_ratio)},
             {"issues", of.issues}};
    if (it != made.end()) {
      row["label_bps"] = number(it->label_bps);
      worst_label = std::max(worst_label, std::abs(a.costs.arrival_mid - it->label_bps));
      ++checked;
      const auto t = tested.find(it->row);
      if (t != tested.end()) {
        // The engine's forecast of this order's own children, made walk-forward: its PIT at the
        // realized cost (the backtest's realized cost is this one, checked).
        const fp::backtest_prediction& f =
            t->second->predictions[static_cast<std::size_t>(fp::backtest_method::engine)];
        worst_backtest = std::max(worst_backtest, std::abs(a.costs.arrival_mid - t->second->realized_bps));
        row["forecast"] = json{{"mean_bps", number(f.mean_bps)},
                               {"std_bps", number(f.std_bps)},
                               {"p05_bps", number(f.p05_bps)},
                               {"p95_bps", number(f.p95_bps)},
                               {"pit", number(f.pit)}};
        if (std::isfinite(f.pit)) pits.push_back(f.pit);
      }
    }
    rows.push_back(row);
    if (std::isfinite(a.costs.arrival_mid)) {
      weighted += a.costs.arrival_mid * a.shortfall.filled_quantity;
      weight += a.shortfall.filled_quantity;
    }
  }
  doc["orders"] = rows;
  if (!dropped.empty()) {
    for (auto k = dropped.rbegin(); k != dropped.rend(); ++k)
      orders.erase(orders.begin() + static_cast<std::ptrdiff_t>(*k));
    std::fprintf(g_out, "left out: %zu orders that could not be analysed (see the notes)\n", dropped.size());
  }
  doc["left_out"] = left_out;
  if (rows.empty() && !dropped.empty())
    throw fp::invalid_argument(fp::detail::concat(
        "footprint-tca: none of the ", dropped.size(),
        " orders could be analysed (see the notes): give the market data of the fills' period (and --tape-date for "
        "a tape whose clock starts at midnight)"));
  const double mean_cost = weight > 0.0 ? weighted / weight : fp::nan;
  std::fprintf(g_out, "cost against the arrival mid, quantity-weighted over %zu orders: %.3f bps\n", rows.size(),
               mean_cost);
  doc["summary"] = json{{"orders", rows.size()}, {"arrival_cost_bps", number(mean_cost)}};
  if (checked > 0) {
    std::fprintf(g_out,
                 "check: the cost against the arrival mid matches the metaorders' shortfall labels within %.2e bps "
                 "(%zu orders)\n",
                 worst_label, checked);
    doc["summary"]["label_check"] = json{{"orders", checked}, {"max_difference_bps", worst_label}};
  }
  if (!pits.empty()) {
    const fp::pit_calibration c = fp::calibrate_pits(pits);
    std::fprintf(g_out,
                 "reconciliation: %ld orders against the engine's walk-forward forecasts of their own children "
                 "(realized costs equal to the backtest's within %.1e bps)\n",
                 static_cast<long>(c.n), worst_backtest);
    std::fprintf(g_out, "  PIT histogram (10 bins):");
    for (const fp::index h : c.histogram) std::fprintf(g_out, " %ld", static_cast<long>(h));
    std::fprintf(g_out, "\n  mean PIT %.3f, 90%% interval coverage %.3f, Kolmogorov-Smirnov D %.3f, p %.3g: %s\n",
                 c.mean, c.coverage_90, c.ks_statistic, c.ks_pvalue,
                 c.ks_pvalue < 0.05 ? "the forecasts were NOT calibrated (p < 0.05)"
                                    : "no evidence against calibration (p >= 0.05)");
    doc["reconciliation"] = json{{"orders", c.n},
                                 {"pit_histogram", c.histogram},
                                 {"mean_pit", c.mean},
                                 {"coverage_90", c.coverage_90},
                                 {"ks_statistic", c.ks_statistic},
                                 {"ks_pvalue", c.ks_pvalue},
                                 {"max_difference_from_backtest_bps", worst_backtest}};
  }
  if (o.recalibrate) recalibrate(o, m, orders, offset, doc, notes);
  apps::finish_report(doc, notes, g_out, o.json_path);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "footprint-tca: transaction cost analysis of parent orders from their fills (a FIX log of ExecutionReports, or "
      "a CSV export) against the market data of their period: benchmarks, implementation shortfall (Perold, Wagner, "
      "market activity), participation, markouts, reversion. Without fills it analyses the data's own metaorders, "
      "written as a FIX log and read back.",
      "footprint-tca"};
  options o;
  const apps::data_flags flags = apps::add_data_options(app, o.data);
  auto* fix = app.add_option("--fix", o.fix_path, "a FIX session log of ExecutionReports (35=8)");
  auto* fills =
      app.add_option("--fills", o.fills_path, "a fills CSV: time,order_id,side,quantity,price,fee,liquidity[,exec_id]");
  fix->excludes(fills);
  app.add_option("--orders", o.orders,
                 "without --fix or --fills: how many of the data's metaorders to analyse (default 20; with "
                 "--reconcile every tested one)")
      ->check(CLI::Range(1, 1'000'000));
  app.add_flag("--fills-in-tape", o.fills_in_tape,
               "with --fix or --fills: the fills are among the market data's trades (the same venue's full tape), "
               "so the participation rate does not add them to the period's volume");
  app.add_option("--write-fix", o.write_fix, "without --fix or --fills: keep the FIX log written from the data");
  auto* reconcile = app.add_flag(
      "--reconcile", o.reconcile,
      "without --fix or --fills: walk the pre-trade engine forward over the data's metaorders (as footprint-backtest), "
      "analyse the tested ones and reconcile their realized costs with the forecasts of their own children (PIT "
      "histogram, Kolmogorov-Smirnov)");
  reconcile->excludes(fix)->excludes(fills);
  app.add_flag("--recalibrate", o.recalibrate,
               "refit Almgren-Chriss and the square-root law on the analysed orders (their fills as impact "
               "observations)");
  app.add_option("--permanent-minutes", o.permanent_minutes,
                 "with --recalibrate: minutes after the last fill at which the permanent impact is read")
      ->check(CLI::Range(0.01, 1440.0));
  apps::add_walk_forward_options(app, o.walk, flags);
  app.add_option("--tape-date", o.tape_date,
                 "YYYY-MM-DD: the date of a tape whose clock starts at midnight (default: from the LOBSTER file name)");
  apps::add_output_options(app, o.json_path, o.quiet);
  return apps::parse_and_run(app, argc, argv, "footprint-tca", [&] {
    g_out = apps::report_stream(o.json_path);
    o.quiet = o.quiet || o.json_path == "-";
    return run(o);
  });
}
