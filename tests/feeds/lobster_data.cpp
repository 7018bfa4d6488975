// lobster_reader on the real LOBSTER sample files in ../shared/data/lobster (skipped with a
// message when the folder is absent): the GOOG level-1 day and the AAPL level-10 excerpt.
// Reference figures come from the files' CHECKS.txt and README (computed by a plain script
// over the raw CSV), and from plain loops over the raw text in this file.
#include "footprint/feeds/lobster/lobster_market_order_reader.hpp"
#include "footprint/feeds/lobster/lobster_reader.hpp"

#include <doctest/doctest.h>

#include <zlib.h>

#include <array>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_lobster_data {

namespace fp = footprint;
namespace fs = std::filesystem;
using fp::lobster_event_type;
using namespace std::chrono_literals;

namespace {

struct lobster_pair {
  std::string message;
  std::string orderbook;
};

// The message and orderbook files of one sample, or nullopt (with a MESSAGE) when absent.
std::optional<lobster_pair> sample(const std::string& folder, const std::string& stem, int levels) {
  const fs::path dir = fs::path(FOOTPRINT_TEST_DATA_DIR) / "lobster" / folder;
  const fs::path msg = dir / (stem + "_message_" + std::to_string(levels) + ".csv");
  const fs::path ob = dir / (stem + "_orderbook_" + std::to_string(levels) + ".csv");
  if (!fs::is_regular_file(msg) || !fs::is_regular_file(ob)) {
    MESSAGE("skipped: LOBSTER sample " << folder << " not found under " << FOOTPRINT_TEST_DATA_DIR);
    return std::nullopt;
  }
  return lobster_pair{msg.string(), ob.string()};
}

std::optional<lobster_pair> goog() { return sample("GOOG_2012-06-21_L1", "GOOG_2012-06-21_34200000_57600000", 1); }
std::optional<lobster_pair> aapl() {
  return sample("AAPL_2012-06-21_L10_first999", "AAPL_2012-06-21_34200000_57600000", 10);
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> out;
  std::string field;
  std::istringstream s(line);
  while (std::getline(s, field, ',')) out.push_back(field);
  return out;
}

// Market orders counted the plain way: over the raw message lines of the counted types,
// a new market order starts whenever the (time text, direction text) pair changes.
std::size_t raw_market_orders(const std::string& message_path, bool include_hidden) {
  std::ifstream in(message_path);
  std::string line;
  std::string last_key;
  std::size_t n = 0;
  while (std::getline(in, line)) {
    const std::size_t c1 = line.find(',');
    const char type = line[c1 + 1];
    if (!(type == '4' || (include_hidden && type == '5'))) continue;
    const std::string key = line.substr(0, c1) + "|" + line.substr(line.rfind(',') + 1);
    if (key != last_key) ++n;
    last_key = key;
  }
  return n;
}

}  // namespace

TEST_CASE("lobster data: the GOOG day parses completely and agrees with CHECKS.txt" *
          doctest::test_suite("real-data")) {
  const auto files = goog();
  if (!files) return;
  fp::lobster_reader r(files->message, files->orderbook);
  fp::lobster_event ev;
  std::array<std::size_t, 8> by_type{};
  std::int64_t visible_shares = 0;
  std::int64_t hidden_shares = 0;
  std::size_t visible_checked = 0;
  std::size_t visible_at_best = 0;
  std::size_t n = 0;
  std::chrono::nanoseconds first{-1};
  std::chrono::nanoseconds last{-1};
  while (r.next(ev)) {
    if (n++ == 0) first = ev.time;
    last = ev.time;
    ++by_type[static_cast<std::size_t>(ev.type)];
    if (ev.type == lobster_event_type::execute_visible) {
      visible_shares += ev.quantity;
      // Every visible execution prints at the previous row's best price on the resting side.
      if (n > 1) {
        ++visible_checked;
        const fp::book_view& b = ev.book_before;
        const bool ask = ev.side == fp::side::sell;
        if ((ask ? b.ask_levels() : b.bid_levels()) > 0 && ev.price == (ask ? b.ask_price(0) : b.bid_price(0))) {
          ++visible_at_best;
        }
      }
    }
    if (ev.type == lobster_event_type::execute_hidden) hidden_shares += ev.quantity;
  }
  CHECK(n == 49482);
  CHECK(r.levels() == 1);
  CHECK(r.report().lines_read == 49482);
  CHECK(r.report().rows_skipped == 0);
  CHECK(by_type[1] == 24368);
  CHECK(by_type[2] == 7);
  CHECK(by_type[3] == 13429);
  CHECK(by_type[4] == 7765);
  CHECK(by_type[5] == 3913);
  CHECK(by_type[6] + by_type[7] == 0);
  CHECK(visible_shares == 492509);  // CHECKS.txt's 492,505 leaves out line 1 (4 shares), as its row count
  CHECK(hidden_shares == 213616);
  CHECK(first == 34200015105074ns);  // 09:30:00.015105074
  CHECK(last == 57599320718269ns);   // 15:59:59.320718269
  CHECK(visible_checked == 7764);
  CHECK(visible_at_best == 7764);
}

TEST_CASE("lobster data: GOOG market orders match an independent count over the raw CSV" *
          doctest::test_suite("real-data")) {
  const auto files = goog();
  if (!files) return;
  for (const bool hidden : {false, true}) {
    CAPTURE(hidden);
    fp::lobster_reader r(files->message, files->orderbook);
    fp::lobster_market_order_reader orders(r, {.include_hidden = hidden});
    fp::lobster_market_order mo;
    std::size_t n = 0;
    std::size_t fills = 0;
    double shares = 0.0;
    std::size_t worst_beyond_arrival_quote = 0;
    std::size_t vwap_beyond_arrival_quote = 0;
    while (orders.next(mo)) {
      ++n;
      fills += mo.fills;
      shares += mo.quantity;
      const double quote = mo.side == fp::side::buy ? mo.arrival_book.best_ask() : mo.arrival_book.best_bid();
      // Visible fills never beat the arrival quote: a buy pays at least the arrival ask.
      if (mo.side == fp::side::buy ? mo.worst_price >= quote : mo.worst_price <= quote) ++worst_beyond_arrival_quote;
      if (mo.side == fp::side::buy ? mo.vwap >= quote : mo.vwap <= quote) ++vwap_beyond_arrival_quote;
    }
    CHECK(n == raw_market_orders(files->message, hidden));
    if (!hidden) {
      CHECK(n == 5931);
      CHECK(fills == 7765);
      CHECK(shares == 492509);
      // All but the first market order (line 1: no book before it) fill at or beyond the
      // arrival quote on the side they take, worst fill and VWAP alike.
      CHECK(worst_beyond_arrival_quote == n - 1);
      CHECK(vwap_beyond_arrival_quote == n - 1);
    } else {
      CHECK(n == 7983);
      CHECK(fills == 7765 + 3913);
      CHECK(shares == 492509 + 213616);
    }
  }
}

TEST_CASE("lobster data: a gzip-compressed copy of the GOOG day reads identically" * doctest::test_suite("real-data")) {
  const auto files = goog();
  if (!files) return;
  const fs::path dir = fs::temp_directory_path() / "footprint_lobster_gz";
  fs::create_directories(dir);
  const fs::path msg_gz = dir / "message.csv.gz";
  const fs::path ob_gz = dir / "orderbook.csv.gz";
  for (const auto& [src, dst] : {std::pair{files->message, msg_gz}, std::pair{files->orderbook, ob_gz}}) {
    const std::string text = slurp(src);
    gzFile gz = gzopen(dst.c_str(), "wb1");
    REQUIRE(gz != nullptr);
    REQUIRE(gzwrite(gz, text.data(), static_cast<unsigned>(text.size())) == static_cast<int>(text.size()));
    REQUIRE(gzclose(gz) == Z_OK);
  }
  fp::lobster_reader plain(files->message, files->orderbook);
  fp::lobster_reader packed(msg_gz.string(), ob_gz.string());
  fp::lobster_event a;
  fp::lobster_event b;
  std::size_t n = 0;
  std::size_t differ = 0;
  while (plain.next(a)) {
    REQUIRE(packed.next(b));
    const bool same =
        a.time == b.time && a.type == b.type && a.order_id == b.order_id && a.quantity == b.quantity &&
        a.price_x10000 == b.price_x10000 && a.side == b.side && a.line == b.line &&
        a.book.bid_levels() == b.book.bid_levels() && a.book.ask_levels() == b.book.ask_levels() &&
        (a.book.bid_levels() == 0 ||
         (a.book.bid_price(0) == b.book.bid_price(0) && a.book.bid_quantity(0) == b.book.bid_quantity(0))) &&
        (a.book.ask_levels() == 0 ||
         (a.book.ask_price(0) == b.book.ask_price(0) && a.book.ask_quantity(0) == b.book.ask_quantity(0)));
    if (!same) ++differ;
    ++n;
  }
  CHECK_FALSE(packed.next(b));
  CHECK(n == 49482);
  CHECK(differ == 0);
  fs::remove_all(dir);
}

TEST_CASE("lobster data: the AAPL level-10 excerpt parses with all 10 levels, strictly ordered" *
          doctest::test_suite("real-data")) {
  const auto files = aapl();
  if (!files) return;
  // The plain way: the sum of every size column of the orderbook file.
  std::int64_t raw_size_sum = 0;
  {
    std::ifstream in(files->orderbook);
    std::string line;
    while (std::getline(in, line)) {
      const auto f = split(line);
      REQUIRE(f.size() == 40);
      for (std::size_t i = 1; i < f.size(); i += 2) raw_size_sum += std::stoll(f[i]);
    }
  }
  fp::lobster_reader r(files->message, files->orderbook);
  fp::lobster_event ev;
  std::size_t n = 0;
  std::size_t ordered = 0;
  std::int64_t size_sum = 0;
  while (r.next(ev)) {
    ++n;
    const fp::book_view& b = ev.book;
    bool ok = b.bid_levels() == 10 && b.ask_levels() == 10 && b.bid_price(0) < b.ask_price(0);
    for (fp::index i = 0; i < b.bid_levels(); ++i) {
      size_sum += static_cast<std::int64_t>(b.bid_quantity(i));
      if (i > 0) ok = ok && b.bid_price(i) < b.bid_price(i - 1);
    }
    for (fp::index i = 0; i < b.ask_levels(); ++i) {
      size_sum += static_cast<std::int64_t>(b.ask_quantity(i));
      if (i > 0) ok = ok && b.ask_price(i) > b.ask_price(i - 1);
    }
    if (ok) ++ordered;
  }
  CHECK(n == 999);
  CHECK(r.levels() == 10);
  CHECK(ordered == 999);
  CHECK(size_sum == raw_size_sum);
  // The last line has no newline and is read whole.
  CHECK(ev.line == 999);
  CHECK(ev.time == 34249086375027ns);
  CHECK(ev.type == lobster_event_type::submit);
  CHECK(ev.order_id == 18259338);
  CHECK(ev.book.ask_price(0) == 585.71);
  CHECK(ev.book.bid_price(0) == 585.35);
  CHECK(ev.book.bid_quantity(0) == 18);
  CHECK(ev.book.ask_price(9) == 586.03);
  CHECK(ev.book.bid_price(9) == 584.99);
  CHECK(ev.book.bid_quantity(9) == 2);
}

TEST_CASE("lobster data: the order-level book on the GOOG day counts the orders it never saw" *
          doctest::test_suite("real-data")) {
  const auto files = goog();
  if (!files) return;
  fp::lobster_reader r(files->message, files->orderbook);
  fp::order_level_book book;
  book.reserve(1 << 14);
  fp::lobster_event ev;
  while (r.next(ev)) fp::apply(book, ev);
  // A level-1 file only has the messages that touch the best level, so many orders rest
  // before the day starts or outside level 1 and are met only when they are executed or
  // deleted. Figures from a plain script over the raw message file (a dict of ids).
  const fp::order_level_book_stats& s = book.stats();
  CHECK(s.adds == 24368);
  CHECK(s.cancels == 6);
  CHECK(s.removes == 13429 - 2166);
  CHECK(s.executions == 7765 - 2309);
  CHECK(s.unknown_ids == 2166 + 2309 + 1);
  CHECK(s.duplicate_ids == 0);
  CHECK(s.mismatches == 0);  // known orders: same side and price, deletions of the remaining size
  CHECK(s.oversized == 0);
  CHECK(s.anonymous_used == 0);
  // Orders cancelled while outside level 1 rest on without rule 5; a message's price rules
  // out the other side at or through it (7,638 orders), which leaves 1,542 at the close
  // instead of 9,180 (the figures of the script below).
  CHECK(s.stale_orders == 7638);
  CHECK(book.order_count() == 1542);
  CHECK(book.timestamp() == 57599320718269ns);
}

TEST_CASE("lobster data: rebuilt from the GOOG level-1 file, the order-level book's best levels agree with LOBSTER's" *
          doctest::test_suite("real-data")) {
  const auto files = goog();
  if (!files) return;
  // After each message, the rebuilt book's best bid and ask against the orderbook file's
  // (LOBSTER's own reconstruction), for each way of applying the events. Figures from an
  // independent script over the raw files (a dict of orders, a Counter per side): rows
  // where the book is crossed, rows where both best prices agree, and both sizes too, and
  // the orders resting at the close.
  struct outcome {
    std::size_t crossed = 0, prices = 0, sizes = 0, orders = 0;
  };
  const auto rebuild = [&](bool stale_rules, fp::index file_levels) {
    fp::lobster_reader r(files->message, files->orderbook);
    fp::order_level_book book;
    fp::lobster_event ev;
    outcome o;
    while (r.next(ev)) {
      if (stale_rules) {
        fp::apply(book, ev, file_levels);
      } else if (ev.type == lobster_event_type::submit) {  // the rules for one order at a time
        book.add(ev.order_id, ev.side, ev.price, static_cast<double>(ev.quantity));
      } else if (ev.type == lobster_event_type::cancel) {
        book.cancel(ev.order_id, ev.side, ev.price, static_cast<double>(ev.quantity));
      } else if (ev.type == lobster_event_type::delete_order) {
        book.remove(ev.order_id, ev.side, ev.price, static_cast<double>(ev.quantity));
      } else if (ev.type == lobster_event_type::execute_visible) {
        book.execute(ev.order_id, ev.side, ev.price, static_cast<double>(ev.quantity));
      }
      const bool both = book.bid_levels() > 0 && book.ask_levels() > 0;
      if (both && book.levels().is_crossed()) ++o.crossed;
      if (both && book.bid_price(0) == ev.book.bid_price(0) && book.ask_price(0) == ev.book.ask_price(0)) {
        ++o.prices;
        if (book.bid_quantity(0) == ev.book.bid_quantity(0) && book.ask_quantity(0) == ev.book.ask_quantity(0))
          ++o.sizes;
      }
    }
    o.orders = book.order_count();
    return o;
  };
  const outcome plain = rebuild(false, 0);
  CHECK(plain.crossed == 48925);  // of 49,482 rows: stale orders everywhere
  CHECK(plain.prices == 101);
  CHECK(plain.sizes == 87);
  CHECK(plain.orders == 9180);
  const outcome through = rebuild(true, 0);  // the other side at or through the price
  CHECK(through.crossed == 0);
  CHECK(through.prices == 3523);
  CHECK(through.sizes == 2079);
  CHECK(through.orders == 1542);
  const outcome level1 = rebuild(true, 1);  // and the levels of the message's side better than it
  CHECK(level1.crossed == 0);
  CHECK(level1.prices == 31848);  // 64%: what remains are levels whose orders the file never showed
  CHECK(level1.sizes == 17372);
  CHECK(level1.orders == 810);
}

TEST_CASE("lobster data: the order-level book seeded with the opening AAPL book tracks LOBSTER's best levels" *
          doctest::test_suite("real-data")) {
  const auto files = aapl();
  if (!files) return;
  fp::lobster_reader r(files->message, files->orderbook);
  fp::lobster_event ev;
  REQUIRE(r.next(ev));
  // The book before the first message is the first row without the order it submits.
  REQUIRE(ev.type == lobster_event_type::submit);
  fp::order_level_book book;
  for (fp::index i = 0; i < ev.book.bid_levels(); ++i) {
    double q = ev.book.bid_quantity(i);
    if (ev.side == fp::side::buy && ev.book.bid_price(i) == ev.price) q -= static_cast<double>(ev.quantity);
    if (q > 0) book.add_anonymous(fp::side::buy, ev.book.bid_price(i), q);
  }
  for (fp::index i = 0; i < ev.book.ask_levels(); ++i) {
    double q = ev.book.ask_quantity(i);
    if (ev.side == fp::side::sell && ev.book.ask_price(i) == ev.price) q -= static_cast<double>(ev.quantity);
    if (q > 0) book.add_anonymous(fp::side::sell, ev.book.ask_price(i), q);
  }
  std::size_t n = 0;
  std::size_t best_agree = 0;
  do {
    fp::apply(book, ev);
    ++n;
    const fp::book_view& b = ev.book;
    if (book.bid_levels() > 0 && book.ask_levels() > 0 && book.bid_price(0) == b.bid_price(0) &&
        book.bid_quantity(0) == b.bid_quantity(0) && book.ask_price(0) == b.ask_price(0) &&
        book.ask_quantity(0) == b.ask_quantity(0)) {
      ++best_agree;
    }
  } while (r.next(ev));
  CHECK(n == 999);
  // A level-10 file has no messages for orders deeper than level 10, so orders resting there
  // at the open are unknown when they move up: e.g. the 50-share bid at 585.40 (order
  // 13419503) is best from line 441 to its execution at line 448. Figures from an
  // independent script applying the same rules to the raw files.
  CHECK(best_agree == 955);
  CHECK(book.stats().unknown_ids == 9);
  CHECK(book.stats().unmatched_quantity == 77);
}

}  // namespace unity_lobster_data
