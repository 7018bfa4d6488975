// Loading an XGBoost JSON model into footprint's inference engine reproduces XGBoost's
// predictions (data from tests/models/make_xgboost_reference.py, XGBoost 1.7.4).
#include "footprint/io/xgboost_model.hpp"

#include <doctest/doctest.h>

#include <clocale>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_xgboost_import {

namespace fp = footprint;

namespace {
const std::string data_dir = std::string(FOOTPRINT_TEST_SOURCE_DIR) + "/tests/models/data/";

struct rows {
  fp::matrix X;
  fp::vector prediction;
};

rows read_rows() {
  std::ifstream in(data_dir + "xgboost_rows.csv");
  REQUIRE(in);
  std::string line;
  std::getline(in, line);
  std::vector<std::vector<double>> r;
  while (std::getline(in, line)) {
    std::vector<double> v;
    std::stringstream ss(line);
    for (std::string cell; std::getline(ss, cell, ',');) v.push_back(std::strtod(cell.c_str(), nullptr));
    r.push_back(v);
  }
  rows out{fp::matrix(static_cast<fp::index>(r.size()), 4), fp::vector(static_cast<fp::index>(r.size()))};
  for (std::size_t i = 0; i < r.size(); ++i) {
    REQUIRE(r[i].size() == 5);
    for (std::size_t j = 0; j < 4; ++j) out.X(static_cast<fp::index>(i), static_cast<fp::index>(j)) = r[i][j];
    out.prediction[static_cast<fp::index>(i)] = r[i][4];
  }
  return out;
}
}  // namespace

TEST_CASE("xgboost import: predictions equal XGBoost's on rows at and around the thresholds") {
  const fp::tree_ensemble e = fp::load_xgboost_model(data_dir + "xgboost_model.json");
  CHECK(e.n_trees() == 30);
  CHECK(e.n_features() == 4);
  CHECK(e.base_score() == 0.25);
  const rows r = read_rows();
  REQUIRE(r.X.rows() > 300);
  const fp::vector p = e.predict(r.X);
  int exact = 0;
  double worst = 0.0;
  for (fp::index i = 0; i < r.X.rows(); ++i) {
    worst = std::max(worst, std::abs(p[i] - r.prediction[i]));
    exact += p[i] == r.prediction[i] ? 1 : 0;
    const std::vector<double> row{r.X(i, 0), r.X(i, 1), r.X(i, 2), r.X(i, 3)};
    CHECK(e.predict_row(row) == p[i]);
  }
  MESSAGE("largest difference from XGBoost " << worst << "; bit-identical rows " << exact << " of " << r.X.rows());
  CHECK(worst <= 1e-6);
  CHECK(exact == r.X.rows());
}

TEST_CASE("xgboost import: unsupported or corrupt models raise data_error") {
  std::ifstream in(data_dir + "xgboost_model.json");
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string good = ss.str();
  CHECK_NOTHROW((void)fp::xgboost_model_from_json(good));
  CHECK_THROWS_AS((void)fp::xgboost_model_from_json(good.substr(0, good.size() / 2)), fp::data_error);
  std::string logistic = good;
  const auto pos = logistic.find("reg:squarederror");
  REQUIRE(pos != std::string::npos);
  logistic.replace(pos, 16, "binary:logistic");
  CHECK_THROWS_AS((void)fp::xgboost_model_from_json(logistic), fp::data_error);
  std::string bad_feature = good;
  const auto sp = bad_feature.find("\"split_indices\":[");
  REQUIRE(sp != std::string::npos);
  bad_feature.insert(sp + 17, "99");  // first split index becomes 99x
  CHECK_THROWS_AS((void)fp::xgboost_model_from_json(bad_feature), fp::data_error);
  CHECK_THROWS_AS((void)fp::load_xgboost_model(data_dir + "no_such_file.json"), fp::data_error);
  CHECK_THROWS_AS((void)fp::xgboost_model_from_json("{\"learner\": 3}"), fp::data_error);
}

TEST_CASE("xgboost import: base_score as XGBoost 3.1 writes it, and under a decimal-comma locale") {
  std::ifstream in(data_dir + "xgboost_model.json");
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string good = ss.str();
  const fp::tree_ensemble reference = fp::xgboost_model_from_json(good);
  const std::string field = "\"base_score\":\"2.5E-1\"";
  const auto pos = good.find(field);
  REQUIRE(pos != std::string::npos);
  // XGBoost 3.1: a one-element vector.
  std::string v31 = good;
  v31.replace(pos, field.size(), "\"base_score\":\"[2.5E-1]\"");
  CHECK(fp::xgboost_model_from_json(v31) == reference);
  std::string multi = good;
  multi.replace(pos, field.size(), "\"base_score\":\"[2.5E-1,1E0]\"");
  CHECK_THROWS_WITH_AS((void)fp::xgboost_model_from_json(multi), doctest::Contains("multi-target"), fp::data_error);
  // A decimal-comma locale (std::stod read "2.5E-1" as 2 under de_DE).
  const char* previous = std::setlocale(LC_NUMERIC, nullptr);
  const std::string saved = previous != nullptr ? previous : "C";
  if (std::setlocale(LC_NUMERIC, "de_DE.UTF-8") != nullptr || std::setlocale(LC_NUMERIC, "de_DE") != nullptr) {
    CHECK(fp::xgboost_model_from_json(good) == reference);
    std::setlocale(LC_NUMERIC, saved.c_str());
  } else {
    MESSAGE("skipped the de_DE part: the locale is not installed");
  }
}

}  // namespace unity_xgboost_import
