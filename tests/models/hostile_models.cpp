// The hostile-input catalogue of the model loaders (issue 22): the JSON formats of the linear
// models (ols, bayesian_linear), the MLP (mlp_regressor, deep_ensemble), the tree models
// (tree_ensemble with its regression trees, random_forest, gradient_boosting) and the XGBoost
// importer. Each row is a name, an input built here (a small fitted model's JSON, changed)
// and the exact outcome: a data_error whose message names the source and the field, or
// the model loaded. Files that are not JSON (/dev/zero, gzip, a sparse file of GiBs, only
// newlines) are refused at once or at the documented 1 GiB limit, never read whole. ridge
// has no JSON format (nothing to load). The readers' cases are in
// tests/feeds/hostile_catalogue.cpp.
#include "footprint/io/detail/json_reader.hpp"
#include "footprint/io/linear_model_json.hpp"
#include "footprint/io/mlp_json.hpp"
#include "footprint/io/tree_model_json.hpp"
#include "footprint/io/xgboost_model.hpp"
#include "footprint/models/linear/bayesian_linear.hpp"
#include "footprint/models/linear/ols.hpp"
#include "footprint/models/neural/deep_ensemble.hpp"
#include "footprint/models/neural/mlp_regressor.hpp"
#include "footprint/models/trees/gradient_boosting.hpp"
#include "footprint/models/trees/random_forest.hpp"
#include "footprint/models/trees/tree_ensemble.hpp"

#include "footprint/data/synthetic/regression_problems.hpp"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <zlib.h>

#include <cstddef>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

// Each test file is its own namespace: the module's files compile as one unity translation unit.
namespace unity_hostile_models {

namespace fp = footprint;
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

// ---- outcomes: the message of the data_error (or invalid_argument) thrown, or "loaded"

enum class got { data_error, invalid_argument, loaded };

const char* name_of(got g) {
  switch (g) {
    case got::data_error: return "data_error";
    case got::invalid_argument: return "invalid_argument";
    case got::loaded: return "loaded";
  }
  return "?";
}

struct outcome {
  got kind = got::loaded;
  std::string message;
};

// One row of a table: `needle` must occur in the message ("" for a model that loads).
struct hostile_case {
  std::string name;
  std::function<void()> load;  // loads the input and drops the model
  got expected;
  std::string needle;
};

outcome guarded(const std::function<void()>& load) {
  try {
    load();
    return {got::loaded, ""};
  } catch (const fp::data_error& e) {
    return {got::data_error, e.what()};
  } catch (const fp::invalid_argument& e) {
    return {got::invalid_argument, e.what()};
  }
}

void run_table(const std::vector<hostile_case>& table) {
  for (const hostile_case& c : table) {
    INFO("case: ", c.name);
    const outcome o = guarded(c.load);
    INFO("got ", std::string(name_of(o.kind)), ": ", o.message);
    CHECK(std::string(name_of(o.kind)) == name_of(c.expected));
    CHECK(o.message.find(c.needle) != std::string::npos);
  }
}

// ---- inputs

// The JSON text `text` changed by `edit`.
std::string edited(const std::string& text, const std::function<void(json&)>& edit) {
  json j = json::parse(text);
  edit(j);
  return j.dump();
}

std::string nested(std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

// The JSON text `text` with the value at `pointer` replaced by the raw text `raw` (spliced
// as text: nlohmann's dump recurses once per level, so a deep value is never dumped).
std::string spliced(const std::string& text, const std::string& pointer, const std::string& raw) {
  const std::string mark = "\"@@hostile@@\"";
  const std::string with_mark = edited(text, [&](json& j) { j[json::json_pointer(pointer)] = "@@hostile@@"; });
  const std::size_t at = with_mark.find(mark);
  REQUIRE(at != std::string::npos);
  return with_mark.substr(0, at) + raw + with_mark.substr(at + mark.size());
}

// Small fitted models of each kind, fitted once.
struct fitted_models {
  std::string ols, bayesian_linear, mlp, deep_ensemble, forest, boosting, ensemble;
};

const fitted_models& models() {
  static const fitted_models m = [] {
    const auto d = fp::problems::wavy(120, 7);
    fitted_models out;
    fp::ols o;
    (void)o.fit(d.X, d.y);
    out.ols = fp::model_to_json(o);
    fp::bayesian_linear b;
    (void)b.fit(d.X, d.y);
    out.bayesian_linear = fp::model_to_json(b);
    fp::mlp_regressor n({.hidden_layers = {3}, .max_epochs = 2, .seed = 1});
    (void)n.fit(d.X, d.y);
    out.mlp = fp::model_to_json(n);
    fp::deep_ensemble e({.n_estimators = 2, .member = {.hidden_layers = {3}, .max_epochs = 2}, .parallel = false});
    (void)e.fit(d.X, d.y);
    out.deep_ensemble = fp::model_to_json(e);
    fp::random_forest rf({.n_estimators = 3, .max_depth = 3, .quantile_forest = true, .seed = 1});
    (void)rf.fit(d.X, d.y);
    out.forest = fp::model_to_json(rf);
    out.ensemble = fp::model_to_json(rf.ensemble());
    fp::gradient_boosting gb({.n_estimators = 4, .max_depth = 2, .quantile_levels = {0.1, 0.9}});
    (void)gb.fit(d.X, d.y);
    out.boosting = fp::model_to_json(gb);
    return out;
  }();
  return m;
}

// A two-feature XGBoost model of one tree (root split on feature 0 at 0.5, two leaves), in
// the layout of Booster.save_model("m.json").
const std::string xgb_model = R"({"learner":{
  "learner_model_param":{"base_score":"5E-1","num_feature":"2","num_class":"0","num_target":"1"},
  "objective":{"name":"reg:squarederror"},
  "gradient_booster":{"name":"gbtree","model":{"trees":[
    {"left_children":[1,-1,-1],"right_children":[2,-1,-1],"split_indices":[0,0,0],
     "split_conditions":[0.5,-1.0,1.0],"default_left":[1,0,0]}]}}}})";

const std::string tree0 = "/learner/gradient_booster/model/trees/0";

template <class M>
std::function<void()> from_text(std::string text) {
  return [text = std::move(text)] { (void)fp::model_from_json<M>(text, "model.json"); };
}

template <class M>
std::function<void()> from_edit(const std::string& text, const std::function<void(json&)>& edit) {
  return from_text<M>(edited(text, edit));
}

std::function<void()> xgb_text(std::string text) {
  return [text = std::move(text)] { (void)fp::xgboost_model_from_json(text, "xgb.json"); };
}

std::function<void()> xgb_edit(const std::function<void(json&)>& edit) { return xgb_text(edited(xgb_model, edit)); }

// A scratch folder of the test case, removed with everything in it at the end.
class temp_dir {
 public:
  temp_dir()
      : path_(fs::temp_directory_path() / ("footprint_hostile_models_" + std::to_string(std::random_device{}()))) {
    fs::create_directories(path_);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  ~temp_dir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  [[nodiscard]] fs::path file(const std::string& name, std::string_view bytes) const {
    const fs::path p = path_ / name;
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    REQUIRE(out.good());
    return p;
  }

 private:
  fs::path path_;
};

std::string gzip_bytes(std::string_view s) {
  z_stream z{};
  REQUIRE(deflateInit2(&z, 9, Z_DEFLATED, 16 + MAX_WBITS, 9, Z_DEFAULT_STRATEGY) == Z_OK);
  std::string out(deflateBound(&z, static_cast<uLong>(s.size())), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(s.data()));
  z.avail_in = static_cast<uInt>(s.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  REQUIRE(deflate(&z, Z_FINISH) == Z_STREAM_END);
  out.resize(out.size() - z.avail_out);
  deflateEnd(&z);
  return out;
}

}  // namespace

TEST_CASE("hostile models: linear models (ols, bayesian_linear)") {
  const std::string& ols = models().ols;
  const std::string& bl = models().bayesian_linear;
  const std::vector<hostile_case> table{
      {"ols: the saved model loads", from_text<fp::ols>(ols), got::loaded, ""},
      {"ols: coef of the wrong shape", from_edit<fp::ols>(ols, [](json& j) { j["coef"].push_back(1.0); }),
       got::data_error, "model.json: field 'coef': footprint::ols::from_state: coef has 5 entries (expected 4)"},
      {"ols: factor of the wrong shape", from_edit<fp::ols>(ols, [](json& j) { j["factor"].erase(0); }),
       got::data_error, "model.json: field 'factor': has 15 entries (expected n_features x rank = 4 x 4)"},
      {"ols: a missing field", from_edit<fp::ols>(ols, [](json& j) { j.erase("intercept"); }), got::data_error,
       "model.json: field 'intercept': is missing"},
      {"ols: a NaN weight (null)", from_edit<fp::ols>(ols, [](json& j) { j["coef"][2] = nullptr; }), got::data_error,
       "model.json: field 'coef[2]': must be a finite number (got null)"},
      {"ols: NaN as a bare word", from_text<fp::ols>(R"({"format":"footprint.ols","version":1,"coef":[NaN]})"),
       got::data_error,
       "model.json: not valid JSON at byte 47: [json.exception.parse_error.101] parse error at line 1, column 47: "
       "syntax error while parsing value - invalid literal"},
      {"ols: 1e400", from_text<fp::ols>(R"({"format":"footprint.ols","version":1,"intercept":1e400})"), got::data_error,
       "model.json: not valid JSON: [json.exception.out_of_range.406] number overflow parsing '1e400'"},
      {"ols: a weight as a string", from_edit<fp::ols>(ols, [](json& j) { j["coef"][0] = "inf"; }), got::data_error,
       "model.json: field 'coef[0]': must be a finite number (got string)"},
      {"ols: rank above n_features", from_edit<fp::ols>(ols, [](json& j) { j["rank"] = 5; }), got::data_error,
       "model.json: field 'rank': must be an integer in [0, 4] (got 5)"},
      {"ols: n_features 2^40", from_edit<fp::ols>(ols, [](json& j) { j["n_features"] = std::int64_t{1} << 40; }),
       got::data_error, "model.json: field 'n_features': must be an integer in [1, 2147483647] (got 1099511627776)"},
      {"ols: a weight nested 100,000 deep", from_text<fp::ols>(spliced(ols, "/coef/0", nested(100000))),
       got::data_error, "model.json: field 'coef[0]': must be a finite number (got array)"},
      {"bayesian_linear: another format",
       from_edit<fp::bayesian_linear>(bl, [](json& j) { j["format"] = "footprint.ols"; }), got::data_error,
       "model.json: field 'format': must be 'footprint.bayesian_linear' (got 'footprint.ols')"},
      {"bayesian_linear: version 2", from_edit<fp::bayesian_linear>(bl, [](json& j) { j["version"] = 2; }),
       got::data_error, "model.json: field 'version': unsupported version 2 (this footprint reads version 1)"},
      {"bayesian_linear: factor of the wrong shape",
       from_edit<fp::bayesian_linear>(bl, [](json& j) { j["factor_columns"] = 5; }), got::data_error,
       "model.json: field 'factor': has 16 entries (expected n_features x factor_columns = 4 x 5)"},
      {"bayesian_linear: a negative noise scale",
       from_edit<fp::bayesian_linear>(bl, [](json& j) { j["noise_scale2"] = -1.0; }), got::data_error,
       "model.json: field 'noise_scale2'"},
      {"bayesian_linear: a NaN weight (null) in the factor",
       from_edit<fp::bayesian_linear>(bl, [](json& j) { j["factor"][7] = nullptr; }), got::data_error,
       "model.json: field 'factor[7]': must be a finite number (got null)"},
      {"bayesian_linear: truncated text", from_text<fp::bayesian_linear>(bl.substr(0, bl.size() / 2)), got::data_error,
       "model.json: not valid JSON at byte"},
      {"bayesian_linear: two documents concatenated", from_text<fp::bayesian_linear>(bl + bl), got::data_error,
       "model.json: not valid JSON at byte " + std::to_string(bl.size() + 1)},
  };
  run_table(table);
}

TEST_CASE("hostile models: MLP (mlp_regressor, deep_ensemble)") {
  const std::string& mlp = models().mlp;
  const std::string& de = models().deep_ensemble;
  const std::vector<hostile_case> table{
      {"mlp: the saved model loads", from_text<fp::mlp_regressor>(mlp), got::loaded, ""},
      {"mlp: weights of the wrong shape",
       from_edit<fp::mlp_regressor>(mlp, [](json& j) { j["layers"][0]["weights"].erase(0); }), got::data_error,
       "model.json: field 'layers[0].weights': must have 12 entries (got 11)"},
      {"mlp: a layer that does not chain",
       from_edit<fp::mlp_regressor>(mlp,
                                    [](json& j) {
                                      j["layers"][1]["fan_in"] = 2;
                                      j["layers"][1]["weights"].erase(0);
                                    }),
       got::data_error, "model.json: field 'layers[1]"},
      {"mlp: a NaN weight (null)",
       from_edit<fp::mlp_regressor>(mlp, [](json& j) { j["layers"][0]["weights"][5] = nullptr; }), got::data_error,
       "model.json: field 'layers[0].weights[5]': must be a finite number (got null)"},
      {"mlp: x_mean of the wrong shape", from_edit<fp::mlp_regressor>(mlp, [](json& j) { j["x_mean"].push_back(0.0); }),
       got::data_error, "model.json: field 'x_mean'"},
      {"mlp: a missing bias", from_edit<fp::mlp_regressor>(mlp, [](json& j) { j["layers"][0].erase("bias"); }),
       got::data_error, "model.json: field 'layers[0].bias': is missing"},
      {"mlp: declared 2^24 x 2^24 weights (nothing allocated from the declaration)",
       from_edit<fp::mlp_regressor>(mlp,
                                    [](json& j) {
                                      j["layers"][0]["fan_in"] = 1 << 24;
                                      j["layers"][0]["fan_out"] = 1 << 24;
                                    }),
       got::data_error, "model.json: field 'layers[0].weights': must have 281474976710656 entries (got 12)"},
      {"mlp: 1,001 hidden layers",
       from_edit<fp::mlp_regressor>(mlp, [](json& j) { j["params"]["hidden_layers"] = std::vector<int>(1001, 3); }),
       got::data_error, "model.json: field 'params.hidden_layers': must have at most 1000 layers (got 1001)"},
      {"mlp: 1,000 hidden layers of 2^24 units and no weights",
       from_edit<fp::mlp_regressor>(mlp,
                                    [](json& j) { j["params"]["hidden_layers"] = std::vector<int>(1000, 1 << 24); }),
       got::data_error, "model.json: field 'layers'"},
      {"mlp: a negative residual sd", from_edit<fp::mlp_regressor>(mlp, [](json& j) { j["residual_sd"] = -1.0; }),
       got::data_error, "model.json: field 'residual_sd'"},
      {"mlp: non-UTF-8 bytes in a string",
       from_text<fp::mlp_regressor>(R"({"format":"footprint.mlp_regressor)" + std::string("\xff\xfe") +
                                    R"(","version":1})"),
       got::data_error,
       "model.json: not valid JSON at byte 35: [json.exception.parse_error.101] parse error at line 1, column 35: "
       "syntax error while parsing value - invalid string: ill-formed UTF-8 byte"},
      {"mlp: a UTF-8 byte-order mark and CRLF line ends",
       from_text<fp::mlp_regressor>("\xEF\xBB\xBF" + json::parse(mlp).dump(1, '\t') + "\r\n"), got::loaded, ""},
      {"mlp: a stream of /dev/zero is refused at once",
       [] {
         std::ifstream in("/dev/zero", std::ios::binary);
         (void)fp::load_mlp_regressor(in, "zero");
       },
       got::data_error, "zero: not JSON: it starts with byte 0 at offset 0 (expected '{')"},
      {"deep_ensemble: the saved model loads", from_text<fp::deep_ensemble>(de), got::loaded, ""},
      {"deep_ensemble: n_estimators 2^20 with 2 members",
       from_edit<fp::deep_ensemble>(de, [](json& j) { j["params"]["n_estimators"] = 1 << 20; }), got::data_error,
       "model.json: field 'members': footprint::deep_ensemble::from_state: members must have params.n_estimators = "
       "1048576 entries (got 2)"},
      {"deep_ensemble: a member of another format",
       from_edit<fp::deep_ensemble>(de, [](json& j) { j["members"][1]["format"] = "footprint.deep_ensemble"; }),
       got::data_error, "model.json: field 'members[1].format': must be 'footprint.mlp_regressor'"},
      {"deep_ensemble: members nested 100,000 deep",
       from_text<fp::deep_ensemble>(spliced(de, "/members", nested(100000))), got::data_error,
       "model.json: field 'members[0]': must be a JSON object (got array)"},
  };
  run_table(table);
}

TEST_CASE("hostile models: tree models (tree_ensemble, regression trees, random_forest, gradient_boosting)") {
  const std::string& te = models().ensemble;
  const std::string& rf = models().forest;
  const std::string& gb = models().boosting;
  const std::string t0 = "/ensemble/trees/0";
  const std::vector<hostile_case> table{
      {"tree_ensemble: the saved model loads", from_text<fp::tree_ensemble>(te), got::loaded, ""},
      {"tree: a child index out of range",
       from_edit<fp::tree_ensemble>(te, [&](json& j) { j[json::json_pointer(t0 + "/left/0")] = 1000; }),
       got::data_error,
       "model.json: field 'ensemble.trees[0]': footprint::regression_tree: node 0 has invalid children (1000"},
      {"tree: a negative child index",
       from_edit<fp::tree_ensemble>(te, [&](json& j) { j[json::json_pointer(t0 + "/right/0")] = -7; }), got::data_error,
       "model.json: field 'ensemble.trees[0]': footprint::regression_tree: node 0 has invalid children"},
      {"tree: a cycle (a child pointing back to the root)",
       from_edit<fp::tree_ensemble>(te,
                                    [&](json& j) {
                                      const int left = j[json::json_pointer(t0 + "/left/0")].get<int>();
                                      j[json::json_pointer(t0 + "/left/" + std::to_string(left))] = 0;
                                      j[json::json_pointer(t0 + "/right/" + std::to_string(left))] = left;
                                      j[json::json_pointer(t0 + "/feature/" + std::to_string(left))] = 0;
                                    }),
       got::data_error,
       "footprint::regression_tree: node 1 has invalid children (0, 1); children must be distinct, after the "
       "parent"},
      {"tree: two parents of one node",
       from_edit<fp::tree_ensemble>(te,
                                    [&](json& j) {
                                      // node 0's left child (internal) takes node 0's right child as its own right child
                                      const int left = j[json::json_pointer(t0 + "/left/0")].get<int>();
                                      j[json::json_pointer(t0 + "/right/" + std::to_string(left))] =
                                          j[json::json_pointer(t0 + "/right/0")];
                                    }),
       got::data_error, "model.json: field 'ensemble.trees[0]': footprint::regression_tree: node "},
      {"tree: node arrays of different lengths",
       from_edit<fp::tree_ensemble>(te, [&](json& j) { j[json::json_pointer(t0 + "/value")].push_back(0.0); }),
       got::data_error, "model.json: field 'ensemble.trees[0]': node arrays must have the same length"},
      {"tree: a NaN leaf value (null)",
       from_edit<fp::tree_ensemble>(te, [&](json& j) { j[json::json_pointer(t0 + "/value/1")] = nullptr; }),
       got::data_error, "model.json: field 'ensemble.trees[0].value[1]': must be a finite number (got null)"},
      {"tree: a feature beyond n_features",
       from_edit<fp::tree_ensemble>(te, [&](json& j) { j[json::json_pointer(t0 + "/feature/0")] = 99; }),
       got::data_error, "model.json: field 'ensemble.trees"},
      {"tree: default_left 2",
       from_edit<fp::tree_ensemble>(te, [&](json& j) { j[json::json_pointer(t0 + "/default_left/0")] = 2; }),
       got::data_error, "model.json: field 'ensemble.trees[0].default_left[0]': must be an integer in [0, 1] (got 2)"},
      {"tree: a missing field",
       from_edit<fp::tree_ensemble>(te, [&](json& j) { j[json::json_pointer(t0)].erase("threshold"); }),
       got::data_error, "model.json: field 'ensemble.trees[0].threshold': is missing"},
      {"tree: an empty tree",
       from_edit<fp::tree_ensemble>(
           te,
           [&](json& j) {
             for (const char* k : {"feature", "threshold", "left", "right", "default_left", "value", "gain", "cover"})
               j[json::json_pointer(t0 + "/" + k)] = json::array();
           }),
       got::data_error, "model.json: field 'ensemble.trees[0]': footprint::regression_tree: the node array is empty"},
      {"tree_ensemble: the whole document nested 100,000 deep", from_text<fp::tree_ensemble>(nested(100000)),
       got::data_error, "model.json: must be a JSON object (got array)"},
      {"random_forest: the saved model loads", from_text<fp::random_forest>(rf), got::loaded, ""},
      {"random_forest: a leaf sample row out of range",
       from_edit<fp::random_forest>(rf, [](json& j) { j["leaves"][0]["row"][0] = 1 << 30; }), got::data_error,
       "model.json: field 'leaves[0].row[0]'"},
      {"random_forest: one leaf-sample entry per tree",
       from_edit<fp::random_forest>(rf, [](json& j) { j["leaves"].erase(0); }), got::data_error,
       "model.json: field 'leaves': footprint::random_forest::from_state: leaves must have one entry per tree"},
      {"random_forest: a NaN in y (null)", from_edit<fp::random_forest>(rf, [](json& j) { j["y"][3] = nullptr; }),
       got::data_error, "model.json: field 'y[3]': must be a finite number (got null)"},
      {"gradient_boosting: the saved model loads", from_text<fp::gradient_boosting>(gb), got::loaded, ""},
      {"gradient_boosting: quantile models and levels disagree",
       from_edit<fp::gradient_boosting>(gb, [](json& j) { j["quantile_models"].erase(0); }), got::data_error,
       "model.json: field 'quantile_models'"},
      {"gradient_boosting: a NaN base score (null)",
       from_edit<fp::gradient_boosting>(gb, [](json& j) { j["mean"]["base_score"] = nullptr; }), got::data_error,
       "model.json: field 'mean.base_score': must be a finite number (got null)"},
      {"gradient_boosting: an unknown loss",
       from_edit<fp::gradient_boosting>(gb, [](json& j) { j["params"]["loss"] = "\xce\xbb"; }), got::data_error,
       "model.json: field 'params.loss': unknown loss"},
      {"gradient_boosting: learning_rate out of range",
       from_edit<fp::gradient_boosting>(gb,
                                        [](json& j) {
                                          j["fitted"] = false;
                                          j["params"]["learning_rate"] = 1.5;
                                        }),
       got::data_error, "model.json: field 'params': footprint::gradient_boosting"},
  };
  run_table(table);
}

TEST_CASE("hostile models: XGBoost importer") {
  const std::vector<hostile_case> table{
      {"xgboost: the model loads", xgb_text(xgb_model), got::loaded, ""},
      {"xgboost: a child index out of range",
       xgb_edit([](json& j) { j[json::json_pointer(tree0 + "/left_children/0")] = 7; }), got::data_error,
       "xgb.json: field 'learner.gradient_booster.model.trees[0]': node 0 has an invalid child 7"},
      {"xgboost: a cycle (a child pointing back to the root)",
       xgb_edit([](json& j) { j[json::json_pointer(tree0 + "/right_children/0")] = 0; }), got::data_error,
       "xgb.json: field 'learner.gradient_booster.model.trees[0]': node 0 has an invalid child 0"},
      {"xgboost: a node with one child",
       xgb_edit([](json& j) { j[json::json_pointer(tree0 + "/right_children/1")] = 2; }), got::data_error,
       "xgb.json: field 'learner.gradient_booster.model.trees[0]': node 1 has only one child"},
      {"xgboost: a split on a feature >= num_feature",
       xgb_edit([](json& j) { j[json::json_pointer(tree0 + "/split_indices/0")] = 2; }), got::data_error,
       "xgb.json: field 'learner.gradient_booster.model.trees[0]': node 0 splits on feature 2, outside [0, num_feature "
       "= 2)"},
      {"xgboost: a negative split feature",
       xgb_edit([](json& j) { j[json::json_pointer(tree0 + "/split_indices/0")] = -1; }), got::data_error,
       "node 0 splits on feature -1, outside [0, num_feature = 2)"},
      {"xgboost: a NaN threshold (null)",
       xgb_edit([](json& j) { j[json::json_pointer(tree0 + "/split_conditions/0")] = nullptr; }), got::data_error,
       "xgb.json: field 'learner.gradient_booster.model.trees[0].split_conditions[0]': must be a finite number (got "
       "null)"},
      {"xgboost: a leaf beyond float range (1e300)",
       xgb_edit([](json& j) { j[json::json_pointer(tree0 + "/split_conditions/2")] = 1e300; }), got::data_error,
       "xgb.json: field 'learner.gradient_booster.model.trees[0]': leaf 2 has a non-finite value"},
      {"xgboost: node arrays of different lengths",
       xgb_edit([](json& j) { j[json::json_pointer(tree0 + "/default_left")].push_back(0); }), got::data_error,
       "node arrays must have the same length (left_children has 3, another 4)"},
      {"xgboost: an empty tree", xgb_edit([](json& j) {
         for (const char* k : {"left_children", "right_children", "split_indices", "split_conditions", "default_left"})
           j[json::json_pointer(tree0 + "/" + k)] = json::array();
       }),
       got::data_error, "field 'learner.gradient_booster.model.trees[0].left_children': must not be empty"},
      {"xgboost: base_score \"nan\"",
       xgb_edit([](json& j) { j["learner"]["learner_model_param"]["base_score"] = "nan"; }), got::data_error,
       "xgb.json: field 'learner.learner_model_param.base_score': must be a finite number (got 'nan')"},
      {"xgboost: base_score \"1e400\"",
       xgb_edit([](json& j) { j["learner"]["learner_model_param"]["base_score"] = "1e400"; }), got::data_error,
       "xgb.json: field 'learner.learner_model_param.base_score': must be a number (got '1e400')"},
      {"xgboost: num_feature 1e9",
       xgb_edit([](json& j) { j["learner"]["learner_model_param"]["num_feature"] = "1E9"; }), got::data_error,
       "xgb.json: field 'learner.learner_model_param.num_feature': must be in [1, 65535] (got 1000000000)"},
      {"xgboost: a negative num_feature",
       xgb_edit([](json& j) { j["learner"]["learner_model_param"]["num_feature"] = "-2"; }), got::data_error,
       "field 'learner.learner_model_param.num_feature': must be in [1, 65535] (got -2)"},
      {"xgboost: a multi-class model",
       xgb_edit([](json& j) { j["learner"]["learner_model_param"]["num_class"] = "3"; }), got::data_error,
       "field 'learner.learner_model_param.num_class': multi-class and multi-output models are not supported"},
      {"xgboost: categorical splits", xgb_edit([](json& j) {
         j[json::json_pointer(tree0 + "/split_type")] = {1, 0, 0};
       }),
       got::data_error,
       "field 'learner.gradient_booster.model.trees[0].split_type': categorical splits are not supported"},
      {"xgboost: a logistic objective",
       xgb_edit([](json& j) { j["learner"]["objective"]["name"] = "binary:logistic"; }), got::data_error,
       "field 'learner.objective.name': objective 'binary:logistic' has a non-identity link"},
      {"xgboost: a missing learner", xgb_text(R"({"version":[1,7,4]})"), got::data_error,
       "xgb.json: field 'learner': is missing"},
      {"xgboost: trees nested 100,000 deep",
       xgb_text(spliced(xgb_model, "/learner/gradient_booster/model/trees", nested(100000))), got::data_error,
       "field 'learner.gradient_booster.model.trees[0]': must be a JSON object (got array)"},
      {"xgboost: truncated text", xgb_text(xgb_model.substr(0, 100)), got::data_error,
       "xgb.json: not valid JSON at byte"},
  };
  run_table(table);
}

TEST_CASE("hostile models: files that are not models are refused at once or at the size limit") {
  const temp_dir dir;
  const std::string& ols = models().ols;
  const std::vector<hostile_case> table{
      {"load_model: /dev/zero", [] { (void)fp::load_model<fp::ols>("/dev/zero"); }, got::data_error,
       "/dev/zero: not JSON: it starts with byte 0 at offset 0 (expected '{')"},
      {"load_xgboost_model: /dev/zero", [] { (void)fp::load_xgboost_model("/dev/zero"); }, got::data_error,
       "/dev/zero: not JSON: it starts with byte 0"},
      {"load_model: a gzip-compressed model",
       [&] { (void)fp::load_model<fp::ols>(dir.file("m.json.gz", gzip_bytes(ols))); }, got::data_error,
       "m.json.gz: not JSON: it starts with byte 31 at offset 0"},
      {"load_model: a file of only newlines",
       [&] { (void)fp::load_model<fp::ols>(dir.file("nl.json", std::string(10000, '\n'))); }, got::data_error,
       "nl.json: not JSON: more than 4096 blank bytes at its start"},
      {"load_model: a few newlines", [&] { (void)fp::load_model<fp::bayesian_linear>(dir.file("few.json", "\n\n\n")); },
       got::data_error, "few.json: not valid JSON at byte 4"},
      {"load_model: an empty file", [&] { (void)fp::load_model<fp::gradient_boosting>(dir.file("empty.json", "")); },
       got::data_error, "empty.json: not valid JSON at byte 1"},
      {"load_model: a sparse file of 2 GiB is refused from its size",
       [&] {
         const fs::path p = dir.file("sparse.json", "{");
         fs::resize_file(p, std::uintmax_t{2} << 30);
         (void)fp::load_model<fp::random_forest>(p);
       },
       got::data_error, "sparse.json: is 2147483648 bytes, longer than 1073741824 bytes: not a model file"},
      {"read_text_file: JSON longer than the limit (lowered to 64 KiB) on a pipe-like stream",
       [] {
         std::istringstream in("[" + std::string(100'000, ' ') + "]");
         (void)fp::detail::read_json_text(in, "<stream>", 65536);
       },
       got::data_error, "<stream>: longer than 65536 bytes: not a model file"},
      {"load_model: a UTF-8 byte-order mark and CRLF line ends",
       [&] { (void)fp::load_model<fp::ols>(dir.file("bom.json", "\xEF\xBB\xBF" + json::parse(ols).dump(1) + "\r\n")); },
       got::loaded, ""},
      {"load_model: a directory", [&] { (void)fp::load_model<fp::ols>(dir.file("x.json", "{}").parent_path()); },
       got::data_error, "read failed"},
  };
  run_table(table);
}

}  // namespace unity_hostile_models
