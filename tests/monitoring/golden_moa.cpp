// Golden test against MOA: the stream of CapyMOA's drift-detector docstrings
// (data/capymoa_stream.csv, written by make_capymoa_stream.py with numpy's legacy generator:
// seed 0, 2,000 draws of randint(2), then positions 999 .. 1999 redrawn from randint(4, 8)).
// CapyMOA documents, for MOA's detectors on it (capymoa.drift.detectors.ADWIN and
// .PageHinkley, "Change detected ... at index"):
// - ADWIN(delta=0.001): changes at indices 1023 and 1055;
// - PageHinkley() (min 30 instances, delta 0.005, lambda 50, alpha 0.9999): 1014 and 1685.
// footprint's ports must signal on exactly those positions.
#include "footprint/monitoring/adwin.hpp"
#include "footprint/monitoring/page_hinkley.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <string>
#include <vector>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_golden_moa {

namespace fp = footprint;

std::vector<double> capymoa_stream() {
  const std::string path = std::string(FOOTPRINT_TEST_SOURCE_DIR) + "/tests/monitoring/data/capymoa_stream.csv";
  std::ifstream in(path);
  REQUIRE_MESSAGE(in.good(), "cannot open " << path);
  std::string line;
  std::getline(in, line);  // header
  std::vector<double> x;
  while (std::getline(in, line)) x.push_back(std::stod(line));
  return x;
}

template <class D>
std::vector<fp::index> signals(D& d, const std::vector<double>& x) {
  std::vector<fp::index> out;
  for (std::size_t t = 0; t < x.size(); ++t)
    if (d.update(x[t])) out.push_back(static_cast<fp::index>(t));
  return out;
}

TEST_CASE("golden MOA: the CapyMOA stream is the documented one") {
  const std::vector<double> x = capymoa_stream();
  REQUIRE(x.size() == 2000);
  int low = 0, high = 0;
  for (std::size_t t = 0; t < 999; ++t) low += (x[t] == 0.0 || x[t] == 1.0) ? 1 : 0;
  for (std::size_t t = 999; t < 2000; ++t) high += (x[t] >= 4.0 && x[t] <= 7.0) ? 1 : 0;
  CHECK(low == 999);
  CHECK(high == 1001);
  // The values CapyMOA prints with its detections.
  CHECK(x[1023] == 4.0);
  CHECK(x[1055] == 5.0);
  CHECK(x[1014] == 7.0);
  CHECK(x[1685] == 7.0);
}

TEST_CASE("golden MOA: ADWIN with delta 0.001 detects at 1023 and 1055") {
  const std::vector<double> x = capymoa_stream();
  fp::adwin d({.delta = 0.001});
  CHECK(signals(d, x) == std::vector<fp::index>{1023, 1055});
  CHECK(d.n_detections() == 2);
  CHECK(d.last_detection() == 1055);
  // After the cuts the window holds the values since shortly before the change (the 64 kept at
  // the second cut began at 992), and its mean is exactly theirs (the histogram keeps exact sums).
  CHECK(d.width() == 2000 - 992);
  double tail = 0.0;
  for (std::size_t t = 2000 - static_cast<std::size_t>(d.width()); t < 2000; ++t) tail += x[t];
  CHECK(d.mean() == doctest::Approx(tail / double(d.width())).epsilon(1e-12));
}

TEST_CASE("golden MOA: Page-Hinkley with MOA's defaults detects at 1014 and 1685") {
  const std::vector<double> x = capymoa_stream();
  fp::page_hinkley d;
  CHECK(signals(d, x) == std::vector<fp::index>{1014, 1685});
  // Page's form (S_t - min S, MOA's current source, not what CapyMOA runs) signals earlier:
  // positions from a transcription of that source, not from MOA itself.
  fp::page_hinkley page({.subtract_minimum = true});
  CHECK(signals(page, x) == std::vector<fp::index>{1009, 1505});
}

}  // namespace unity_golden_moa
