// libFuzzer target: the impact-dataset builders (lobster_dataset, binance_dataset,
// bitstamp_dataset) over readers of memory buffers, the path from a market-data file to a
// labelled dataset. The first byte chooses the source (mod 3), the parse policy (bit 2:
// lenient), the arrival books kept (bit 3: 2 levels) and Binance's arrival rule (bit 4:
// fixed lag); the rest is split into the source's files:
// - LOBSTER: message file and orderbook file, cut at the first 0 byte (else half-way);
// - Binance: one or two consecutive captures, cut at the first form feed;
// - Bitstamp: depth snapshot file and trade file, cut at the first 0 byte (else half-way).
// Only footprint::data_error may escape (a strict read of a malformed row, files out of time
// order, two symbols); a lenient build of memory throws only for a bad header line. Every
// result keeps the documented accounting (source_summary: trades == fills + unsigned +
// excluded, market_orders == rows + unlabelled), the datasets' columns have one entry per
// row, quantities are > 0, and arrival mids are finite and > 0.
// Any other exception, a crash, a hang or a sanitizer report is a finding.
#include "footprint/data/binance_dataset.hpp"
#include "footprint/data/bitstamp_dataset.hpp"
#include "footprint/data/lobster_dataset.hpp"
#include "footprint/error.hpp"

#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <utility>
#include <vector>

namespace fp = footprint;

namespace {

void require(bool ok) {
  if (!ok) std::abort();
}

void check_dataset(const fp::impact_dataset& d, fp::index book_levels) {
  const auto n = static_cast<std::size_t>(d.rows());
  require(d.labels.rows() == d.rows() && d.times.size() == n && d.durations.size() == n && d.side.size() == n);
  require(d.quantity.size() == d.rows() && d.arrival_mid.size() == d.rows());
  require(d.X.cols() == static_cast<fp::index>(d.feature_names.size()));
  require(d.labels.cols() == static_cast<fp::index>(d.label_names.size()));
  require(d.arrival_books.rows() == (book_levels > 0 ? d.rows() : 0) || d.arrival_books.cols() == 0);
  for (fp::index i = 0; i < d.rows(); ++i) {
    require(d.quantity[i] > 0.0 && std::isfinite(d.arrival_mid[i]) && d.arrival_mid[i] > 0.0);
    require(d.durations[static_cast<std::size_t>(i)].count() >= 0);
    if (book_levels > 0) (void)d.arrival_book(i);
  }
}

void check(const fp::impact_pipeline_result& r, fp::index book_levels) {
  const fp::source_summary& s = r.summary;
  require(s.trades == s.fills + s.unsigned_trades + s.excluded_trades);
  require(s.market_orders == static_cast<std::size_t>(r.orders.rows()) + s.unlabelled_orders);
  require(s.last_time >= s.first_time);
  check_dataset(r.orders, book_levels);
  check_dataset(r.metaorders, book_levels);
  require(r.metaorders.rows() <= r.orders.rows());
}

// The default feature windows hold 65,536 entries each, and allocating them is most of a run's
// time on a small input; 64 also exercises what happens when a window overflows.
fp::arrival_features_params small_windows() { return {.capacity = 64}; }

std::pair<std::string_view, std::string_view> cut(std::string_view text, char at) {
  const std::size_t k = text.find(at);
  if (k == std::string_view::npos) return {text.substr(0, text.size() / 2), text.substr(text.size() / 2)};
  return {text.substr(0, k), text.substr(k + 1)};
}

fp::impact_pipeline_result lobster(std::string_view text, fp::parse_policy policy, fp::index levels) {
  const auto [msg, ob] = cut(text, '\0');
  fp::lobster_reader reader(fp::lobster_reader::in_memory, msg, ob, {.policy = policy});
  return fp::lobster_dataset(
      reader, {.features = small_windows(), .arrival_book_levels = levels, .include_hidden = levels == 0});
}

fp::impact_pipeline_result binance(std::string_view text, fp::parse_policy policy, fp::index levels, bool lag) {
  const std::size_t ff = text.find('\f');
  const fp::binance_options options{.policy = policy, .replay_capacity = 4};
  std::vector<fp::binance_reader> readers;
  readers.emplace_back("capture1", text.substr(0, ff), options);
  if (ff != std::string_view::npos) readers.emplace_back("capture2", text.substr(ff + 1), options);
  return fp::binance_dataset(
      std::span<fp::binance_reader>(readers),
      {.features = small_windows(),
       .arrival_book_levels = levels,
       .arrival_rule = lag ? fp::binance_arrival_rule::fixed_lag : fp::binance_arrival_rule::consistent_quote});
}

fp::impact_pipeline_result bitstamp(std::string_view text, fp::parse_policy policy, fp::index levels) {
  const auto [snapshots_text, trades_text] = cut(text, '\0');
  fp::bitstamp_snapshot_reader snapshots("snapshots", snapshots_text, policy);
  fp::bitstamp_trade_reader trades("trades", trades_text, policy);
  return fp::bitstamp_dataset(snapshots, trades, {.features = small_windows(), .arrival_book_levels = levels});
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const unsigned source = data[0] % 3U;
  const fp::parse_policy policy = (data[0] & 4U) != 0 ? fp::parse_policy::lenient : fp::parse_policy::strict;
  const fp::index levels = (data[0] & 8U) != 0 ? 2 : 0;
  const bool lag = (data[0] & 16U) != 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  try {
    switch (source) {
      case 0: check(lobster(text, policy, levels), levels); break;
      case 1: check(binance(text, policy, levels, lag), levels); break;
      default: check(bitstamp(text, policy, levels), levels); break;
    }
  } catch (const fp::data_error& e) {
    // Lenient reads of memory throw only for a header (line 1) or for what is not a row's
    // fault: Binance captures out of time order or of two symbols.
    if (policy == fp::parse_policy::lenient && source != 1 && e.line() > 1) std::abort();
  }
  return 0;
}
