// impact_dataset: from market data to labelled impact datasets. Builds one row per market
// order (arrival features, size, impact labels in bps of the arrival mid) and its metaorder
// proxy, prints a summary of the features and labels and the market state at the end, and
// writes the datasets as CSV.
//
// Usage: impact_dataset [--data DIR] [--out DIR] [--synthetic-only] [--full]
//   always         the synthetic market (deterministic, known impact parameters)
//   --data DIR     also the real data in DIR (default: $FOOTPRINT_DATA_DIR when it names an
//                  existing folder; CTest sets it to ../shared/data): the LOBSTER GOOG day,
//                  the Binance BTCUSDT spot capture and the Bitstamp BTC/USD day
//   --out DIR      where the CSV files go (default: the current directory)
//   --synthetic-only  ignore $FOOTPRINT_DATA_DIR
//   --full         in an unoptimised build, read the whole Binance capture (by default only
//                  its first 3,000 lines per file there: the JSON parser is ~50x slower)
#include <footprint/data/binance_dataset.hpp>
#include <footprint/data/bitstamp_dataset.hpp>
#include <footprint/data/impact_dataset.hpp>
#include <footprint/data/impact_pipeline.hpp>
#include <footprint/data/lobster_dataset.hpp>
#include <footprint/data/synthetic/synthetic_dataset.hpp>
#include <footprint/data/synthetic/synthetic_market.hpp>
#include <footprint/feeds/binance/binance_reader.hpp>
#include <footprint/feeds/line_reader.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <numeric>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace fp = footprint;
namespace fs = std::filesystem;

namespace {

struct column_stats {
  double mean = fp::nan, std = fp::nan, min = fp::nan, max = fp::nan;
  fp::index n = 0, nan_count = 0;
};

column_stats stats(const fp::vector& v) {
  column_stats s;
  double sum = 0.0, sum2 = 0.0;
  for (const double x : v) {
    if (!std::isfinite(x)) {
      ++s.nan_count;
      continue;
    }
    s.min = s.n == 0 ? x : std::min(s.min, x);
    s.max = s.n == 0 ? x : std::max(s.max, x);
    sum += x;
    ++s.n;
  }
  if (s.n == 0) return s;
  s.mean = sum / static_cast<double>(s.n);
  for (const double x : v) {
    if (std::isfinite(x)) sum2 += (x - s.mean) * (x - s.mean);
  }
  s.std = s.n > 1 ? std::sqrt(sum2 / static_cast<double>(s.n - 1)) : 0.0;
  return s;
}

void print_features(const fp::impact_dataset& d) {
  std::printf("  %-26s %12s %12s %12s %12s %6s\n", "feature", "mean", "std", "min", "max", "NaN");
  for (std::size_t j = 0; j < d.feature_names.size(); ++j) {
    const column_stats s = stats(d.X.col(static_cast<fp::index>(j)));
    std::printf("  %-26s %12.4g %12.4g %12.4g %12.4g %6ld\n", d.feature_names[j].c_str(), s.mean, s.std, s.min, s.max,
                static_cast<long>(s.nan_count));
  }
}

void print_labels(const fp::impact_dataset& d) {
  std::printf("  %-22s %7s %9s %9s %9s\n", "label (bps)", "n", "mean", "std", "complete");
  for (const std::string& name : d.label_names) {
    const column_stats s = stats(d.label(name));
    std::printf("  %-22s %7ld %9.3f %9.3f %9zu\n", name.c_str(), static_cast<long>(s.n), s.mean, s.std,
                d.complete_rows(name).size());
  }
}

// Mean of `label` over `rows`, skipping NaN.
double mean_of(const fp::vector& label, const std::vector<fp::index>& rows) {
  double sum = 0.0, n = 0.0;
  for (const fp::index i : rows) {
    if (std::isfinite(label[i])) {
      sum += label[i];
      n += 1.0;
    }
  }
  return n > 0 ? sum / n : fp::nan;
}

// Orders sorted by size, cut into five groups of equal count (ties broken by time).
void print_size_quintiles(const fp::impact_dataset& d) {
  if (d.rows() < 5) return;
  std::vector<fp::index> order(static_cast<std::size_t>(d.rows()));
  std::iota(order.begin(), order.end(), fp::index{0});
  std::stable_sort(order.begin(), order.end(), [&](fp::index a, fp::index b) { return d.quantity[a] < d.quantity[b]; });
  const std::vector<std::string> labels{"shortfall_bps", "permanent_10s_bps", "permanent_60s_bps",
                                        "permanent_300s_bps"};
  std::vector<fp::vector> y;
  for (const std::string& l : labels) y.push_back(d.label(l));
  std::printf("  %-9s %23s %6s %10s %10s %10s %10s\n", "size", "quantity", "n", "shortfall", "perm 10s", "perm 60s",
              "perm 300s");
  for (std::size_t k = 0; k < 5; ++k) {
    const std::vector<fp::index> rows(order.begin() + static_cast<std::ptrdiff_t>(k * order.size() / 5),
                                      order.begin() + static_cast<std::ptrdiff_t>((k + 1) * order.size() / 5));
    std::printf("  quintile %zu %10.4g - %10.4g %6zu", k + 1, d.quantity[rows.front()], d.quantity[rows.back()],
                rows.size());
    for (const fp::vector& v : y) std::printf(" %10.3f", mean_of(v, rows));
    std::printf("\n");
  }
}

void report(const std::string& title, const std::string& tag, const fp::impact_pipeline_result& r,
            const fs::path& out) {
  const fp::source_summary& s = r.summary;
  std::printf("\n== %s\n", title.c_str());
  std::printf(
      "source: %zu events, %zu book updates, %zu trades (%zu unsigned, %zu excluded), %zu market orders "
      "(%zu unlabelled), %zu rows skipped, %.1f s, traded volume %.6g\n",
      s.events, s.book_updates, s.trades, s.unsigned_trades, s.excluded_trades, s.market_orders, s.unlabelled_orders,
      s.rows_skipped, s.span_seconds, s.traded_volume);
  if (s.arrival_fallbacks > 0) {
    std::printf("arrival state: %zu orders without a quote consistent with their first fill (fixed lag used)\n",
                s.arrival_fallbacks);
  }
  const fp::market_state& m = r.state;
  std::printf(
      "market state at the end: mid %.6g, spread %.4g, depth %.4g x %.4g, volatility %.3e per sqrt(s), "
      "volume %.4g per s\n",
      m.mid, m.spread, m.bid_depth, m.ask_depth, m.volatility, m.volume_rate);
  std::printf("features (%ld orders, %ld metaorders):\n", static_cast<long>(r.orders.rows()),
              static_cast<long>(r.metaorders.rows()));
  print_features(r.orders);
  std::printf("labels:\n");
  print_labels(r.orders);
  std::printf("mean labels by size quintile (bps):\n");
  print_size_quintiles(r.orders);
  const fs::path orders_csv = out / ("impact_dataset_" + tag + ".csv");
  const fs::path meta_csv = out / ("impact_metaorders_" + tag + ".csv");
  r.orders.write_csv(orders_csv.string());
  r.metaorders.write_csv(meta_csv.string());
  std::printf("wrote %s and %s\n", orders_csv.string().c_str(), meta_csv.string().c_str());
}

// The first `limit` lines of a file (all when 0).
std::string head(const std::string& path, std::size_t limit) {
  fp::line_reader lines(path);
  std::string text;
  std::string_view line;
  for (std::size_t n = 0; (limit == 0 || n < limit) && lines.next(line); ++n) {
    text.append(line);
    text.push_back('\n');
  }
  return text;
}

void real_data(const fs::path& data, const fs::path& out, bool full) {
  // LOBSTER: a NASDAQ day; times since midnight, a 6.5-hour session.
  const fs::path goog = data / "lobster" / "GOOG_2012-06-21_L1";
  const std::string message = (goog / "GOOG_2012-06-21_34200000_57600000_message_1.csv").string();
  const std::string orderbook = (goog / "GOOG_2012-06-21_34200000_57600000_orderbook_1.csv").string();
  if (fs::exists(message) && fs::exists(orderbook)) {
    const fp::impact_pipeline_result r = fp::lobster_dataset(message, orderbook);
    report("LOBSTER GOOG 2012-06-21 (NASDAQ, level 1)", "goog", r, out);
  } else {
    std::printf("\n(no LOBSTER GOOG day in %s)\n", data.string().c_str());
  }

  // Binance: the spot capture, two consecutive files; the arrival state is the latest quote
  // (from 2 ms before the trade message back) that the first fill does not beat.
  const fs::path spot = data / "binance" / "raw" / "spot";
  const std::vector<std::string> captures{(spot / "btcusdt_20240808.gz").string(),
                                          (spot / "btcusdt_20240809.gz").string()};
  if (fs::exists(captures[0]) && fs::exists(captures[1])) {
#ifdef NDEBUG
    const std::size_t limit = 0;
    (void)full;
#else
    const std::size_t limit = full ? 0 : 3000;
#endif
    std::vector<std::string> texts;
    std::vector<fp::binance_reader> readers;
    for (const std::string& c : captures) texts.push_back(head(c, limit));
    for (std::size_t i = 0; i < captures.size(); ++i) readers.emplace_back(captures[i], texts[i]);
    const fp::impact_pipeline_result r = fp::binance_dataset(std::span<fp::binance_reader>(readers));
    std::string title = "Binance BTCUSDT spot, 2024-08-08 23:54 to 2024-08-09 00:05 UTC";
    if (limit != 0) title += " (unoptimised build: first 3,000 lines of each file; --full for all)";
    report(title, "binance_spot", r, out);
  } else {
    std::printf("\n(no Binance spot capture in %s)\n", data.string().c_str());
  }

  // Bitstamp: depth-20 snapshots about 2.9 s apart and trades; unsigned trades are counted.
  const fs::path bitstamp = data / "bitstamp";
  if (fs::exists(bitstamp / "trades.csv") && fs::exists(bitstamp / "depth20_snapshots.csv.gz")) {
    const fp::impact_pipeline_result r = fp::bitstamp_dataset(bitstamp.string());
    report("Bitstamp BTC/USD 2015-05-01 (24 h)", "bitstamp", r, out);
  } else {
    std::printf("\n(no Bitstamp recording in %s)\n", data.string().c_str());
  }
}

}  // namespace

int main(int argc, char** argv) {
  fs::path data;
  fs::path out = fs::current_path();
  bool synthetic_only = false;
  bool full = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if ((arg == "--data" || arg == "--out") && i + 1 < argc) {
      (arg == "--data" ? data : out) = argv[++i];
    } else if (arg == "--synthetic-only") {
      synthetic_only = true;
    } else if (arg == "--full") {
      full = true;
    } else {
      std::fprintf(stderr, "usage: %s [--data DIR] [--out DIR] [--synthetic-only] [--full]\n", argv[0]);
      return 2;
    }
  }
  if (data.empty() && !synthetic_only) {
    if (const char* env = std::getenv("FOOTPRINT_DATA_DIR"); env != nullptr && fs::is_directory(env)) data = env;
  }
  try {
    fs::create_directories(out);
    // The synthetic market: a 6.5-hour day with planted impact, strong enough to show
    // through the noise: permanent gamma = 1e-5 and transient beta = 2e-5 USD per share
    // (decay 30 s), volatility 2e-5 per sqrt(second).
    const fp::synthetic_market_params market{.volatility = 2e-5, .gamma = 1e-5, .beta = 2e-5};
    const fp::impact_pipeline_result synthetic = fp::synthetic_dataset(market);
    report("synthetic market (seed 20240809, 6.5 hours, gamma 1e-5 and beta 2e-5 USD per share)", "synthetic",
           synthetic, out);
    // The immediate mid move of an order is its planted impact (gamma + beta) q, up to the
    // tick rounding and the noise since the previous event.
    const fp::impact_dataset& d = synthetic.orders;
    const fp::vector planted = 1e4 * (market.gamma + market.beta) * d.quantity.array() / d.arrival_mid.array();
    std::printf(
        "planted immediate impact 1e4 (gamma + beta) q / mid: mean %.3f bps; measured immediate_bps: mean %.3f bps\n",
        planted.mean(), stats(d.label("immediate_bps")).mean);
    if (!data.empty()) real_data(data, out, full);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "impact_dataset: %s\n", e.what());
    return 1;
  }
  return 0;
}
