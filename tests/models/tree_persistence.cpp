// Saving and loading tree models as versioned JSON: bit-exact round trips, and data_error
// (never a crash) on corrupt or mismatched files.
#include "footprint/io/tree_model_json.hpp"
#include "footprint/models/trees/gradient_boosting.hpp"
#include "footprint/models/trees/random_forest.hpp"

#include "footprint/data/synthetic/regression_problems.hpp"
#include "footprint/detail/parallel.hpp"

#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <random>
#include <string>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_tree_persistence {

namespace fp = footprint;

TEST_CASE("persistence: random_forest round-trips bit-exactly through a file") {
  const auto train = fp::problems::wavy(400, 31, 0.1);
  fp::random_forest rf({.n_estimators = 8, .min_samples_leaf = 2, .oob_score = true, .seed = 5});
  (void)rf.fit(train.X, train.y);
  const auto path = std::filesystem::temp_directory_path() / "footprint_test_rf.json";
  fp::save_model(rf, path);
  const auto back = fp::load_model<fp::random_forest>(path);
  std::filesystem::remove(path);
  CHECK(back.is_fitted());
  CHECK(back.predict(train.X) == rf.predict(train.X));  // bitwise
  const bool same_json = fp::model_to_json(back) == fp::model_to_json(rf);
  CHECK(same_json);
  CHECK(back.ensemble() == rf.ensemble());
  const auto a = rf.predict_distribution(train.X.topRows(5));
  const auto b = back.predict_distribution(train.X.topRows(5));
  for (std::size_t i = 0; i < a.size(); ++i) {
    CHECK(a[i].values() == b[i].values());
    CHECK(a[i].cumulative() == b[i].cumulative());
  }
  CHECK(back.oob_error() == rf.oob_error());
}

TEST_CASE("persistence: gradient_boosting round-trips bit-exactly") {
  const auto train = fp::problems::wavy(500, 32, 0.1);
  fp::gradient_boosting gb({.n_estimators = 20,
                            .monotone_constraints = {1, 0, 0, 0},
                            .quantile_levels = {0.1, 0.9},
                            .validation_fraction = 0.2});
  (void)gb.fit(train.X, train.y);
  const std::string text = fp::model_to_json(gb, 1);
  const auto back = fp::model_from_json<fp::gradient_boosting>(text, "memory");
  CHECK(back.predict(train.X) == gb.predict(train.X));
  CHECK(back.predict_quantiles(train.X) == gb.predict_quantiles(train.X));
  const bool same_text = fp::model_to_json(back, 1) == text;
  CHECK(same_text);
  CHECK(back.params().monotone_constraints == gb.params().monotone_constraints);
  // an unfitted model round-trips too
  const auto unfitted =
      fp::model_from_json<fp::gradient_boosting>(fp::model_to_json(fp::gradient_boosting({.n_estimators = 7})));
  CHECK(!unfitted.is_fitted());
  CHECK(unfitted.params().n_estimators == 7);
  // and the bare engine
  const auto e = fp::model_from_json<fp::tree_ensemble>(fp::model_to_json(gb.ensemble()));
  CHECK(e == gb.ensemble());
}

TEST_CASE("persistence: a model file does not choose the caller's threads") {
  // Issue 22: n_threads = 100000 in a file crashed OpenMP, INT_MAX made it exit the process,
  // 5000 made predict 240x slower. The loaded model uses the caller's threads (0), and any
  // request is capped at what OpenMP offers.
  const auto train = fp::problems::wavy(300, 33, 0.1);
  fp::random_forest rf({.n_estimators = 6, .seed = 5, .n_threads = 2});
  fp::gradient_boosting gb({.n_estimators = 6, .n_threads = 2});
  (void)rf.fit(train.X, train.y);
  (void)gb.fit(train.X, train.y);
  for (const std::string hostile : {"100000", "2147483647", "5000"}) {
    INFO(hostile);
    std::string rf_text = fp::model_to_json(rf);
    std::string gb_text = fp::model_to_json(gb);
    for (std::string* t : {&rf_text, &gb_text}) {
      const std::size_t at = t->find("\"n_threads\":2");
      REQUIRE(at != std::string::npos);
      t->replace(at, 13, "\"n_threads\":" + hostile);
    }
    const auto rf_back = fp::model_from_json<fp::random_forest>(rf_text, "hostile");
    const auto gb_back = fp::model_from_json<fp::gradient_boosting>(gb_text, "hostile");
    CHECK(rf_back.params().n_threads == 0);
    CHECK(gb_back.params().n_threads == 0);
    CHECK(rf_back.predict(train.X) == rf.predict(train.X));
    CHECK(gb_back.predict(train.X) == gb.predict(train.X));
  }
  CHECK(fp::detail::threads_to_use(100000) <= fp::detail::threads_to_use(0));
  CHECK(fp::detail::threads_to_use(1) == 1);
  CHECK(fp::detail::threads_to_use(-5) == fp::detail::threads_to_use(0));
}

TEST_CASE("persistence: a file that is not JSON is refused at once, in bounded memory") {
  // Issue 22: /dev/zero was read up to 2 GiB and ended in std::bad_alloc.
  if (std::filesystem::exists("/dev/zero")) {
    CHECK_THROWS_WITH_AS((void)fp::load_model<fp::random_forest>("/dev/zero"),
                         "/dev/zero: not JSON: it starts with byte 0 at offset 0 (expected '{')", fp::data_error);
  }
  const auto path = std::filesystem::temp_directory_path() / "footprint_test_not_json.json";
  {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    REQUIRE(f != nullptr);
    std::fputs("  \n\x89PNG", f);
    std::fclose(f);
  }
  CHECK_THROWS_WITH_AS((void)fp::load_model<fp::gradient_boosting>(path),
                       doctest::Contains("not JSON: it starts with byte 137 at offset 3"), fp::data_error);
  // Past the size limit: refused when the limit is reached.
  {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    REQUIRE(f != nullptr);
    std::fputs("{\"a\": \"", f);
    const std::string chunk(4096, 'x');
    for (int i = 0; i < 64; ++i) std::fputs(chunk.c_str(), f);
    std::fclose(f);
  }
  CHECK_THROWS_WITH_AS((void)fp::detail::read_text_file(path, 100'000), doctest::Contains("longer than 100000 bytes"),
                       fp::data_error);
  std::filesystem::remove(path);
}

TEST_CASE("persistence: corrupt or mismatched files raise data_error") {
  const auto train = fp::problems::wavy(200, 33);
  fp::gradient_boosting gb({.n_estimators = 3, .max_depth = 2});
  (void)gb.fit(train.X, train.y);
  const std::string good = fp::model_to_json(gb);
  CHECK_THROWS_AS((void)fp::model_from_json<fp::random_forest>(good), fp::data_error);  // another model type
  CHECK_THROWS_AS((void)fp::model_from_json<fp::gradient_boosting>(good.substr(0, good.size() - 10)), fp::data_error);
  CHECK_THROWS_AS((void)fp::model_from_json<fp::gradient_boosting>(""), fp::data_error);
  std::string v2 = good;
  v2.replace(v2.find("\"version\":1"), 11, "\"version\":2");
  CHECK_THROWS_WITH_AS((void)fp::model_from_json<fp::gradient_boosting>(v2, "m.json"),
                       "m.json: field 'version': unsupported version 2 (this footprint reads version 1)",
                       fp::data_error);
  std::string bad_child = good;
  bad_child.replace(bad_child.find("\"left\":[1"), 9, "\"left\":[0");
  CHECK_THROWS_AS((void)fp::model_from_json<fp::gradient_boosting>(bad_child), fp::data_error);
  std::string bad_param = good;
  bad_param.replace(bad_param.find("\"learning_rate\":0.1"), 19, "\"learning_rate\":7.0");
  CHECK_THROWS_AS((void)fp::model_from_json<fp::gradient_boosting>(bad_param), fp::data_error);
  CHECK_THROWS_AS((void)fp::load_model<fp::gradient_boosting>("/nonexistent/dir/model.json"), fp::data_error);

  // random single-byte corruptions: either a valid model or data_error, never a crash
  std::mt19937_64 gen(1);
  const std::string alphabet = "0123456789-.,:[]{}\"eE ntrufalsx";
  int loaded = 0;
  int rejected = 0;
  for (int k = 0; k < 300; ++k) {
    std::string s = good;
    const std::size_t at = gen() % s.size();
    s[at] = alphabet[gen() % alphabet.size()];
    try {
      const auto m = fp::model_from_json<fp::gradient_boosting>(s);
      if (m.is_fitted()) (void)m.predict(train.X.topRows(5));
      ++loaded;
    } catch (const fp::data_error&) {
      ++rejected;
    }
  }
  CHECK(loaded + rejected == 300);
  CHECK(rejected > 0);
}

}  // namespace unity_tree_persistence
