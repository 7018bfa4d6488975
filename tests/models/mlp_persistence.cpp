// Save and load as versioned JSON: exact round trips; malformed files raise data_error.
#include "footprint/io/mlp_json.hpp"
#include "footprint/io/tree_model_json.hpp"
#include "footprint/models/neural/deep_ensemble.hpp"
#include "footprint/models/neural/mlp_regressor.hpp"
#include "footprint/models/trees/gradient_boosting.hpp"

#include "models/mlp_test_data.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <sstream>
#include <string>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_mlp_persistence {

namespace fp = footprint;

namespace {

const fp::mlp_regressor& small_model(fp::mlp_head head) {
  static const auto fit = [](fp::mlp_head h) {
    const auto d = fp::problems::smooth(200, 0.1, 11);
    fp::mlp_regressor m(
        {.hidden_layers = {6, 5}, .activation = fp::mlp_activation::gelu, .head = h, .max_epochs = 3, .seed = 2});
    (void)m.fit(d.X, d.y);
    return m;
  };
  static const fp::mlp_regressor mse = fit(fp::mlp_head::mse);
  static const fp::mlp_regressor gauss = fit(fp::mlp_head::gaussian);
  return head == fp::mlp_head::mse ? mse : gauss;
}

std::string saved(const fp::mlp_regressor& m) {
  std::ostringstream os;
  fp::save_json(m, os);
  return os.str();
}

/// Loading `text` throws data_error whose message contains `needle`.
void check_rejects(const std::string& text, const std::string& needle) {
  CAPTURE(needle);
  std::istringstream is(text);
  try {
    (void)fp::load_mlp_regressor(is, "model.json");
    FAIL("accepted a bad file");
  } catch (const fp::data_error& e) {
    const std::string what = e.what();
    CAPTURE(what);
    CHECK(e.file() == "model.json");
    CHECK(what.find(needle) != std::string::npos);
  }
}

}  // namespace

TEST_CASE("mlp_json: a saved model loads and predicts bit-identically") {
  const auto d = fp::problems::smooth(50, 0.1, 12);
  for (const auto head : {fp::mlp_head::mse, fp::mlp_head::gaussian}) {
    CAPTURE(fp::to_string(head));
    const fp::mlp_regressor& m = small_model(head);
    std::istringstream is(saved(m));
    const fp::mlp_regressor back = fp::load_mlp_regressor(is);
    CHECK(back.is_fitted());
    CHECK(back.n_features() == 3);
    CHECK(back.params().hidden_layers == m.params().hidden_layers);
    CHECK(back.params().activation == fp::mlp_activation::gelu);
    CHECK(back.params().seed == 2);
    CHECK(back.best_epoch() == m.best_epoch());
    fp::vector m1(d.X.rows()), s1(d.X.rows()), m2(d.X.rows()), s2(d.X.rows());
    m.predict_mean_sd(d.X, m1, s1);
    back.predict_mean_sd(d.X, m2, s2);
    CHECK((m1.array() == m2.array()).all());
    CHECK((s1.array() == s2.array()).all());
    // the saved text of the loaded model is the same text
    CHECK(saved(back) == saved(m));
  }
}

TEST_CASE("mlp_json: files round-trip through save_json(path) and load_mlp_regressor(path)") {
  const auto path = std::filesystem::temp_directory_path() / "footprint_test_mlp_model.json";
  fp::save_json(small_model(fp::mlp_head::mse), path);
  const fp::mlp_regressor back = fp::load_mlp_regressor(path);
  CHECK(back.residual_sd() == small_model(fp::mlp_head::mse).residual_sd());
  std::filesystem::remove(path);
  CHECK_THROWS_AS((void)fp::load_mlp_regressor(path), fp::data_error);
  CHECK_THROWS_AS(fp::save_json(fp::mlp_regressor(), std::filesystem::path("x.json")), fp::not_fitted);
}

// One persistence vocabulary for every model: the tree models' save_model / load_model<M> /
// model_to_json / model_from_json<M> also serve the MLP models, in the same translation unit.
TEST_CASE("mlp_json: save_model, load_model<M>, model_to_json and model_from_json<M>, as for the trees") {
  const auto path = std::filesystem::temp_directory_path() / "footprint_test_mlp_model_uniform.json";
  const fp::mlp_regressor m = small_model(fp::mlp_head::gaussian);
  fp::save_model(m, path);
  const auto back = fp::load_model<fp::mlp_regressor>(path);
  CHECK(fp::model_to_json(back) == fp::model_to_json(m));
  CHECK(fp::model_to_json(fp::model_from_json<fp::mlp_regressor>(fp::model_to_json(m, 1), "text")) ==
        fp::model_to_json(m));
  CHECK_THROWS_AS((void)fp::load_model<fp::deep_ensemble>(path), fp::data_error);  // a regressor file
  std::filesystem::remove(path);
  CHECK_THROWS_AS((void)fp::load_model<fp::mlp_regressor>(path), fp::data_error);
  // the tree models' overloads are visible here too and pick their own format
  fp::gradient_boosting gbm({.n_estimators = 3, .max_depth = 2});
  const auto d = fp::problems::smooth(100, 0.1, 3);
  (void)gbm.fit(d.X, d.y);
  fp::save_model(gbm, path);
  CHECK(fp::model_to_json(fp::load_model<fp::gradient_boosting>(path)) == fp::model_to_json(gbm));
  CHECK_THROWS_AS((void)fp::load_model<fp::mlp_regressor>(path), fp::data_error);
  std::filesystem::remove(path);
}

TEST_CASE("mlp_json: a deep ensemble round-trips") {
  const auto d = fp::problems::smooth(150, 0.1, 13);
  fp::deep_ensemble e({.n_estimators = 3,
                       .member = {.hidden_layers = {5}, .head = fp::mlp_head::gaussian, .max_epochs = 2},
                       .seed = 4});
  (void)e.fit(d.X, d.y);
  std::stringstream ss;
  fp::save_json(e, ss);
  const fp::deep_ensemble back = fp::load_deep_ensemble(ss);
  CHECK(back.members().size() == 3);
  CHECK(back.params().seed == 4);
  CHECK((back.predict(d.X).array() == e.predict(d.X).array()).all());
  const auto a = e.predict_distribution(d.X.topRows(3));
  const auto b = back.predict_distribution(d.X.topRows(3));
  CHECK(a == b);
  // an ensemble file is not a regressor file and vice versa
  std::istringstream wrong(ss.str());
  CHECK_THROWS_AS((void)fp::load_mlp_regressor(wrong), fp::data_error);
  std::istringstream wrong2(saved(small_model(fp::mlp_head::mse)));
  CHECK_THROWS_AS((void)fp::load_deep_ensemble(wrong2), fp::data_error);
}

// deep_ensemble_params::n_members was renamed n_estimators: files write n_estimators, and
// files of footprint 0.1 (params.n_members) still load.
TEST_CASE("mlp_json: a deep ensemble writes params.n_estimators and reads 0.1's params.n_members") {
  const auto d = fp::problems::smooth(120, 0.1, 14);
  fp::deep_ensemble e({.n_estimators = 2, .member = {.hidden_layers = {4}, .max_epochs = 2}, .seed = 6});
  (void)e.fit(d.X, d.y);
  const nlohmann::json saved_json = nlohmann::json::parse(fp::model_to_json(e));
  REQUIRE(saved_json["params"].contains("n_estimators"));
  CHECK(saved_json["params"]["n_estimators"] == 2);
  CHECK(!saved_json["params"].contains("n_members"));
  const auto load = [](const nlohmann::json& j) {
    return fp::model_from_json<fp::deep_ensemble>(j.dump(), "ensemble.json");
  };
  // a file of footprint 0.1: n_members instead of n_estimators
  nlohmann::json v01 = saved_json;
  v01["params"].erase("n_estimators");
  v01["params"]["n_members"] = 2;
  const fp::deep_ensemble old = load(v01);
  CHECK(old.params().n_estimators == 2);
  CHECK((old.predict(d.X).array() == e.predict(d.X).array()).all());
  CHECK(fp::model_to_json(old) == fp::model_to_json(e));  // saved again with n_estimators
  // both keys: they must agree
  nlohmann::json both = saved_json;
  both["params"]["n_members"] = 2;
  CHECK(load(both).params().n_estimators == 2);
  both["params"]["n_members"] = 3;
  CHECK_THROWS_WITH_AS(
      (void)load(both),
      "ensemble.json: field 'params.n_members': must equal params.n_estimators = 2 when both are given",
      fp::data_error);
  // neither: the current name is missing
  nlohmann::json neither = saved_json;
  neither["params"].erase("n_estimators");
  CHECK_THROWS_WITH_AS((void)load(neither), "ensemble.json: field 'params.n_estimators': is missing", fp::data_error);
  // an n_members that disagrees with the members saved
  v01["params"]["n_members"] = 3;
  try {
    (void)load(v01);
    FAIL("accepted 3 members' worth of params with 2 members");
  } catch (const fp::data_error& ex) {
    CHECK(ex.field() == "members");
    CHECK(std::string(ex.what()).find("must have params.n_estimators = 3 entries (got 2)") != std::string::npos);
  }
}

TEST_CASE("mlp_json: malformed, truncated or inconsistent files raise data_error naming the field") {
  const std::string good = saved(small_model(fp::mlp_head::mse));
  const nlohmann::json base = nlohmann::json::parse(good);
  const auto edited = [&](auto edit) {
    nlohmann::json j = base;
    edit(j);
    return j.dump();
  };
  check_rejects("", "not valid JSON");
  check_rejects(good.substr(0, good.size() / 2), "not valid JSON");
  check_rejects("[1, 2, 3]", "must be a JSON object");
  check_rejects(edited([](nlohmann::json& j) { j["format"] = "footprint.ridge"; }), "format");
  check_rejects(edited([](nlohmann::json& j) { j["version"] = 2; }), "unsupported version 2");
  check_rejects(edited([](nlohmann::json& j) { j["version"] = "1"; }), "version");
  check_rejects(edited([](nlohmann::json& j) { j.erase("layers"); }), "layers");
  check_rejects(edited([](nlohmann::json& j) { j["layers"][1]["bias"][2] = "x"; }), "layers[1].bias[2]");
  check_rejects(edited([](nlohmann::json& j) { j["layers"][1]["bias"][2] = nullptr; }), "layers[1].bias[2]");
  check_rejects(edited([](nlohmann::json& j) { j["layers"][0]["weights"].erase(0); }), "layers[0].weights");
  check_rejects(edited([](nlohmann::json& j) { j["layers"][0]["fan_in"] = 4; }), "layers[0]");
  check_rejects(edited([](nlohmann::json& j) { j["layers"].erase(2); }), "layers");
  check_rejects(edited([](nlohmann::json& j) { j["params"]["hidden_layers"] = {6}; }), "layers");
  check_rejects(edited([](nlohmann::json& j) { j["params"]["hidden_layers"][0] = -6; }), "params.hidden_layers[0]");
  check_rejects(edited([](nlohmann::json& j) { j["params"]["activation"] = "swish"; }), "params.activation");
  check_rejects(edited([](nlohmann::json& j) { j["params"]["learning_rate"] = -1; }), "learning_rate must be > 0");
  check_rejects(edited([](nlohmann::json& j) { j["params"]["seed"] = -1; }), "params.seed");
  check_rejects(edited([](nlohmann::json& j) { j["n_features"] = 1e300; }), "n_features");
  check_rejects(edited([](nlohmann::json& j) { j["n_features"] = 4000000000000LL; }), "n_features");
  check_rejects(edited([](nlohmann::json& j) { j["x_scale"][1] = 0.0; }), "x_scale[1]");
  check_rejects(edited([](nlohmann::json& j) { j["x_mean"] = {1.0}; }), "x_mean");
  check_rejects(edited([](nlohmann::json& j) { j["y_scale"] = -2.0; }), "y_scale");
  check_rejects(edited([](nlohmann::json& j) { j["residual_sd"] = nullptr; }), "residual_sd");
  check_rejects(edited([](nlohmann::json& j) { j["params"]["head"] = "gaussian"; }), "layers");
}

TEST_CASE("mlp_json: random corruptions of a saved model never crash") {
  const std::string good = saved(small_model(fp::mlp_head::gaussian));
  fp::detail::xoshiro256ss rng(99);
  int rejected = 0;
  for (int trial = 0; trial < 300; ++trial) {
    std::string text = good;
    const int edits = 1 + static_cast<int>(rng.below(3));
    for (int e = 0; e < edits; ++e) {
      const auto pos = static_cast<std::size_t>(rng.below(text.size()));
      switch (rng.below(3)) {
        case 0: text[pos] = "{}[],:\"0123456789-.eE x"[rng.below(23)]; break;
        case 1: text = text.substr(0, pos) + text.substr(std::min(text.size(), pos + 1 + rng.below(20))); break;
        default: text = text.substr(0, pos) + "[{\"1-e."[rng.below(7)] + text.substr(pos); break;
      }
    }
    std::istringstream is(text);
    try {
      const fp::mlp_regressor m = fp::load_mlp_regressor(is, "fuzz.json");
      CHECK(m.is_fitted());  // a corruption that still makes a valid model (e.g. a changed digit)
    } catch (const fp::data_error&) {
      ++rejected;
    }
  }
  CHECK(rejected > 100);
}

}  // namespace unity_mlp_persistence
