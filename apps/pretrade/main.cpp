// footprint-pretrade: the pre-trade impact report.
//
// "If I buy or sell Q over horizon T now, what will it cost, and how likely is it to exceed
// my limit?" Loads market data (LOBSTER, Binance, Bitstamp, or a built-in synthetic market
// whose true impact is known), builds the labelled impact dataset, scores a cost model for one
// market order held out, fits the library's pretrade_analysis (the model, the transient kernel,
// the permanent law) and prints its report: seven strategies of the order (aggressive,
// balanced, passive, POV 5/10/20% and the Almgren-Chriss optimum for --lambda) with their
// costs, spread, quantiles and warnings; --save-model keeps the fitted analysis in a file and
// --load-model prices with it without reading data. docs/pretrade.md explains every number;
// `footprint-pretrade --help` lists the options. This file is the command line; pretrade.hpp
// says where the rest is.
#include "pretrade.hpp"

#include "../common/market_data.hpp"
#include "../common/program.hpp"

#include <footprint/version.hpp>

#include <CLI/CLI.hpp>

#include <cstdio>
#include <string>

using namespace pretrade;

int main(int argc, char** argv) {
  options o;
  CLI::App app{
      "footprint-pretrade: the expected cost of a block order (temporary, permanent, total slippage in bps of the "
      "arrival mid), its spread and the probability of exceeding a limit, for seven execution strategies. With no "
      "data option it runs on a built-in synthetic market whose true impact is known.",
      "footprint-pretrade"};
  const apps::data_flags data = apps::add_data_options(app, o.data);
  app.add_option("--side", o.side, "buy or sell")->check(CLI::IsMember({"buy", "sell"}))->capture_default_str();
  app.add_option("--quantity", o.quantity, "order size, shares/contracts/coins (default: 0.2% of the data's ADV)")
      ->check(apps::at_least(0.0, true));
  app.add_option("--horizon", o.horizon, "execution horizon: seconds, or with a unit: 90s, 30m, 2h")
      ->capture_default_str();
  app.add_option("--threshold-bps", o.threshold_bps, "slippage limit for the exceedance probability, bps")
      ->check(apps::finite_number())
      ->capture_default_str();
  app.add_option("--lambda", o.lambda, "Almgren-Chriss risk aversion of the optimal schedule, per unit of currency")
      ->check(apps::at_least(0.0, false))
      ->capture_default_str();
  app.add_option("--children", o.children,
                 "child orders of the horizon-bound strategies (0: one per 30 s of the horizon, 2 to 60)")
      ->check(CLI::Range(fp::index{0}, fp::index{10000}))
      ->capture_default_str();
  auto* model_opt = app.add_option("--model", o.model, "cost model of one market order")
                        ->check(CLI::IsMember({"bayes", "forest", "gbm", "mlp"}))
                        ->capture_default_str();
  auto* train_opt = app.add_option("--train-fraction", o.train_fraction,
                                   "share of the labelled orders (the earliest) that train the model")
                        ->check(CLI::Range(0.1, 0.95))
                        ->capture_default_str();
  app.add_option("--json", o.json_path,
                 "also write the report as JSON to this file ('-' for stdout, instead of the text)");
  auto* save = app.add_option("--save-model", o.save_model_path,
                              "after fitting, save the fitted analysis (model, kernel, law, arrival book and state) "
                              "and the held-out scores to this JSON file");
  auto* load_opt =
      app.add_option("--load-model", o.load_model_path,
                     "price the order with an analysis saved by --save-model: no data read, nothing fitted "
                     "(the arrival state is the saved one)")
          ->check(CLI::ExistingFile);
  load_opt->excludes(save)
      ->excludes(data.lobster)
      ->excludes(data.binance)
      ->excludes(data.bitstamp)
      ->excludes(model_opt)
      ->excludes(train_opt);
  app.add_option("--calibration", o.calibration_path,
                 "make the 90% intervals and P conformal with the engine's residuals on real metaorders, from "
                 "footprint-backtest --save-calibration FILE (same instrument)")
      ->check(CLI::ExistingFile);
  auto* simulate_opt =
      app.add_option(
             "--simulate", o.simulate,
             "also execute each strategy N times in the order-book simulator fitted on the order flow of the same "
             "data, and a passive limit-order TWAP (needs --lobster, --binance or --bitstamp; docs/simulation.md)")
          ->check(CLI::Range(std::size_t{2}, std::size_t{1000000}));
  app.add_option("--simulator", o.simulator,
                 "the simulator of --simulate: zi (zero-intelligence, Cont, Stoikov and Talreja 2010) or qr "
                 "(queue-reactive, Huang, Lehalle and Rosenbaum 2015)")
      ->check(CLI::IsMember({"zi", "qr"}))
      ->capture_default_str();
  const apps::simulator_options sim_opts = apps::add_simulator_options(
      app, o.match_occupancy, o.lot_quantity, o.max_queue, "with --simulator qr: ", "with --simulate: ");
  load_opt->excludes(simulate_opt);
  app.add_option("--price-collar-bps", o.price_collar_bps,
                 "risk overlay: a child priced further than this from the mid is blocked (RTS 6 art. 15 price "
                 "collar), bps")
      ->check(apps::at_least(0.0, true))
      ->capture_default_str();
  app.add_option("--max-child-quantity", o.max_child_quantity,
                 "risk overlay: children above this quantity are clipped to it (default: no limit)")
      ->check(apps::at_least(0.0, true));
  app.add_option("--max-child-value", o.max_child_value,
                 "risk overlay: children above this value (price x quantity, quote currency) are clipped (default: "
                 "no limit)")
      ->check(apps::at_least(0.0, true));
  app.add_option("--overlay-multiple", o.median_multiple,
                 "risk overlay: fall back when the model's sd exceeds this multiple of its training median")
      ->check(apps::at_least(0.0, true))
      ->capture_default_str();
  app.add_flag("--quiet", o.quiet, "no progress on stderr");
  app.set_version_flag("--version", std::string(fp::version_string));
  return apps::parse_and_run(app, argc, argv, "footprint-pretrade", [&] {
    const double horizon = parse_horizon(o.horizon);
    if (o.simulate > 0 && o.data.lobster.empty() && o.data.binance.empty() && o.data.bitstamp.empty())
      throw fp::invalid_argument(
          "--simulate needs order flow to fit the simulator: --lobster, --binance or --bitstamp "
          "(the built-in market has none; footprint-simulate runs the paper's book without data)");
    if (o.simulate == 0 && (sim_opts.lot_quantity->count() > 0 || sim_opts.max_queue->count() > 0))
      throw fp::invalid_argument("--lot-quantity and --max-queue set the simulators of --simulate N: use them with it");
    if (o.match_occupancy && (o.simulate == 0 || o.simulator != "qr"))
      throw fp::invalid_argument(
          "--match-occupancy sets the queue-reactive simulator's limit rates: use it with --simulate N --simulator qr");
    progress prog(o.quiet);
    if (!o.load_model_path.empty()) {
      prog.start("reading the saved analysis and pricing the strategies");
      return run_saved(o, horizon, prog);
    }
    prog.start("reading the market data");
    const source_data src = load(o);
    prog.done();
    if (o.model == "forest") return run_forest(o, horizon, src, prog);
    if (o.model == "gbm") return run_gbm(o, horizon, src, prog);
    if (o.model == "mlp") return run_mlp(o, horizon, src, prog);
    return run_bayes(o, horizon, src, prog);
  });
}
