// The FIX tag=value reader (feeds/fix/): the recorded hffix sessions (every message framed and
// checksummed, their counts by type as ../shared/data/fix/hffix/CHECKS.txt lists them, the FIX
// 4.1 session's ExecutionReports decoded, the FIXT.1.1 market data's repeating groups walked),
// the writer against a recorded message byte for byte, UTCTimestamps, and malformed input:
// every error names its byte offset and tag, and the lenient policy resumes at the next message.
#include "footprint/feeds/fix/fix_reader.hpp"
#include "footprint/feeds/fix/execution_report.hpp"
#include "footprint/feeds/fix/fix_writer.hpp"

#include "crypto_test_data.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_fix_reader {

namespace fp = footprint;
using namespace std::chrono_literals;

std::string read_all(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::filesystem::path hffix_dir() { return footprint_test::data_dir() / "fix" / "hffix"; }

// Messages by MsgType.
std::map<std::string, int> count_types(const std::string& stream, const std::string& name) {
  fp::fix_reader reader(stream, name);
  fp::fix_message m;
  std::map<std::string, int> out;
  while (reader.next(m)) ++out[std::string(m.msg_type())];
  CHECK(reader.report().rows_skipped == 0);
  CHECK(reader.offset() == stream.size());
  return out;
}

// "|" for SOH, to write messages readably.
std::string soh(std::string s) {
  for (char& c : s)
    if (c == '|') c = fp::fix_soh;
  return s;
}

// The fix_error a stream's first message raises ("no error" when none).
struct caught {
  std::string what;
  std::size_t offset = 0;
  int tag = -1;
};
caught first_error(const std::string& stream) {
  fp::fix_reader reader(stream, "s.fix");
  fp::fix_message m;
  try {
    while (reader.next(m)) {}
  } catch (const fp::fix_error& e) {
    return {e.what(), e.offset(), e.tag()};
  }
  return {"no error"};
}

// A FIX 4.4 ExecutionReport: a partial fill of 500 at 10.25.
std::string execution_report_44() {
  fp::fix_writer w("FIX.4.4");
  w.field(35, '8').field(34, 7).field(49, "BROKER").field(52, "20240102-14:30:00.123").field(56, "DESK");
  w.field(6, 10.25).field(11, "C1").field(14, 500.0).field(17, "E2").field(31, 10.25).field(32, 500.0);
  w.field(37, "O1")
      .field(38, 5000.0)
      .field(39, '1')
      .field(54, '2')
      .field(55, "GOOG")
      .field(60, "20240102-14:30:00.120");
  w.field(150, 'F').field(151, 4500.0).field(12, 2.5).field(13, '3').field(851, 2).field(30, "XNAS");
  return w.finish();
}

TEST_CASE("fix_reader: the hffix sessions, every message framed and checksummed, counted by type" *
          doctest::test_suite("real-data")) {
  const std::filesystem::path dir = hffix_dir();
  if (!std::filesystem::exists(dir / "fix.4.1.set.1")) {
    MESSAGE("skipped: the hffix sessions are not at '", dir.string(), "'");
    return;
  }
  // CHECKS.txt: 16, 13,888 and 65 messages, every CheckSum and BodyLength valid.
  CHECK(count_types(read_all(dir / "fix.4.1.set.1"), "fix.4.1.set.1") ==
        std::map<std::string, int>{{"A", 2}, {"0", 2}, {"D", 3}, {"8", 5}, {"F", 2}, {"3", 2}});
  CHECK(count_types(read_all(dir / "fix.5.0.set.1"), "fix.5.0.set.1") ==
        std::map<std::string, int>{{"0", 2523}, {"X", 11365}});
  CHECK(count_types(read_all(dir / "fix.5.0.set.2"), "fix.5.0.set.2") ==
        std::map<std::string, int>{{"A", 16}, {"5", 14}, {"D", 15}, {"0", 18}, {"1", 1}, {"2", 1}});
}

TEST_CASE("decode_execution_report: the FIX 4.1 session's five ExecutionReports" * doctest::test_suite("real-data")) {
  const std::filesystem::path file = hffix_dir() / "fix.4.1.set.1";
  if (!std::filesystem::exists(file)) {
    MESSAGE("skipped: the hffix sessions are not at '", hffix_dir().string(), "'");
    return;
  }
  const std::string stream = read_all(file);
  fp::fix_reader reader(stream, "fix.4.1.set.1");
  fp::fix_message m;
  std::vector<fp::execution_report> reports;
  while (reader.next(m))
    if (m.msg_type() == "8") reports.push_back(fp::decode_execution_report(m));
  REQUIRE(reports.size() == 5);
  // 8=FIX.4.1|9=153|35=8|34=4|49=EXEC|52=20121105-23:24:42|56=BANZAI|6=12.3|11=1352157882577|
  // 14=10000|17=2|20=0|31=12.3|32=10000|37=2|38=10000|39=2|54=1|55=MSFT|150=2|151=0|10=230|
  const fp::execution_report& fill = reports[1];
  CHECK(fill.cl_ord_id == "1352157882577");
  CHECK(fill.order_id == "2");
  CHECK(fill.exec_id == "2");
  CHECK(fill.symbol == "MSFT");
  CHECK(fill.side == fp::side::buy);
  CHECK(fill.exec_trans_type == '0');
  CHECK(fill.exec_type == '2');  // FIX 4.1: fill
  CHECK(fill.ord_status == '2');
  CHECK(fill.last_qty == 10000.0);
  CHECK(fill.last_px == 12.3);
  CHECK(fill.cum_qty == 10000.0);
  CHECK(fill.avg_px == 12.3);
  CHECK(fill.leaves_qty == 0.0);
  CHECK(fill.order_qty == 10000.0);
  CHECK(fill.msg_seq_num == 4);
  CHECK(fp::parse_fix_timestamp(fill.sending_time) == std::chrono::nanoseconds(1352157882s));
  CHECK_FALSE(fill.transact_time.has_value());
  CHECK(std::isnan(fill.price));  // a market order: no Price
  // The acknowledgement before it: nothing filled.
  CHECK(reports[0].ord_status == '0');
  CHECK(reports[0].cum_qty == 0.0);
  int filled = 0;
  for (const fp::execution_report& r : reports) filled += r.ord_status == '2' ? 1 : 0;
  CHECK(filled == 2);  // CHECKS.txt: (150, 39, 20) = (2, 2, 0) twice
}

TEST_CASE("fix_message: the FIXT.1.1 market data's repeating groups, each with the entries it announces" *
          doctest::test_suite("real-data")) {
  const std::filesystem::path file = hffix_dir() / "fix.5.0.set.1";
  if (!std::filesystem::exists(file)) {
    MESSAGE("skipped: the hffix sessions are not at '", hffix_dir().string(), "'");
    return;
  }
  const std::string stream = read_all(file);
  fp::fix_reader reader(stream, "fix.5.0.set.1");
  fp::fix_message m;
  std::size_t messages = 0, entries = 0, prices = 0;
  while (reader.next(m)) {
    if (m.msg_type() != "X") continue;
    ++messages;
    // NoMDEntries (268), each entry from MDUpdateAction (279) to the end of the body.
    entries += m.walk_group(
        268, 279, [](int) { return true; },
        [&](std::size_t, const fp::fix_field& f) { prices += f.tag == 270 ? 1 : 0; });
  }
  CHECK(messages == 11365);
  CHECK(entries == 14375);  // the sum of the 268 counts, and of the 279 fields (counted with Python)
  CHECK(prices > 0);
}

TEST_CASE("fix_writer: rebuilds a recorded Logon byte for byte, and what it writes reads back") {
  // The first message of the hffix FIX 4.1 session.
  fp::fix_writer w("FIX.4.1");
  w.field(35, 'A').field(34, 1).field(49, "EXEC").field(52, "20121105-23:24:06").field(56, "BANZAI");
  w.field(98, 0).field(108, 30);
  CHECK(w.finish() == soh("8=FIX.4.1|9=61|35=A|34=1|49=EXEC|52=20121105-23:24:06|56=BANZAI|98=0|108=30|10=003|"));
  const std::string stream = execution_report_44();
  fp::fix_reader reader(stream, "er.fix");
  fp::fix_message m;
  REQUIRE(reader.next(m));
  CHECK(m.begin_string() == "FIX.4.4");
  CHECK(m.msg_type() == "8");
  CHECK(m.index() == 1);
  const fp::execution_report r = fp::decode_execution_report(m);
  CHECK(r.side == fp::side::sell);
  CHECK(r.exec_type == 'F');
  CHECK(r.last_qty == 500.0);
  CHECK(r.last_px == 10.25);
  CHECK(r.leaves_qty == 4500.0);
  CHECK(r.commission == 2.5);
  CHECK(r.comm_type == '3');
  CHECK(r.last_liquidity_ind == 2);
  CHECK(r.last_mkt == "XNAS");
  CHECK(r.transact_time == std::chrono::nanoseconds(1704205800s + 120ms));
  CHECK(m.find(55) == std::optional<std::string_view>("GOOG"));
  CHECK_FALSE(m.find(9999).has_value());
  CHECK_FALSE(reader.next(m));
}

TEST_CASE("parse_fix_timestamp: seconds, milliseconds to nanoseconds, and what is not a timestamp") {
  CHECK(fp::parse_fix_timestamp("20121105-23:24:42") == std::chrono::nanoseconds(1352157882s));
  CHECK(fp::parse_fix_timestamp("20111124-06:28:56.151") == std::chrono::nanoseconds(1322116136s + 151ms));
  CHECK(fp::parse_fix_timestamp("20111124-06:28:56.151002") == std::chrono::nanoseconds(1322116136s + 151002us));
  CHECK(fp::parse_fix_timestamp("20111124-06:28:56.000000007") == std::chrono::nanoseconds(1322116136s + 7ns));
  CHECK(fp::parse_fix_timestamp("19700101-00:00:00") == std::chrono::nanoseconds(0));
  // format_fix_timestamp is its inverse.
  CHECK(fp::format_fix_timestamp(1322116136s + 151ms) == "20111124-06:28:56.151");
  CHECK(fp::format_fix_timestamp(1322116136s + 151002us, 9) == "20111124-06:28:56.151002000");
  CHECK(fp::format_fix_timestamp(1352157882s, 0) == "20121105-23:24:42");
  CHECK(fp::format_fix_timestamp(-1s, 3) == "19691231-23:59:59.000");
  for (std::int64_t k = -50; k <= 50; ++k) {
    const std::chrono::nanoseconds t(k * 7'777'777'777'777'777 + 123'456'789);
    CHECK(fp::parse_fix_timestamp(fp::format_fix_timestamp(t, 9)) == t);
  }
  CHECK_THROWS_AS((void)fp::format_fix_timestamp(0s, 10), fp::invalid_argument);
  for (const char* bad : {"20121305-23:24:42", "20230229-00:00:00", "20121105 23:24:42", "20121105-24:00:00",
                          "20121105-23:24:42.", "20121105-23:24:42.1234567890", "2012110-23:24:42", "20121105-23:2a:42",
                          "02240102-14:30:00", "99991231-23:59:59"}) {
    CAPTURE(bad);
    CHECK_FALSE(fp::parse_fix_timestamp(bad).has_value());
  }
}

TEST_CASE("fix_reader: malformed framing throws fix_error naming the byte offset and the tag") {
  const std::string good = execution_report_44();
  const std::size_t trailer = good.size() - 7;
  // A wrong CheckSum: at the trailer, tag 10.
  std::string bad_sum = good;
  bad_sum[trailer + 5] = bad_sum[trailer + 5] == '9' ? '0' : char(bad_sum[trailer + 5] + 1);
  caught e = first_error(good + bad_sum);
  CHECK(e.tag == 10);
  CHECK(e.offset == good.size() + trailer);
  CHECK(e.what.find("s.fix:2:") == 0);  // the second message
  CHECK(e.what.find("CheckSum") != std::string::npos);
  // A flipped body byte: the CheckSum catches it.
  std::string flipped = good;
  flipped[30] ^= 1;
  CHECK(first_error(flipped).tag == 10);
  // BodyLength: not a number, too long, too short, past the end.
  CHECK(first_error(soh("8=FIX.4.4|9=x5|35=0|10=000|")).tag == 9);
  CHECK(first_error(soh("8=FIX.4.4|9=6|35=0|10=000|")).tag == 9);  // the body does not end at a SOH
  CHECK(first_error(soh("8=FIX.4.4|9=4|35=0|10=000|")).tag == 9);
  CHECK(first_error(soh("8=FIX.4.4|9=5|35=0|11=000|")).tag == 10);  // no trailer where 9 ends the body
  e = first_error(soh("8=FIX.4.4|9=99999|35=0|10=000|"));
  CHECK(e.tag == 9);
  CHECK(e.what.find("runs past the end") != std::string::npos);
  e = first_error(soh("8=FIX.4.4|9=99999999|35=0|10=000|"));
  CHECK(e.what.find("over the limit") != std::string::npos);
  // BeginString, MsgType first, garbage where a message should start.
  CHECK(first_error(soh("8=FIX.9.9|9=5|35=0|10=000|")).tag == 8);
  CHECK(first_error(soh("8=FIX.4.4|9=5|34=1|10=000|")).tag == 35);
  e = first_error(good + "garbage" + good);
  CHECK(e.tag == 8);
  CHECK(e.offset == good.size());
  // A field without '=', or empty, surfaces when the body is walked.
  fp::fix_writer w("FIX.4.4");
  w.field(35, '8').raw(17, "").field(55, "X");
  const std::string empty_value = w.finish();
  fp::fix_reader reader(empty_value, "s.fix");
  fp::fix_message m;
  REQUIRE(reader.next(m));
  try {
    (void)fp::decode_execution_report(m);
    FAIL("no error");
  } catch (const fp::fix_error& err) {
    CHECK(err.tag() == 17);
    CHECK(std::string(err.what()).find("empty value") != std::string::npos);
  }
}

TEST_CASE("fix_reader: the lenient policy counts a bad message and resumes at the next, and separators are skipped") {
  const std::string good = execution_report_44();
  std::string bad = good;
  bad[good.size() - 3] = bad[good.size() - 3] == '9' ? '0' : char(bad[good.size() - 3] + 1);
  const std::string stream = good + "\r\n" + bad + "\n" + good + "\n";
  fp::fix_reader reader(stream, "s.fix", {.policy = fp::parse_policy::lenient});
  fp::fix_message m;
  std::vector<std::size_t> indices;
  while (reader.next(m)) indices.push_back(m.index());
  CHECK(indices == std::vector<std::size_t>{1, 3});
  CHECK(reader.report().lines_read == 3);
  CHECK(reader.report().rows_skipped == 1);
  REQUIRE(reader.report().first_errors.size() == 1);
  CHECK(reader.report().first_errors[0].find("CheckSum") != std::string::npos);
  CHECK_THROWS_AS(fp::fix_reader("", "s", {.max_body_length = 0}), fp::invalid_argument);
}

TEST_CASE("decode_execution_report: missing required fields and malformed values name their tag") {
  const auto error_tag = [](fp::fix_writer& w) {
    const std::string s = w.finish();
    fp::fix_reader r(s, "s.fix");
    fp::fix_message m;
    REQUIRE(r.next(m));
    try {
      (void)fp::decode_execution_report(m);
    } catch (const fp::fix_error& e) {
      return e.tag();
    }
    return -1;
  };
  const auto base = [] {
    fp::fix_writer w("FIX.4.4");
    w.field(35, '8').field(17, "E").field(150, 'F').field(39, '1').field(55, "S").field(14, 1.0);
    return w;
  };
  fp::fix_writer w = base();
  CHECK(error_tag(w) == 54);  // Side missing
  w = base();
  w.field(54, '7');
  CHECK(error_tag(w) == 54);
  w = base();
  w.field(54, '1').field(32, -5.0);
  CHECK(error_tag(w) == 32);
  w = base();
  w.field(54, '1').field(31, "1e999");
  CHECK(error_tag(w) == 31);
  w = base();
  w.field(54, '1').field(43, 'X');
  CHECK(error_tag(w) == 43);
  w = base();
  w.field(54, '1').field(60, "yesterday");
  CHECK(error_tag(w) == 60);
  w = base();
  w.field(54, '1').field(851, 9);
  CHECK(error_tag(w) == 851);
  w = base();
  w.field(54, '1');
  CHECK(error_tag(w) == -1);  // complete
  fp::fix_writer order("FIX.4.4");
  order.field(35, 'D').field(11, "C");
  CHECK(error_tag(order) == 35);
}

TEST_CASE("fix_message: a repeating group whose count disagrees with its entries is an error") {
  const auto walk = [](const std::string& body_fields) {
    fp::fix_writer w("FIXT.1.1");
    w.field(35, 'X');
    std::istringstream in(body_fields);
    for (std::string kv; std::getline(in, kv, '|');) {
      const auto eq = kv.find('=');
      w.field(std::stoi(kv.substr(0, eq)), kv.substr(eq + 1));
    }
    const std::string s = w.finish();
    fp::fix_reader r(s, "g.fix");
    fp::fix_message m;
    REQUIRE(r.next(m));
    const auto member = [](int tag) { return tag == 269 || tag == 270 || tag == 271; };
    try {
      return std::to_string(m.walk_group(268, 279, member, [](std::size_t, const fp::fix_field&) {}));
    } catch (const fp::fix_error& e) {
      return std::string(e.what());
    }
  };
  CHECK(walk("268=2|279=0|269=0|270=1.5|279=1|269=1|270=1.6|58=after") == "2");
  CHECK(walk("58=no group") == "0");
  CHECK(walk("268=0|58=x") == "0");
  CHECK(walk("268=3|279=0|269=0|279=1|269=1").find("announces 3 entries, 2 were found") != std::string::npos);
  CHECK(walk("268=1|279=0|279=1").find("announces 1 entries, 2 were found") != std::string::npos);
  CHECK(walk("268=2|269=0|279=0").find("must be its delimiter tag 279") != std::string::npos);
  CHECK(walk("268=999999|279=0").find("cannot fit") != std::string::npos);
  CHECK(walk("268=x|279=0").find("not a group count") != std::string::npos);
}

}  // namespace unity_fix_reader
