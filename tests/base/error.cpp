// The exception hierarchy: messages carry where, what and the value; types catch as promised.
#include "footprint/error.hpp"

#include <doctest/doctest.h>

#include <limits>
#include <string>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_error {

namespace fp = footprint;

TEST_CASE("data_error names file, line, column and field") {
  const fp::data_error e("GOOG_message.csv", 42, 5, "price", "not a number (got 'abc')");
  CHECK(std::string(e.what()) == "GOOG_message.csv:42:5: field 'price': not a number (got 'abc')");
  CHECK(e.file() == "GOOG_message.csv");
  CHECK(e.line() == 42);
  CHECK(e.column() == 5);
  CHECK(e.field() == "price");
}

TEST_CASE("data_error omits unknown line, column and field") {
  const fp::data_error e("capture.gz", 0, 0, "", "truncated compressed stream");
  CHECK(std::string(e.what()) == "capture.gz: truncated compressed stream");
  const fp::data_error f("book.csv", 7, 0, "", "crossed book");
  CHECK(std::string(f.what()) == "book.csv:7: crossed book");
}

TEST_CASE("data_error escapes control bytes and cuts a huge detail") {
  // Issue 22: a hostile file must not send terminal escape sequences through an error message,
  // nor make a megabyte field the message.
  const fp::data_error e("f\x1b[2J.csv", 3, 1, "pri\rce", std::string("bad value '\x1b]0;owned\x07\x7f'"));
  CHECK(std::string(e.what()) == "f\\x1b[2J.csv:3:1: field 'pri\\x0dce': bad value '\\x1b]0;owned\\x07\\x7f'");
  CHECK(e.field() == "pri\rce");  // the accessors keep what was given
  const fp::data_error big("x.csv", 1, 0, "", std::string(5000, 'a'));
  const std::string what = big.what();
  CHECK(what.size() < 1100);
  CHECK(what.find("... (3976 more bytes)") != std::string::npos);
  CHECK(std::string(fp::data_error("x.csv", 1, 0, "", "caf\xc3\xa9").what()) == "x.csv:1: caf\xc3\xa9");  // UTF-8 kept
  // Bytes that are not well-formed UTF-8 (Latin-1, binary, a sequence cut short, a stray
  // continuation byte, a C1 control 0x9b that some terminals take as CSI) are escaped.
  CHECK(std::string(fp::data_error("x.csv", 1, 0, "",
                                   "caf\xe9 \x9b"
                                   "2J \xc3 \x80 \xf0\x9f\x98\x80")
                        .what()) == "x.csv:1: caf\\xe9 \\x9b2J \\xc3 \\x80 \xf0\x9f\x98\x80");
}

TEST_CASE("dimension_mismatch reports expected and got") {
  const fp::dimension_mismatch e("footprint::bayesian_linear::fit", "y.size() must equal X.rows()", 10, 9);
  CHECK(std::string(e.what()) == "footprint::bayesian_linear::fit: y.size() must equal X.rows() (expected 10, got 9)");
  CHECK(e.expected() == 10);
  CHECK(e.got() == 9);
  // It is an invalid_argument, both footprint's and the standard one.
  CHECK_THROWS_AS(throw e, fp::invalid_argument);
  CHECK_THROWS_AS(throw e, std::invalid_argument);
}

TEST_CASE("not_fitted names the function") {
  const fp::not_fitted e("footprint::random_forest::predict");
  CHECK(std::string(e.what()) == "footprint::random_forest::predict: the model is not fitted; call fit() first");
  CHECK_THROWS_AS(throw e, std::logic_error);
}

TEST_CASE("convergence_error carries the fit report") {
  fp::fit_report r{
      .status = fp::fit_status::diverged, .iterations = 17, .final_loss = fp::nan, .message = "loss became NaN"};
  const fp::convergence_error e("footprint::mlp::fit", r);
  CHECK(std::string(e.what()) == "footprint::mlp::fit: fit failed (diverged, 17 iterations): loss became NaN");
  CHECK(e.report().iterations == 17);
  CHECK(e.report().status == fp::fit_status::diverged);
  CHECK_FALSE(e.report().ok());
}

TEST_CASE("every footprint exception is caught as footprint::error") {
  auto caught = [](auto&& thrower) {
    try {
      thrower();
    } catch (const fp::error&) {
      return true;
    } catch (...) {
      return false;
    }
    return false;
  };
  CHECK(caught([] { throw fp::invalid_argument("f: x must be > 0 (got -1)"); }));
  CHECK(caught([] { throw fp::dimension_mismatch("f", "cols", 2, 3); }));
  CHECK(caught([] { throw fp::not_fitted("f"); }));
  CHECK(caught([] { throw fp::data_error("a.csv", 1, 1, "time", "bad"); }));
  CHECK(caught([] { throw fp::convergence_error("f", fp::fit_report{}); }));
  CHECK_FALSE(caught([] { throw std::invalid_argument("not ours"); }));
}

TEST_CASE("detail::concat prints doubles in their shortest exact form") {
  // The shortest text that reads back to the same double (not 17 significant digits:
  // 0.10000000000000001); whole numbers below 10^15 in full.
  CHECK(fp::detail::concat("x=", 0.1) == "x=0.1");
  CHECK(fp::detail::concat(0.1 + 0.2) == "0.30000000000000004");
  CHECK(std::stod(fp::detail::concat(0.1 + 0.2)) == 0.1 + 0.2);
  CHECK(fp::detail::concat(-1e6, " ", 1e300, " ", 2.5e-7, " ", -0.0) == "-1000000 1e+300 2.5e-07 -0");
  CHECK(fp::detail::concat(std::numeric_limits<double>::quiet_NaN(), " ", -std::numeric_limits<double>::infinity()) ==
        "nan -inf");
  CHECK(fp::detail::concat(0.1f) == "0.1");
  CHECK(fp::detail::concat("n=", 3, ", s=", std::string("a")) == "n=3, s=a");
}

}  // namespace unity_error
