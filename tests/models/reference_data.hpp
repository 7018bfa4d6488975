// Readers for the committed test data of tests/models/data (written by make_reference.py):
// CSV tables with a header row, and expected.csv with one named vector per line.
// Shared by footprint_tests_models and footprint_tests_validation.
#pragma once

#include "footprint/types.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace ref {

/// Path of a file in tests/models/data.
inline std::string data_path(const std::string& file) {
  return std::string(FOOTPRINT_TEST_SOURCE_DIR) + "/tests/models/data/" + file;
}

inline std::vector<double> parse_doubles(std::string_view line, std::size_t skip_fields, const std::string& where) {
  std::vector<double> out;
  std::size_t field = 0;
  while (true) {
    const std::size_t comma = line.find(',');
    const std::string_view f = line.substr(0, comma);
    if (field >= skip_fields) {
      double v = 0.0;
      const auto [ptr, ec] = std::from_chars(f.data(), f.data() + f.size(), v);
      if (ec != std::errc{} || ptr != f.data() + f.size())
        throw std::runtime_error(where + ": bad number '" + std::string(f) + "'");
      out.push_back(v);
    }
    ++field;
    if (comma == std::string_view::npos) break;
    line.remove_prefix(comma + 1);
  }
  return out;
}

/// A CSV table: column names and the numbers, rows are observations.
struct table {
  std::vector<std::string> names;
  footprint::matrix data;

  [[nodiscard]] footprint::index col(const std::string& name) const {
    const auto it = std::find(names.begin(), names.end(), name);
    if (it == names.end()) throw std::runtime_error("no column " + name);
    return static_cast<footprint::index>(it - names.begin());
  }
  /// Column `name` as a vector.
  [[nodiscard]] footprint::vector column(const std::string& name) const { return data.col(col(name)); }
  /// Columns x0 .. x{n-1} as a matrix.
  [[nodiscard]] footprint::matrix features() const {
    const auto feature = [](footprint::index j) {
      std::string name = "x";  // (not "x" + to_string(j): GCC 12's -Wrestrict false positive)
      name += std::to_string(j);
      return name;
    };
    footprint::index n = 0;
    while (std::find(names.begin(), names.end(), feature(n)) != names.end()) ++n;
    footprint::matrix X(data.rows(), n);
    for (footprint::index j = 0; j < n; ++j) X.col(j) = column(feature(j));
    return X;
  }
};

inline table read_table(const std::string& file) {
  std::ifstream in(data_path(file));
  if (!in) throw std::runtime_error("cannot open " + data_path(file));
  table t;
  std::string line;
  std::getline(in, line);
  std::stringstream header(line);
  for (std::string name; std::getline(header, name, ',');) t.names.push_back(name);
  std::vector<std::vector<double>> rows;
  while (std::getline(in, line)) {
    if (!line.empty()) rows.push_back(parse_doubles(line, 0, file));
  }
  t.data.resize(static_cast<footprint::index>(rows.size()), static_cast<footprint::index>(t.names.size()));
  for (std::size_t i = 0; i < rows.size(); ++i) {
    for (std::size_t j = 0; j < rows[i].size(); ++j) {
      t.data(static_cast<footprint::index>(i), static_cast<footprint::index>(j)) = rows[i][j];
    }
  }
  return t;
}

/// expected.csv: name -> values.
class expected {
 public:
  expected() {
    std::ifstream in(data_path("expected.csv"));
    if (!in) throw std::runtime_error("cannot open " + data_path("expected.csv"));
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#') continue;
      const std::size_t comma = line.find(',');
      values_[line.substr(0, comma)] = parse_doubles(line, 1, "expected.csv");
    }
  }
  [[nodiscard]] footprint::vector vec(const std::string& name) const {
    const std::vector<double>& v = get(name);
    return Eigen::Map<const footprint::vector>(v.data(), static_cast<footprint::index>(v.size()));
  }
  [[nodiscard]] double scalar(const std::string& name) const { return get(name).at(0); }
  [[nodiscard]] footprint::matrix square(const std::string& name) const {
    const std::vector<double>& v = get(name);
    const auto n = static_cast<footprint::index>(std::lround(std::sqrt(static_cast<double>(v.size()))));
    // numpy writes row-major; the matrices here are symmetric anyway
    return Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(v.data(), n, n);
  }
  [[nodiscard]] bool has(const std::string& name) const { return values_.count(name) != 0; }

 private:
  [[nodiscard]] const std::vector<double>& get(const std::string& name) const {
    const auto it = values_.find(name);
    if (it == values_.end()) throw std::runtime_error("expected.csv has no " + name);
    return it->second;
  }
  std::map<std::string, std::vector<double>> values_;
};

/// The shared reference values (read once).
inline const expected& ex() {
  static const expected e;
  return e;
}

/// Largest relative error of `got` against `want`, elementwise, with the denominator floored
/// at floor_frac * max|want| (so entries near zero are judged against the vector's scale).
inline double rel_err(const Eigen::Ref<const Eigen::MatrixXd>& got, const Eigen::Ref<const Eigen::MatrixXd>& want,
                      double floor_frac = 1e-3) {
  REQUIRE(got.rows() == want.rows());
  REQUIRE(got.cols() == want.cols());
  const double scale = want.cwiseAbs().maxCoeff();
  double worst = 0.0;
  for (Eigen::Index j = 0; j < want.cols(); ++j) {
    for (Eigen::Index i = 0; i < want.rows(); ++i) {
      const double den = std::max(std::abs(want(i, j)), floor_frac * scale);
      worst = std::max(worst, den > 0.0 ? std::abs(got(i, j) - want(i, j)) / den : std::abs(got(i, j)));
    }
  }
  return worst;
}

/// Relative error of a scalar.
inline double rel_err(double got, double want) {
  return want == 0.0 ? std::abs(got) : std::abs(got - want) / std::abs(want);
}

}  // namespace ref
