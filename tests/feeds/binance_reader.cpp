// binance_reader and binance_depth_book: hand-made captures for every rule and error path,
// then the real BTCUSDT captures (spot and USD-M, 2024-08-08/09) checked against the csv/
// exports and against bookTicker.
#include "footprint/feeds/binance/binance_reader.hpp"

#include "feeds/crypto_test_data.hpp"
#include "footprint/detail/csv.hpp"
#include "footprint/feeds/line_reader.hpp"

#include <doctest/doctest.h>

#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_binance_reader {

namespace fp = footprint;
namespace fs = std::filesystem;
using fp::side;
using std::chrono::nanoseconds;

namespace {

std::vector<fp::binance_event> read_all(fp::binance_reader& r) {
  std::vector<fp::binance_event> out;
  fp::binance_event ev;
  while (r.next(ev)) out.push_back(ev);
  return out;
}

// The message of the data_error raised by reading `text` strictly ("" when none).
std::string error_of(const std::string& text, fp::binance_market market = fp::binance_market::automatic) {
  fp::binance_reader r("m", text, {.market = market});
  try {
    read_all(r);
  } catch (const fp::data_error& e) {
    return e.what();
  }
  return "";
}

const char* spot_depth_1 =
    R"(1000 {"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","E":1723161601273,"s":"BTCUSDT","U":101,"u":105,"b":[["100.0","1.5"],["99.5","2"]],"a":[["101.0","3"],["102.0","0.25"]]}})";
const char* spot_depth_2 =
    R"(2000 {"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","E":1723161601373,"s":"BTCUSDT","U":106,"u":110,"b":[["100.0","0.00000000"],["99.8","4"]],"a":[["100.5","1"]]}})";
const char* spot_ticker =
    R"(2500 {"stream":"btcusdt@bookTicker","data":{"u":110,"s":"BTCUSDT","b":"99.80","B":"4.0","a":"100.50","A":"1.0"}})";
const char* spot_trade_sell =
    R"(3000 {"stream":"btcusdt@trade","data":{"e":"trade","E":1723161601438,"s":"BTCUSDT","t":7,"p":"99.80","q":"0.5","T":1723161601437,"m":true,"M":true}})";
const char* spot_trade_buy =
    R"(3000 {"stream":"btcusdt@trade","data":{"e":"trade","E":1723161601439,"s":"BTCUSDT","t":8,"p":"100.50","q":"0.25","T":1723161601438,"m":false,"M":true}})";

std::string lines(std::initializer_list<std::string> ls) {
  std::string s;
  for (const auto& l : ls) s += l + "\n";
  return s;
}

}  // namespace

TEST_CASE("binance: spot diffs build the book, bookTicker and trades are reported") {
  const std::string text = lines({spot_depth_1, spot_depth_2, spot_ticker, spot_trade_sell, spot_trade_buy});
  fp::binance_reader r("spot", text);
  fp::binance_event ev;

  REQUIRE(r.next(ev));
  CHECK(ev.kind == fp::binance_event_kind::depth_update);
  CHECK(ev.local_time == nanoseconds{1000});
  REQUIRE(ev.exchange_time.has_value());
  CHECK(*ev.exchange_time == nanoseconds{1723161601273LL * 1'000'000});
  CHECK(ev.first_update_id == 101);
  CHECK(ev.last_update_id == 105);
  CHECK(ev.previous_update_id == -1);
  CHECK(ev.bids.size() == 2);
  CHECK(ev.asks.size() == 2);
  CHECK(ev.asks[1].quantity == 0.25);
  CHECK(ev.applied);
  CHECK_FALSE(ev.gap);
  CHECK_FALSE(ev.crossed);
  CHECK(ev.line == 1);
  CHECK(r.book().best_bid() == 100.0);
  CHECK(r.book().best_ask() == 101.0);
  CHECK(r.book().bid_levels() == 2);
  CHECK(r.depth().market() == fp::binance_market::spot);
  CHECK(r.symbol() == "BTCUSDT");

  REQUIRE(r.next(ev));  // deletes 100.0, adds 99.8 and 100.5
  CHECK(ev.applied);
  CHECK_FALSE(ev.gap);
  CHECK(r.book().best_bid() == 99.8);
  CHECK(r.book().bid_quantity(0) == 4.0);
  CHECK(r.book().bid_levels() == 2);
  CHECK(r.book().best_ask() == 100.5);
  CHECK(r.book().timestamp() == nanoseconds{2000});
  CHECK(r.depth().last_update_id() == 110);

  REQUIRE(r.next(ev));
  CHECK(ev.kind == fp::binance_event_kind::book_ticker);
  CHECK_FALSE(ev.exchange_time.has_value());  // spot bookTicker has no E
  CHECK(ev.ticker.update_id == 110);
  CHECK(ev.ticker.bid_price == 99.8);
  CHECK(ev.ticker.ask_quantity == 1.0);
  CHECK(r.book_ticker().update_id == 110);
  CHECK(r.book_ticker().local_time == nanoseconds{2500});
  // Same update id: the book built from diffs agrees with the ticker.
  CHECK(r.book_ticker().bid_price == r.book().best_bid());
  CHECK(r.book_ticker().ask_price == r.book().best_ask());

  REQUIRE(r.next(ev));
  CHECK(ev.kind == fp::binance_event_kind::trade);
  CHECK(ev.trade.sign == -1);  // m = true: the buyer was the maker, the aggressor sold
  CHECK(ev.trade.price == 99.8);
  CHECK(ev.trade.quantity == 0.5);
  CHECK(ev.trade.id == 7);
  CHECK(ev.trade.time == nanoseconds{1723161601437LL * 1'000'000});
  CHECK(*ev.exchange_time == nanoseconds{1723161601438LL * 1'000'000});
  REQUIRE(r.next(ev));
  CHECK(ev.trade.sign == 1);
  CHECK_FALSE(r.next(ev));

  CHECK(r.counts().depth_updates == 2);
  CHECK(r.counts().book_tickers == 1);
  CHECK(r.counts().trades == 2);
  CHECK(r.counts().depth_snapshots == 0);
  CHECK(r.report().lines_read == 5);
  CHECK(r.report().rows_skipped == 0);
  CHECK(r.depth().stats().updates_applied == 2);
  CHECK(r.depth().stats().gaps == 0);
  CHECK_FALSE(r.depth().has_snapshot());
}

TEST_CASE("binance: spot gaps are flagged and counted, stale updates dropped, never silently") {
  const std::string text = lines({
      spot_depth_1,
      // U = 107 but the previous u was 105: updates 106 are missing.
      R"(2000 {"stream":"btcusdt@depth@100ms","data":{"E":2,"s":"BTCUSDT","U":107,"u":110,"b":[["99.0","1"]],"a":[]}})",
      // u = 108 <= 110: already covered, dropped.
      R"(2100 {"stream":"btcusdt@depth@100ms","data":{"E":3,"s":"BTCUSDT","U":108,"u":108,"b":[["98.0","1"]],"a":[]}})",
      R"(2200 {"stream":"btcusdt@depth@100ms","data":{"E":4,"s":"BTCUSDT","U":111,"u":111,"b":[],"a":[]}})",
  });
  fp::binance_reader r("gaps", text);
  const auto evs = read_all(r);
  REQUIRE(evs.size() == 4);
  CHECK_FALSE(evs[0].gap);
  CHECK(evs[1].gap);
  CHECK(evs[1].applied);
  CHECK_FALSE(evs[2].applied);
  CHECK_FALSE(evs[2].gap);
  CHECK(r.book().quantity_at(side::buy, 98.0) == 0.0);  // the stale update was not applied
  CHECK_FALSE(evs[3].gap);                              // 111 follows 110
  CHECK(r.depth().stats().gaps == 1);
  CHECK(r.depth().stats().updates_stale == 1);
  CHECK(r.depth().stats().updates_applied == 3);
  CHECK(r.counts().depth_updates == 4);
}

TEST_CASE("binance: futures continuity follows pu, not U") {
  const std::string text = lines({
      R"(1 {"stream":"btcusdt@depth@0ms","data":{"e":"depthUpdate","E":10,"T":9,"s":"BTCUSDT","U":500,"u":560,"pu":420,"b":[["61800.20","2.5"]],"a":[["61800.30","1.0"]]}})",
      // U jumps from 560 to 600: fine on futures, pu = 560 is the previous u.
      R"(2 {"stream":"btcusdt@depth@0ms","data":{"e":"depthUpdate","E":11,"T":10,"s":"BTCUSDT","U":600,"u":650,"pu":560,"b":[["61800.10","0.7"]],"a":[]}})",
      // pu = 640 != 650: a gap.
      R"(3 {"stream":"btcusdt@depth@0ms","data":{"e":"depthUpdate","E":12,"T":11,"s":"BTCUSDT","U":700,"u":710,"pu":640,"b":[],"a":[["61800.30","0"]]}})",
      R"(4 {"stream":"btcusdt@bookTicker","data":{"e":"bookTicker","u":710,"s":"BTCUSDT","b":"61800.20","B":"2.5","a":"0","A":"0","T":12,"E":13}})",
  });
  fp::binance_reader r("usdm", text);
  const auto evs = read_all(r);
  REQUIRE(evs.size() == 4);
  CHECK(r.depth().market() == fp::binance_market::usd_m_futures);
  CHECK(evs[1].previous_update_id == 560);
  CHECK_FALSE(evs[1].gap);
  CHECK(evs[2].gap);
  CHECK(r.depth().stats().gaps == 1);
  CHECK(r.book().ask_levels() == 0);
  CHECK(r.book().bid_levels() == 2);
  // A ticker side sent as price 0 / quantity 0 is an empty side: NaN.
  CHECK(std::isnan(r.book_ticker().ask_price));
  CHECK(std::isnan(r.book_ticker().ask_quantity));
  REQUIRE(r.book_ticker().exchange_time.has_value());
  CHECK(*r.book_ticker().exchange_time == nanoseconds{13'000'000});
}

TEST_CASE("binance: a late snapshot is reconciled by replaying the kept updates") {
  // The snapshot (L = 107) arrives after the diffs up to u = 110, as in the real captures:
  // install it and replay the update that bridges 108 (U = 106 <= 108 <= u = 110).
  const std::string text = lines({
      spot_depth_1,  // 101..105
      spot_depth_2,  // 106..110: deletes bid 100.0, sets bid 99.8 = 4, ask 100.5 = 1
      R"(2600 {"lastUpdateId":107,"bids":[["100.0","1.5"],["99.9","0.1"],["99.5","2"]],"asks":[["101.0","3"],["102.0","0.25"],["150.0","9"]]})",
  });
  fp::binance_reader r("late", text);
  const auto evs = read_all(r);
  REQUIRE(evs.size() == 3);
  CHECK(evs[2].kind == fp::binance_event_kind::depth_snapshot);
  CHECK(evs[2].last_update_id == 107);
  CHECK_FALSE(evs[2].exchange_time.has_value());
  CHECK(evs[2].applied);
  CHECK(evs[2].bids.size() == 3);
  CHECK(r.depth().has_snapshot());
  CHECK(r.depth().last_update_id() == 110);  // unchanged: the replay brought the book back to 110
  // 99.9 and 150.0 were never in a diff: only the snapshot knows them.
  CHECK(r.book().quantity_at(side::buy, 99.9) == 0.1);
  CHECK(r.book().quantity_at(side::sell, 150.0) == 9.0);
  // The replayed update wins over the older snapshot.
  CHECK(r.book().quantity_at(side::buy, 100.0) == 0.0);
  CHECK(r.book().best_bid() == 99.9);
  CHECK(r.book().best_ask() == 100.5);
  CHECK(r.depth().stats().snapshots_applied == 1);
  CHECK(r.counts().depth_snapshots == 1);
}

TEST_CASE("binance: a snapshot older than every kept update is counted as unusable") {
  const std::string text = lines({
      spot_depth_1,
      spot_depth_2,
      R"(2600 {"lastUpdateId":100,"bids":[["90.0","1"]],"asks":[["110.0","1"]]})",
  });
  fp::binance_reader r("old", text, {.replay_capacity = 1});  // keeps only 106..110
  const auto evs = read_all(r);
  REQUIRE(evs.size() == 3);
  CHECK_FALSE(evs[2].applied);
  CHECK(r.depth().stats().snapshots_unusable == 1);
  CHECK(r.depth().stats().snapshots_applied == 0);
  CHECK_FALSE(r.depth().has_snapshot());
  CHECK(r.book().quantity_at(side::buy, 90.0) == 0.0);
  CHECK(r.book().best_bid() == 99.8);
}

TEST_CASE("binance: a newer snapshot replaces the book and the next update must bridge it") {
  const std::string snapshot = R"(10 {"lastUpdateId":120,"bids":[["99.0","1"]],"asks":[["101.0","1"]]})";
  SUBCASE("bridged") {
    const std::string text = lines({
        snapshot,
        R"(20 {"stream":"btcusdt@depth@100ms","data":{"E":1,"s":"BTCUSDT","U":110,"u":120,"b":[["98.0","1"]],"a":[]}})",
        R"(30 {"stream":"btcusdt@depth@100ms","data":{"E":2,"s":"BTCUSDT","U":115,"u":125,"b":[["99.5","2"]],"a":[]}})",
    });
    fp::binance_reader r("bridged", text);
    const auto evs = read_all(r);
    REQUIRE(evs.size() == 3);
    CHECK(evs[0].applied);
    CHECK_FALSE(evs[1].applied);  // u = 120 <= L: covered by the snapshot
    CHECK(evs[2].applied);
    CHECK_FALSE(evs[2].gap);  // U = 115 <= L + 1 = 121 <= u = 125
    CHECK(r.book().best_bid() == 99.5);
    CHECK(r.book().quantity_at(side::buy, 98.0) == 0.0);
    CHECK(r.depth().stats().gaps == 0);
  }
  SUBCASE("not bridged") {
    const std::string text = lines({
        snapshot,
        R"(20 {"stream":"btcusdt@depth@100ms","data":{"E":1,"s":"BTCUSDT","U":125,"u":130,"b":[],"a":[]}})",
    });
    fp::binance_reader r("gap", text);
    const auto evs = read_all(r);
    REQUIRE(evs.size() == 2);
    CHECK(evs[1].gap);  // 121..124 are missing
    CHECK(r.depth().stats().gaps == 1);
  }
}

TEST_CASE("binance: a crossed book during warm-up is reported, not thrown") {
  const std::string text = lines({
      R"(1 {"stream":"btcusdt@depth@100ms","data":{"E":1,"s":"BTCUSDT","U":1,"u":1,"b":[["101.0","1"]],"a":[["100.0","1"]]}})",
      R"(2 {"stream":"btcusdt@depth@100ms","data":{"E":2,"s":"BTCUSDT","U":2,"u":2,"b":[["101.0","0"]],"a":[]}})",
  });
  fp::binance_reader r("crossed", text);
  const auto evs = read_all(r);
  REQUIRE(evs.size() == 2);
  CHECK(evs[0].crossed);
  CHECK_FALSE(evs[1].crossed);
  CHECK(r.depth().stats().crossed == 1);
}

TEST_CASE("binance_depth_book: direct use, and invalid updates leave it unchanged") {
  fp::binance_depth_book b(fp::binance_market::spot, 4);
  const std::vector<fp::price_level> bids{{100.0, 1.0}};
  const std::vector<fp::price_level> bad{{100.0, 1.0}, {-1.0, 1.0}};
  auto r = b.apply_update({.first_update_id = 1, .last_update_id = 2, .bids = bids}, nanoseconds{5});
  CHECK(r.applied);
  CHECK_THROWS_WITH_AS(
      b.apply_update({.first_update_id = 3, .last_update_id = 3, .asks = bad}, nanoseconds{6}),
      "footprint::binance_depth_book::apply_update: invalid level (price -1, quantity 1): price must be "
      "finite and > 0, quantity finite and >= 0",
      fp::invalid_argument);
  CHECK_THROWS_WITH_AS(
      b.apply_update({.first_update_id = 3, .last_update_id = 3, .previous_update_id = 2}, nanoseconds{6}),
      "footprint::binance_depth_book::apply_update: a spot update has no pu (got 2)", fp::invalid_argument);
  CHECK_THROWS_WITH_AS(
      b.apply_update({.first_update_id = 4, .last_update_id = 3}, nanoseconds{6}),
      "footprint::binance_depth_book::apply_update: update ids must satisfy 0 <= U <= u (got U 4, u 3)",
      fp::invalid_argument);
  // The overload for levels the caller (a reader) has checked still checks the ids.
  CHECK_THROWS_WITH_AS(
      b.apply_update({.first_update_id = 4, .last_update_id = 3}, nanoseconds{6}, fp::detail::checked_levels),
      "footprint::binance_depth_book::apply_update: update ids must satisfy 0 <= U <= u (got U 4, u 3)",
      fp::invalid_argument);
  CHECK_THROWS_WITH_AS(
      b.apply_snapshot(5, bad, {}, nanoseconds{6}),
      "footprint::binance_depth_book::apply_snapshot: invalid buy level 1 (price -1, quantity 1): price "
      "and quantity must be finite and > 0",
      fp::invalid_argument);
  CHECK(b.book().ask_levels() == 0);
  CHECK(b.book().bid_levels() == 1);
  CHECK(b.book().timestamp() == nanoseconds{5});
  CHECK(b.last_update_id() == 2);
  fp::binance_depth_book f(fp::binance_market::usd_m_futures);
  CHECK_THROWS_WITH_AS(
      f.apply_update({.first_update_id = 1, .last_update_id = 2}, nanoseconds{1}),
      "footprint::binance_depth_book::apply_update: a USD-M futures update needs pu (previous_update_id >= 0)",
      fp::invalid_argument);
  b.clear();
  CHECK(b.last_update_id() == -1);
  CHECK(b.stats().updates_applied == 0);
  CHECK(b.market() == fp::binance_market::spot);
}

TEST_CASE("binance_depth_book: late snapshots replay exactly the kept updates, whatever their sizes") {
  // The kept updates' levels live in one circular buffer that wraps and grows: checked against
  // a reference (maps of levels and a list of the last `capacity` updates) over updates of 0
  // to 150 levels and snapshots older and newer than the book.
  constexpr std::size_t capacity = 7;
  fp::binance_depth_book b(fp::binance_market::spot, capacity);
  using side_map = std::map<double, double>;
  struct kept {
    std::int64_t first, last;
    std::vector<fp::price_level> bids, asks;
  };
  side_map ref_bids, ref_asks;
  std::vector<kept> ref_kept;  // the last `capacity` applied updates, oldest first
  const auto apply = [](side_map& m, const std::vector<fp::price_level>& levels) {
    for (const fp::price_level& l : levels) {
      if (l.quantity == 0.0) {
        m.erase(l.price);
      } else {
        m[l.price] = l.quantity;
      }
    }
  };
  std::uint64_t state = 12345;
  const auto next = [&state](std::uint64_t n) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (state >> 33) % n;
  };
  // Levels of one side: distinct prices on a 0.01 grid, bids below 100, asks above.
  const auto levels = [&](bool bid, std::size_t n) {
    std::set<long> ticks;
    while (ticks.size() < n) ticks.insert(static_cast<long>(next(1000)));
    std::vector<fp::price_level> v;
    for (const long t : ticks) {
      v.push_back({bid ? 99.99 - 0.01 * static_cast<double>(t) : 100.01 + 0.01 * static_cast<double>(t),
                   static_cast<double>(next(4))});
    }
    return v;
  };
  const auto size = [&] {
    const std::uint64_t k = next(10);
    return k == 0   ? std::size_t{0}
           : k == 1 ? static_cast<std::size_t>(100 + next(51))
                    : static_cast<std::size_t>(next(40));
  };
  const auto same_book = [&] {
    REQUIRE(b.book().bid_levels() == static_cast<fp::index>(ref_bids.size()));
    REQUIRE(b.book().ask_levels() == static_cast<fp::index>(ref_asks.size()));
    fp::index i = 0;
    for (auto it = ref_bids.rbegin(); it != ref_bids.rend(); ++it, ++i) {
      CHECK(b.book().bid_price(i) == it->first);
      CHECK(b.book().bid_quantity(i) == it->second);
    }
    i = 0;
    for (const auto& [p, q] : ref_asks) {
      CHECK(b.book().ask_price(i) == p);
      CHECK(b.book().ask_quantity(i) == q);
      ++i;
    }
  };
  std::int64_t last = 0;
  std::size_t reconciled = 0, installed = 0, unusable = 0;
  for (int step = 0; step < 2000; ++step) {
    if (step % 5 != 4) {
      kept u{last + 1, last + 1 + static_cast<std::int64_t>(next(3)), levels(true, size()), levels(false, size())};
      for (auto& l : u.bids) l.quantity = static_cast<double>(next(3));  // 0 removes
      const auto r = b.apply_update(
          {.first_update_id = u.first, .last_update_id = u.last, .bids = u.bids, .asks = u.asks}, nanoseconds{step});
      REQUIRE(r.applied);
      apply(ref_bids, u.bids);
      apply(ref_asks, u.asks);
      last = u.last;
      ref_kept.push_back(std::move(u));
      if (ref_kept.size() > capacity) ref_kept.erase(ref_kept.begin());
      continue;
    }
    // A snapshot: usually older than the book (L inside or before the kept updates), sometimes as new.
    // L: as new as the book, or just before a kept update (often the oldest: every kept update
    // replayed), or older than all of them.
    const std::uint64_t pick = next(10);
    std::int64_t l = last;
    if (pick >= 2 && !ref_kept.empty()) {
      l = ref_kept[pick < 6 ? 0 : next(ref_kept.size())].first - 1;
    } else if (pick == 1) {
      l = std::max<std::int64_t>(0, last - static_cast<std::int64_t>(10 * capacity + next(10)));
    }
    const bool newer = l >= last;  // at least as new as the book: installed, the kept updates forgotten
    std::vector<fp::price_level> sb = levels(true, 1 + next(60)), sa = levels(false, 1 + next(60));
    for (auto& x : sb) x.quantity += 1.0;
    for (auto& x : sa) x.quantity += 1.0;
    const auto r = b.apply_snapshot(l, sb, sa, nanoseconds{step});
    const auto first = std::find_if(ref_kept.begin(), ref_kept.end(), [&](const kept& k) { return k.last > l; });
    if (newer) {
      CHECK(r.applied);
      ++installed;
      ref_kept.clear();
    } else if (first != ref_kept.end() && first->first - 1 <= l) {
      CHECK(r.applied);
      ++reconciled;
    } else {
      CHECK_FALSE(r.applied);
      ++unusable;
      continue;
    }
    ref_bids.clear();
    ref_asks.clear();
    apply(ref_bids, sb);
    apply(ref_asks, sa);
    if (!newer) {
      for (auto k = first; k != ref_kept.end(); ++k) {
        apply(ref_bids, k->bids);
        apply(ref_asks, k->asks);
      }
    }
    same_book();
  }
  same_book();
  // Every branch was taken.
  CHECK(reconciled > 100);
  CHECK(installed > 20);
  CHECK(unusable > 20);
}

TEST_CASE("binance: local timestamps in ns, us or ms are detected or declared, and checked against E") {
  // One USD-M depth update at 2023-04-05 00:00:00.016 UTC (E), stamped locally 5 ms earlier.
  const auto line = [](const std::string& stamp) {
    return stamp +
           R"( {"stream":"btcusdt@depth@0ms","data":{"e":"depthUpdate","E":1680652800016,"T":1680652800009,"s":"BTCUSDT","U":500,"u":560,"pu":420,"b":[["61800.20","2.5"]],"a":[["61800.30","1.0"]]}})";
  };
  const nanoseconds expected{1680652800011000000};
  // (not a structured binding: clang 14 cannot capture one in INFO)
  for (const auto& stamp_unit : {std::pair{std::string("1680652800011000000"), fp::binance_time_unit::nanoseconds},
                                 std::pair{std::string("1680652800011000"), fp::binance_time_unit::microseconds},
                                 std::pair{std::string("1680652800011"), fp::binance_time_unit::milliseconds}}) {
    const std::string& stamp = stamp_unit.first;
    const fp::binance_time_unit unit = stamp_unit.second;
    INFO(stamp);
    const std::string text = line(stamp);  // the reader views it: it must outlive the reader
    fp::binance_reader detected("t", text);
    const auto evs = read_all(detected);
    REQUIRE(evs.size() == 1);
    CHECK(evs[0].local_time == expected);
    fp::binance_reader declared("t", text, {.time_unit = unit});
    CHECK(read_all(declared)[0].local_time == expected);
  }
  // A declared unit that does not fit: the stamp is 53 years (us read as ns: 0.0017 s after
  // the epoch) away from E, a located error instead of a 1000x error in every duration.
  const std::string micro = line("1680652800011000");
  fp::binance_reader wrong("t", micro, {.time_unit = fp::binance_time_unit::nanoseconds});
  CHECK_THROWS_WITH_AS(read_all(wrong),
                       doctest::Contains("t:1:1: field 'local_ts_ns': the local time 1680652800011000 ns is "),
                       fp::data_error);
  // One far-future stamp among good lines: refused (strict) or skipped and counted (lenient),
  // never accepted to stretch the span.
  const std::string far = line("1680652800011000000") + "\n" + line("1780652800011000000") + "\n";
  CHECK_THROWS_WITH_AS(read_all(*std::make_unique<fp::binance_reader>("t", far)),
                       doctest::Contains("s from the exchange time data.E"), fp::data_error);
  fp::binance_reader lenient("t", far, {.policy = fp::parse_policy::lenient});
  CHECK(read_all(lenient).size() == 1);
  CHECK(lenient.report().rows_skipped == 1);
  // The check can be switched off; small stamps (not epoch times) are read as ns.
  fp::binance_reader off("t", far, {.max_clock_skew = nanoseconds{0}});
  CHECK(read_all(off).size() == 2);
}

TEST_CASE("binance: a line longer than max_line_bytes is an error before it is parsed") {
  // Issue 22: one unclosed 60 MB JSON line cost 4.4 GB of RAM before its parse error.
  const std::string huge = "1 {\"stream\":\"btcusdt@trade\",\"data\":[" + std::string(3 << 20, '[');
  fp::binance_reader r("huge", huge);
  const std::string message =
      "huge:1: line of " + std::to_string(huge.size()) + " bytes, longer than max_line_bytes (1048576): not parsed";
  CHECK_THROWS_WITH_AS(read_all(r), message.c_str(), fp::data_error);
  fp::binance_reader small("small", spot_depth_1, {.max_line_bytes = 100});
  CHECK_THROWS_WITH_AS(read_all(small), doctest::Contains("longer than max_line_bytes (100)"), fp::data_error);
  // Under the lenient policy the line is skipped and counted, and reading goes on.
  const std::string two = huge + "\n" + spot_depth_1;
  fp::binance_reader lenient("two", two, {.policy = fp::parse_policy::lenient});
  CHECK(read_all(lenient).size() == 1);
  CHECK(lenient.report().rows_skipped == 1);
}

TEST_CASE("binance: malformed lines raise data_error with file, line, column and field") {
  const std::string good = spot_depth_1;
  CHECK(error_of("\n") == "m:1:1: field 'local_ts_ns': empty line (expected '<local_ts_ns> <json>')");
  CHECK(error_of("12x {}") == "m:1:1: field 'local_ts_ns': not a timestamp in ns (got '12x')");
  CHECK(error_of("-5 {}") == "m:1:1: field 'local_ts_ns': not a timestamp in ns (got '-5')");
  CHECK(error_of("12345") == "m:1:2: missing JSON message after the timestamp");
  CHECK(error_of(good + "\n999 {}") == "m:2:1: field 'local_ts_ns': timestamp goes back (got 999 after 1000)");
  CHECK(error_of(R"(1 {"stream":"btcusdt@trade","data":{)") ==
        "m:1:2: invalid JSON: parse error at line 1, column 35: syntax error while parsing object key - unexpected end "
        "of "
        "input; expected string literal");
  CHECK(error_of(R"(1 {"stream":"btcusdt@trade","data":{"E":1e999}})") ==
        "m:1:2: invalid JSON: number overflow parsing '1e999'");
  CHECK(error_of("1 [1,2]") == "m:1:2: expected a JSON object (got [1,2])");
  // 90,000 nested arrays: a located error, not a stack overflow while printing the value
  // (issue 22: the message used to dump the whole document, one recursion per level)
  CHECK(error_of("1 " + std::string(90000, '[') + std::string(90000, ']')) ==
        "m:1:2: expected a JSON object (got an array of 1 entry)");
  CHECK(error_of(R"(1 {"stream":"btcusdt@trade","data":[[[[[[[[[[[1]]]]]]]]]]]})") ==
        "m:1:2: field 'data': expected an object (got an array of 1 entry)");
  CHECK(error_of(R"(1 {"result":null,"id":1})") ==
        "m:1:2: not a combined-stream message ({\"stream\",\"data\"}) nor a depth snapshot "
        "({\"lastUpdateId\",\"bids\",\"asks\"})");
  // A partial-depth stream (top 5 levels, no update ids) is not a diff stream: an error.
  CHECK(error_of(R"(1 {"stream":"btcusdt@depth5@100ms","data":{}})") ==
        "m:1:2: field 'stream': unsupported stream 'btcusdt@depth5@100ms' (expected <symbol>@depth[@<speed>], "
        "<symbol>@bookTicker or <symbol>@trade)");
  {
    // Binance streams the reader does not use (the 2023 USD-M captures carry markPrice@1s):
    // skipped and counted, not errors, and the clock still may not go back.
    const std::string text = std::string(R"(5 {"stream":"btcusdt@markPrice@1s","data":{"e":"markPriceUpdate"}})") +
                             "\n" + R"(6 {"stream":"btcusdt@kline_1m","data":{}})" + "\n" + spot_depth_1;
    fp::binance_reader r("m", text);
    const auto evs = read_all(r);
    CHECK(evs.size() == 1);
    CHECK(r.counts().unused_streams == 2);
    CHECK(r.report().rows_skipped == 0);
  }
  CHECK(error_of(R"(1 {"stream":"btcusdt@trade"})") == "m:1:2: field 'data': missing key");
  CHECK(error_of(R"(1 {"stream":"btcusdt@trade","data":[1]})") == "m:1:2: field 'data': expected an object (got [1])");
  CHECK(error_of(R"(1 {"stream":7,"data":{}})") == "m:1:2: field 'stream': expected a string (got 7)");
  CHECK(error_of(R"(1 {"stream":"btcusdt@depth","data":{"s":"BTCUSDT","U":1,"b":[],"a":[],"E":1}})") ==
        "m:1:2: field 'data.u': missing key");
  CHECK(error_of(R"(1 {"stream":"btcusdt@depth","data":{"s":"BTCUSDT","U":"1","u":2,"b":[],"a":[],"E":1}})") ==
        "m:1:2: field 'data.U': expected an integer (got \"1\")");
  CHECK(error_of(R"(1 {"stream":"btcusdt@depth","data":{"s":"BTCUSDT","U":1.5,"u":2,"b":[],"a":[],"E":1}})") ==
        "m:1:2: field 'data.U': expected an integer (got 1.5)");
  CHECK(error_of(R"(1 {"stream":"btcusdt@depth","data":{"s":"BTCUSDT","U":-1,"u":2,"b":[],"a":[],"E":1}})") ==
        "m:1:2: field 'data.U': must be >= 0 (got -1)");
  CHECK(
      error_of(
          R"(1 {"stream":"btcusdt@depth","data":{"s":"BTCUSDT","U":18446744073709551615,"u":2,"b":[],"a":[],"E":1}})") ==
      "m:1:2: field 'data.U': integer out of range (got 18446744073709551615)");
  CHECK(error_of(R"(1 {"stream":"btcusdt@depth","data":{"s":"BTCUSDT","U":3,"u":2,"b":[],"a":[],"E":1}})") ==
        "m:1:2: field 'data.U': U must be <= u (got U 3, u 2)");
  CHECK(error_of(R"(1 {"stream":"btcusdt@depth","data":{"s":"BTCUSDT","U":3,"u":4,"pu":3,"b":[],"a":[],"E":1}})") ==
        "m:1:2: field 'data.pu': pu must be < U (got pu 3, U 3)");
  CHECK(
      error_of(R"(1 {"stream":"btcusdt@depth","data":{"s":"BTCUSDT","U":3,"u":4,"b":[],"a":[],"E":9223372036855}})") ==
      "m:1:2: field 'data.E': time out of range (got 9223372036855 ms)");
  CHECK(
      error_of(
          R"(1 {"stream":"btcusdt@depth","data":{"s":"BTCUSDT","U":3,"u":4,"b":[["1","2"],["abc","1"]],"a":[],"E":1}})") ==
      "m:1:2: field 'data.b[1][0]': not a number (got 'abc')");
  CHECK(error_of(R"(1 {"stream":"btcusdt@depth","data":{"s":"BTCUSDT","U":3,"u":4,"b":[],"a":[["1",2]],"E":1}})") ==
        "m:1:2: field 'data.a[0][1]': expected a decimal string (got 2)");
  CHECK(
      error_of(R"(1 {"stream":"btcusdt@depth","data":{"s":"BTCUSDT","U":3,"u":4,"b":[],"a":[["1","-0.5"]],"E":1}})") ==
      "m:1:2: field 'data.a[0][1]': quantity must be >= 0 (got '-0.5')");
  CHECK(error_of(R"(1 {"stream":"btcusdt@depth","data":{"s":"BTCUSDT","U":3,"u":4,"b":[],"a":[["0","1"]],"E":1}})") ==
        "m:1:2: field 'data.a[0][0]': price must be > 0 (got '0')");
  CHECK(
      error_of(R"(1 {"stream":"btcusdt@depth","data":{"s":"BTCUSDT","U":3,"u":4,"b":[["1","2","3"]],"a":[],"E":1}})") ==
      "m:1:2: field 'data.b[0]': expected a [price, quantity] pair (got [\"1\",\"2\",\"3\"])");
  CHECK(error_of(R"(1 {"stream":"btcusdt@depth","data":{"s":"BTCUSDT","U":3,"u":4,"b":{},"a":[],"E":1}})") ==
        "m:1:2: field 'data.b': expected an array (got {})");
  CHECK(
      error_of(R"(1 {"stream":"btcusdt@depth","data":{"s":"BTCUSDT","U":3,"u":4,"b":[["1e999","1"]],"a":[],"E":1}})") ==
      "m:1:2: field 'data.b[0][0]': not a number (got '1e999')");
  CHECK(error_of(
            good + "\n" +
            R"(2000 {"stream":"ethusdt@trade","data":{"E":1,"s":"ETHUSDT","t":1,"p":"1","q":"1","T":1,"m":true}})") ==
        "m:2:2: field 'data.s': symbol changed (got 'ETHUSDT', expected 'BTCUSDT')");
  CHECK(error_of(R"(1 {"stream":"btcusdt@trade","data":{"E":1,"s":"BTCUSDT","t":1,"p":"1","q":"0","T":1,"m":true}})") ==
        "m:1:2: field 'data.q': quantity must be > 0 (got '0')");
  CHECK(
      error_of(R"(1 {"stream":"btcusdt@trade","data":{"E":1,"s":"BTCUSDT","t":1,"p":"1","q":"1","T":1,"m":"true"}})") ==
      "m:1:2: field 'data.m': expected a boolean (got \"true\")");
  CHECK(error_of(R"(1 {"stream":"btcusdt@bookTicker","data":{"u":1,"s":"BTCUSDT","b":"0","B":"1","a":"2","A":"1"}})") ==
        "m:1:2: field 'data.b': price must be > 0 (got '0' with a quantity)");
  CHECK(error_of(R"(1 {"stream":"btcusdt@bookTicker","data":{"u":1,"s":"BTCUSDT","b":"1","B":"1","a":"x","A":"1"}})") ==
        "m:1:2: field 'data.a': not a number (got 'x')");
  CHECK(error_of(R"(1 {"lastUpdateId":5,"bids":[["100","1"],["100.5","1"]],"asks":[]})") ==
        "m:1:2: field 'bids[1]': levels must be strictly decreasing (price 100.5 after 100)");
  CHECK(error_of(R"(1 {"lastUpdateId":5,"bids":[["100","1"]],"asks":[["99","1"]]})") ==
        "m:1:2: field 'bids[0][0]': crossed snapshot (best bid 100 >= best ask 99)");
  CHECK(error_of(R"(1 {"lastUpdateId":5,"bids":[["100","0"]],"asks":[]})") ==
        "m:1:2: field 'bids[0][1]': quantity must be > 0 (got '0')");
  CHECK(error_of(R"(1 {"lastUpdateId":"5","bids":[],"asks":[]})") ==
        "m:1:2: field 'lastUpdateId': expected an integer (got \"5\")");
  // The market rule, decided by the first update or given, is enforced.
  CHECK(
      error_of(
          good + "\n" +
          R"(2000 {"stream":"btcusdt@depth@100ms","data":{"E":1,"s":"BTCUSDT","U":106,"u":107,"pu":105,"b":[],"a":[]}})") ==
      "m:2:2: field 'data.pu': unexpected key in a spot stream");
  CHECK(error_of(good, fp::binance_market::usd_m_futures) ==
        "m:1:2: field 'data.pu': missing key (the stream is USD-M futures)");
}

TEST_CASE("binance: the lenient policy skips and counts malformed lines, the state is as if they were absent") {
  const std::string text = lines({
      spot_depth_1,
      "garbage",
      R"(1500 {"stream":"btcusdt@depth@100ms","data":{"E":1,"s":"BTCUSDT","U":106,"u":110,"b":[["99.0","x"]],"a":[]}})",
      "500 {}",  // time goes back
      spot_depth_2,
  });
  fp::binance_reader r("lenient", text, {.policy = fp::parse_policy::lenient});
  const auto evs = read_all(r);
  REQUIRE(evs.size() == 2);
  CHECK(evs[1].line == 5);
  CHECK_FALSE(evs[1].gap);  // the skipped update (106..110) did not advance the ids
  CHECK(r.book().quantity_at(side::buy, 99.0) == 0.0);
  CHECK(r.report().lines_read == 5);
  CHECK(r.report().rows_skipped == 3);
  REQUIRE(r.report().first_errors.size() == 3);
  CHECK(r.report().first_errors[0] == "lenient:2:1: field 'local_ts_ns': not a timestamp in ns (got 'garbage')");
  CHECK(r.report().first_errors[1] == "lenient:3:2: field 'data.b[0][1]': not a number (got 'x')");
  CHECK(r.report().first_errors[2] == "lenient:4:1: field 'local_ts_ns': timestamp goes back (got 500 after 1000)");
  CHECK(r.counts().depth_updates == 2);
}

TEST_CASE("binance: a truncated gzip capture raises data_error under both policies") {
  std::string payload;
  for (int i = 0; i < 3000; ++i) {
    payload += std::to_string(1000 + i) + R"( {"stream":"btcusdt@trade","data":{"E":1,"s":"BTCUSDT","t":)" +
               std::to_string(i) + R"(,"p":"61000.5","q":"0.001","T":1,"m":false}})" + "\n";
  }
  const fs::path gz = fs::temp_directory_path() / "footprint_binance_truncated.gz";
  gzFile f = gzopen(gz.c_str(), "wb");
  REQUIRE(f != nullptr);
  REQUIRE(gzwrite(f, payload.data(), static_cast<unsigned>(payload.size())) == static_cast<int>(payload.size()));
  gzclose(f);
  fs::resize_file(gz, fs::file_size(gz) / 2);
  for (const auto policy : {fp::parse_policy::strict, fp::parse_policy::lenient}) {
    fp::binance_reader r(gz.string(), {.policy = policy});
    try {
      read_all(r);
      FAIL("a truncated gzip capture was read to the end");
    } catch (const fp::data_error& e) {
      CHECK(e.file() == gz.string());
      CHECK(std::string(e.what()).find("truncated gzip stream") != std::string::npos);
    }
  }
  fs::remove(gz);
}

// ---------------------------------------------------------------------------------------
// Real captures
// ---------------------------------------------------------------------------------------

namespace {

const fs::path data_dir = footprint_test::data_dir().empty() ? fs::path() : footprint_test::data_dir() / "binance";
using footprint_test::debug_line_limit;
using footprint_test::line_limit;

bool have_data() {
  if (data_dir.empty() || !fs::is_directory(data_dir / "raw")) {
    MESSAGE("skipped: the Binance captures are not at '", data_dir.string(),
            "' (set FOOTPRINT_DATA_DIR to the shared data folder to run this test)");
    return false;
  }
  return true;
}

struct capture {
  const char* market;  // "spot" or "usdm"
  const char* day;
  std::size_t snapshots;  // REST snapshot lines in the raw file
};

const capture captures[] = {{"spot", "20240808", 1}, {"spot", "20240809", 0}, {"usdm", "20240808", 1}};

// Below the line limit (0: none).
bool within_limit(std::size_t n) { return line_limit() == 0 || n < line_limit(); }

fs::path raw_path(const capture& c) { return data_dir / "raw" / c.market / (std::string("btcusdt_") + c.day + ".gz"); }
fs::path csv_path(const capture& c, const char* what) {
  return data_dir / "csv" / (std::string(c.market) + "_btcusdt_" + c.day + "_" + what);
}

struct depth_row {
  std::int64_t local_ns, first, last, previous;
  side s;
  double price, quantity;
  bool operator==(const depth_row&) const = default;
};

// The first `max_rows` rows of the depth csv export (0: all), read independently of the
// reader (one row per level).
std::vector<depth_row> read_depth_csv(const fs::path& p, std::size_t max_rows) {
  std::vector<depth_row> rows;
  fp::line_reader lr(p.string());
  std::string_view line;
  lr.next(line);  // header
  while ((max_rows == 0 || rows.size() < max_rows) && lr.next(line)) {
    fp::detail::csv_cursor c(p.string(), lr.line_number(), line);
    depth_row r{};
    r.local_ns = c.next_int("local_ts_ns");
    c.skip("event_ts_ms");
    r.first = c.next_int("first_update_id");
    r.last = c.next_int("last_update_id");
    const std::string_view pu = c.next("prev_last_update_id");
    r.previous = pu.empty() ? -1 : std::stoll(std::string(pu));
    r.s = c.next("side") == "bid" ? side::buy : side::sell;
    r.price = c.next_double("price");
    r.quantity = c.next_double("qty");
    rows.push_back(r);
  }
  return rows;
}

// Rows of a csv export whose first field (local_ts_ns) is below `before` (all rows when
// `before` is 0).
std::size_t count_rows_before(const fs::path& p, std::int64_t before) {
  fp::line_reader lr(p.string());
  std::string_view line;
  lr.next(line);  // header
  std::size_t n = 0;
  while (lr.next(line)) {
    if (before != 0) {
      fp::detail::csv_cursor c(p.string(), lr.line_number(), line);
      if (c.next_int("local_ts_ns") >= before) break;
    }
    ++n;
  }
  return n;
}

struct top {
  std::int64_t id;
  double bid, bid_qty, ask, ask_qty;
};

// Everything the real-data tests need from one pass over a capture.
struct scan_result {
  bool complete = false;  // the whole file was read
  std::vector<depth_row> levels;
  std::vector<fp::binance_event> trades;
  std::vector<top> tops;                // the book's top after each applied depth update, with its u
  std::vector<top> tickers;             // every bookTicker
  std::size_t tickers_before_last = 0;  // bookTickers with a local time below the last one read
  std::map<double, std::int64_t> first_bid_diff, first_ask_diff;  // price -> u of the first diff touching it
  fp::binance_message_counts counts;
  fp::parse_report report;
  fp::binance_depth_stats stats;
  bool has_snapshot = false;
  fp::binance_market market = fp::binance_market::automatic;
  std::string symbol;
  std::int64_t last_local = 0;
  fp::index bid_levels = 0, ask_levels = 0;  // in the book at the end
};

// Book tops paired with bookTickers. For each depth update with last id u, the bookTicker
// to compare with is the latest one with update id <= u: Binance pushes a bookTicker on
// every change of the best bid or ask, so that ticker is the top of the book at u
// ("covering" pairs; a later ticker must exist to bound it). Pairs whose ids are equal are
// counted separately ("exact"). Tickers arrive before or after the depth event in the
// stream (depth@100ms is conflated), so pairs are matched by id after reading.
struct comparison {
  std::size_t covering = 0, covering_agree = 0, exact = 0, exact_agree = 0;
  std::vector<std::pair<top, top>> differing;  // (book top, ticker)
};

comparison compare_with_tickers(const scan_result& s) {
  comparison out;
  for (const top& b : s.tops) {
    const auto it = std::upper_bound(s.tickers.begin(), s.tickers.end(), b.id,
                                     [](std::int64_t id, const top& t) { return id < t.id; });
    if (it == s.tickers.begin() || it == s.tickers.end()) continue;
    const top& t = *std::prev(it);
    const bool agree = t.bid == b.bid && t.ask == b.ask && t.bid_qty == b.bid_qty && t.ask_qty == b.ask_qty;
    ++out.covering;
    out.covering_agree += agree;
    if (t.id == b.id) {
      ++out.exact;
      out.exact_agree += agree;
    }
    if (!agree) out.differing.emplace_back(b, t);
  }
  return out;
}

// Checks that each difference is a warm-up artefact: the ticker's best price is a level that
// rested unchanged since before the capture began and that no diff had touched yet, so a
// book built from diffs alone cannot know it.
void check_differences_are_untouched_levels(const scan_result& s, const comparison& cmp) {
  const auto untouched = [](const std::map<double, std::int64_t>& first, double price, std::int64_t id) {
    const auto f = first.find(price);
    return f == first.end() || f->second > id;
  };
  for (const auto& pair : cmp.differing) {
    const top& b = pair.first;
    const top& t = pair.second;
    CAPTURE(b.id);
    CHECK_FALSE(s.has_snapshot);
    CHECK((t.bid == b.bid || (t.bid > b.bid && untouched(s.first_bid_diff, t.bid, b.id))));
    CHECK((t.ask == b.ask || (t.ask < b.ask && untouched(s.first_ask_diff, t.ask, b.id))));
  }
}

// One pass over a capture (cached); `replay_capacity` 0 makes its snapshot unusable.
const scan_result& scan(const capture& c, std::size_t replay_capacity = 1024) {
  static std::map<std::pair<std::string, std::size_t>, scan_result> cache;
  const auto [it, inserted] = cache.try_emplace({raw_path(c).string(), replay_capacity});
  scan_result& s = it->second;
  if (!inserted) return s;
  const std::size_t limit = line_limit();
  fp::binance_reader r(raw_path(c).string(), {.replay_capacity = replay_capacity});
  fp::binance_event ev;
  std::vector<std::int64_t> ticker_times;
  std::size_t n = 0;
  s.complete = true;
  for (;;) {
    if (limit != 0 && n == limit) {
      s.complete = false;
      break;
    }
    if (!r.next(ev)) break;
    ++n;
    s.last_local = ev.local_time.count();
    if (ev.kind == fp::binance_event_kind::depth_update) {
      for (const auto& [sd, span] : {std::pair{side::buy, ev.bids}, std::pair{side::sell, ev.asks}}) {
        for (const fp::price_level& l : span) {
          s.levels.push_back({ev.local_time.count(), ev.first_update_id, ev.last_update_id, ev.previous_update_id, sd,
                              l.price, l.quantity});
          (sd == side::buy ? s.first_bid_diff : s.first_ask_diff).emplace(l.price, ev.last_update_id);
        }
      }
      if (ev.applied) {
        const fp::price_level_book& b = r.book();
        s.tops.push_back({ev.last_update_id, b.best_bid(), b.bid_levels() > 0 ? b.bid_quantity(0) : fp::nan,
                          b.best_ask(), b.ask_levels() > 0 ? b.ask_quantity(0) : fp::nan});
      }
    } else if (ev.kind == fp::binance_event_kind::trade) {
      s.trades.push_back(ev);
    } else if (ev.kind == fp::binance_event_kind::book_ticker) {
      s.tickers.push_back({ev.ticker.update_id, ev.ticker.bid_price, ev.ticker.bid_quantity, ev.ticker.ask_price,
                           ev.ticker.ask_quantity});
      ticker_times.push_back(ev.local_time.count());
    }
  }
  for (const std::int64_t t : ticker_times) s.tickers_before_last += t < s.last_local;
  s.counts = r.counts();
  s.report = r.report();
  s.stats = r.depth().stats();
  s.bid_levels = r.book().bid_levels();
  s.ask_levels = r.book().ask_levels();
  s.has_snapshot = r.depth().has_snapshot();
  s.market = r.depth().market();
  s.symbol = r.symbol();
  return s;
}

std::string label(const capture& c) { return std::string(c.market) + " " + c.day; }

}  // namespace

TEST_CASE("binance real captures: counts, levels and trades match the csv exports, no gaps" *
          doctest::test_suite("real-data")) {
  if (!have_data()) return;
  for (const capture& c : captures) {
    const std::string name = label(c);
    CAPTURE(name);
    const scan_result& s = scan(c);
    if (!s.complete) {
      MESSAGE(name, ": checked over the first ", debug_line_limit,
              " lines only (unoptimised or sanitized build; FOOTPRINT_TEST_FULL_DATA=1 reads everything)");
    }
    MESSAGE(name, ": ", s.counts.depth_updates, " depth updates (", s.levels.size(), " levels), ",
            s.counts.book_tickers, " bookTickers, ", s.counts.trades, " trades, ", s.counts.depth_snapshots,
            " snapshot(s), ", s.report.lines_read, " lines");
    // Depth: every level, in order, with its ids and side, equals the csv export's rows.
    const auto depth_csv = read_depth_csv(csv_path(c, "depth_updates.csv.gz"), s.complete ? 0 : s.levels.size());
    CHECK(s.levels.size() == depth_csv.size());
    CHECK((s.levels == depth_csv));
    std::set<std::tuple<std::int64_t, std::int64_t, std::int64_t>> csv_events;
    for (const auto& d : depth_csv) csv_events.emplace(d.local_ns, d.first, d.last);
    CHECK(s.counts.depth_updates == csv_events.size());
    // bookTickers: as many as the csv rows (before the last local time read, for a prefix).
    if (s.complete) {
      CHECK(s.counts.book_tickers == count_rows_before(csv_path(c, "bookticker.csv.gz"), 0));
      CHECK(s.counts.depth_snapshots == c.snapshots);
      CHECK(s.stats.snapshots_applied == c.snapshots);
      CHECK(s.has_snapshot == (c.snapshots > 0));
    } else {
      CHECK(s.tickers_before_last == count_rows_before(csv_path(c, "bookticker.csv.gz"), s.last_local));
    }
    CHECK(s.tickers.size() == s.counts.book_tickers);
    CHECK(s.report.lines_read ==
          s.counts.depth_updates + s.counts.depth_snapshots + s.counts.book_tickers + s.counts.trades);
    CHECK(s.report.rows_skipped == 0);
    CHECK(s.stats.gaps == 0);
    CHECK(s.stats.updates_stale == 0);
    CHECK(s.stats.crossed == 0);
    CHECK(s.market == (std::string(c.market) == "spot" ? fp::binance_market::spot : fp::binance_market::usd_m_futures));
    CHECK(s.symbol == "BTCUSDT");

    // Trades: id, price, quantity, times and the aggressor from m agree with the csv.
    fp::line_reader tl(csv_path(c, "trades.csv").string());
    std::string_view line;
    tl.next(line);
    std::size_t i = 0, agree = 0, buys = 0;
    while ((s.complete || i < s.trades.size()) && tl.next(line)) {
      fp::detail::csv_cursor cur("trades.csv", tl.line_number(), line);
      const std::int64_t local = cur.next_int("local_ts_ns");
      const std::int64_t event_ms = cur.next_int("event_ts_ms");
      const std::int64_t trade_ms = cur.next_int("trade_ts_ms");
      const std::int64_t id = cur.next_int("trade_id");
      const double price = cur.next_double("price");
      const double qty = cur.next_double("qty");
      const std::int64_t buyer_is_maker = cur.next_int("buyer_is_maker");
      const std::string_view aggressor = cur.next("aggressor");
      if (i < s.trades.size()) {
        const fp::binance_event& t = s.trades[i];
        const std::int8_t expected = aggressor == "buy" ? 1 : aggressor == "sell" ? -1 : 0;
        agree += t.local_time.count() == local && *t.exchange_time == nanoseconds{event_ms * 1'000'000} &&
                 t.trade.time == nanoseconds{trade_ms * 1'000'000} && t.trade.id == id && t.trade.price == price &&
                 t.trade.quantity == qty && t.trade.sign == expected && (buyer_is_maker == 1) == (t.trade.sign == -1);
        buys += t.trade.sign == 1;
      }
      ++i;
    }
    CHECK(i == s.trades.size());
    CHECK(agree == s.trades.size());
    MESSAGE("  trades agreeing with the csv (id, price, qty, times, aggressor): ", agree, " of ", i, "; ", buys,
            " buyer-initiated");
  }
}

TEST_CASE("binance real captures: the book built from diffs agrees with bookTicker" *
          doctest::test_suite("real-data")) {
  if (!have_data()) return;
  struct figures {
    std::size_t covering, covering_agree, exact, exact_agree;
  };
  // Whole files. spot 20240809 has no snapshot: its 2 differences are warm-up artefacts.
  const figures full_file[] = {{3449, 3449, 564, 564}, {3042, 3040, 507, 507}, {6548, 6548, 628, 628}};
  for (std::size_t k = 0; k < 3; ++k) {
    const capture& c = captures[k];
    const std::string name = label(c);
    CAPTURE(name);
    const scan_result& s = scan(c);
    REQUIRE(std::is_sorted(s.tickers.begin(), s.tickers.end(), [](const top& a, const top& b) { return a.id < b.id; }));
    const comparison cmp = compare_with_tickers(s);
    MESSAGE(name, ": covering pairs ", cmp.covering_agree, " of ", cmp.covering,
            " agree (best bid and ask, price and quantity); exact-id pairs ", cmp.exact_agree, " of ", cmp.exact);
    if (s.complete) {
      CHECK(cmp.covering == full_file[k].covering);
      CHECK(cmp.covering_agree == full_file[k].covering_agree);
      CHECK(cmp.exact == full_file[k].exact);
      CHECK(cmp.exact_agree == full_file[k].exact_agree);
    } else {
      CHECK(cmp.covering > 100);
      CHECK(cmp.exact > 10);
    }
    check_differences_are_untouched_levels(s, cmp);
  }
}

TEST_CASE("binance real captures: the 2023 USD-M captures are stamped in microseconds" *
          doctest::test_suite("real-data")) {
  if (!have_data()) return;
  // 2023-04-04 23:58 to 2023-04-05 00:06 UTC (../shared/data/README.md): about 8 minutes, not
  // the 0.48 s the stamps give when read as nanoseconds (issue 22).
  for (const char* file : {"btcusdt_20230404.dat.gz", "btcusdt_20230405.dat.gz"}) {
    INFO(file);
    fp::binance_reader r((data_dir / "raw" / "usdm" / file).string());
    fp::binance_event ev;
    REQUIRE(r.next(ev));
    const auto first = ev.local_time;
    CHECK(first > nanoseconds{1680652000} * 1'000'000'000);  // after 2023-04-04 23:46 UTC
    CHECK(first < nanoseconds{1680653000} * 1'000'000'000);
    std::size_t n = 1;
    auto last = first;
    while (within_limit(n) && r.next(ev)) {
      last = ev.local_time;
      ++n;
    }
    CHECK(r.local_time_scale() == 1000);
    if (within_limit(n)) {
      const double span = std::chrono::duration<double>(last - first).count();
      CHECK(span > 60.0);
      CHECK(span < 900.0);
    }
  }
}

TEST_CASE("binance real captures: without its snapshot, the spot 2024-08-08 book misses untouched levels" *
          doctest::test_suite("real-data")) {
  if (!have_data()) return;
  // No updates kept for replay: the late snapshot cannot be reconciled and the book is
  // built from diffs alone. Two covering pairs then differ (one of them an exact-id pair),
  // both explained by levels no diff had touched; with the snapshot all 3,449 agree.
  const capture& c = captures[0];
  const scan_result& s = scan(c, 0);
  const scan_result& with_snapshot = scan(c);
  CHECK(s.stats.snapshots_unusable == 1);
  CHECK_FALSE(s.has_snapshot);
  const comparison cmp = compare_with_tickers(s);
  MESSAGE("spot 20240808 from diffs alone: covering pairs ", cmp.covering_agree, " of ", cmp.covering,
          " agree; exact-id pairs ", cmp.exact_agree, " of ", cmp.exact, "; ", s.bid_levels, " bid and ", s.ask_levels,
          " ask levels at the end (", with_snapshot.bid_levels, " and ", with_snapshot.ask_levels,
          " with the snapshot)");
  if (s.complete) {
    CHECK(cmp.covering == 3449);
    CHECK(cmp.covering_agree == 3447);
    CHECK(cmp.exact == 564);
    CHECK(cmp.exact_agree == 563);
  } else {
    CHECK(cmp.covering_agree + 1 >= cmp.covering);  // the first difference is at line 2,681
  }
  CHECK(cmp.differing.size() == cmp.covering - cmp.covering_agree);
  check_differences_are_untouched_levels(s, cmp);
  CHECK(s.bid_levels + s.ask_levels < with_snapshot.bid_levels + with_snapshot.ask_levels);
  if (s.complete) {  // 354 asks that rested untouched all along are known only from the snapshot
    CHECK(s.bid_levels == 1209);
    CHECK(s.ask_levels == 1842);
    CHECK(with_snapshot.bid_levels == 1209);
    CHECK(with_snapshot.ask_levels == 2196);
  }
}

// tick_level_book on the real captures: the reader on it and the reader on price_level_book
// read the same messages with the same outcomes, and hold the same book after every message:
// the best ten levels each time, every level every 500 depth messages and at the end.
TEST_CASE("binance real captures: the reader on tick_level_book holds the same book throughout" *
          doctest::test_suite("real-data")) {
  if (!have_data()) return;
  const auto same_levels = [](const fp::tick_level_book& t, const fp::price_level_book& p, fp::index depth) {
    const fp::index nb = std::min(depth, p.bid_levels());
    const fp::index na = std::min(depth, p.ask_levels());
    for (fp::index i = 0; i < nb; ++i)
      if (t.bid_price(i) != p.bid_price(i) || t.bid_quantity(i) != p.bid_quantity(i)) return false;
    for (fp::index i = 0; i < na; ++i)
      if (t.ask_price(i) != p.ask_price(i) || t.ask_quantity(i) != p.ask_quantity(i)) return false;
    return t.bid_levels() == p.bid_levels() && t.ask_levels() == p.ask_levels() && t.is_crossed() == p.is_crossed();
  };
  for (const capture& c : captures) {
    const std::string name = label(c);
    CAPTURE(name);
    fp::binance_reader r(raw_path(c).string());
    fp::basic_binance_reader<fp::tick_level_book> t(raw_path(c).string());
    fp::binance_event ev;
    fp::binance_event tev;
    std::size_t n = 0;
    std::size_t depth_messages = 0;
    std::size_t mismatches = 0;
    while (within_limit(n) && r.next(ev)) {
      ++n;
      REQUIRE(t.next(tev));
      REQUIRE(tev.kind == ev.kind);
      if (ev.kind != fp::binance_event_kind::depth_update && ev.kind != fp::binance_event_kind::depth_snapshot)
        continue;
      ++depth_messages;
      if (tev.applied != ev.applied || tev.gap != ev.gap || tev.crossed != ev.crossed) ++mismatches;
      const fp::index depth = depth_messages % 500 == 0 ? std::numeric_limits<fp::index>::max() : 10;
      if (!same_levels(t.book(), r.book(), depth)) ++mismatches;
    }
    CHECK(mismatches == 0);
    CHECK(same_levels(t.book(), r.book(), std::numeric_limits<fp::index>::max()));
    CHECK(t.depth().stats().gaps == r.depth().stats().gaps);
    CHECK(t.book().tick() == doctest::Approx(std::string(c.market) == "spot" ? 0.01 : 0.1).epsilon(1e-12));
    MESSAGE(name, ": ", depth_messages, " depth messages, ", r.book().bid_levels() + r.book().ask_levels(),
            " levels at the end");
  }
}

}  // namespace unity_binance_reader
