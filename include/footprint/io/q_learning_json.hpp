/// @file io/q_learning_json.hpp
/// @brief Save and load the trained execution agents, `tabular_q_learning` and `double_dqn`,
/// as versioned JSON (nlohmann-json), with the same calls as the models: `model_to_json`,
/// `model_from_json<M>`, `save_model`, `load_model<M>`.
///
/// Format of `tabular_q_learning` (version 1): the fields of `tabular_q_learning_state` under
/// the same names,
/// @code
/// {"format": "footprint.tabular_q_learning", "version": 1,
///  "params": {"inventory_buckets": 50, "spread_buckets": 1, "imbalance_buckets": 1,
///             "size_fractions": [0, 0.05, ...], "order_kinds": [{"type": "market",
///             "price_offset_ticks": 0}], "risk_aversion": 2e-06, "variance_rate": 0.9025,
///             "episodes": 300000, "epsilon_start": 1, "epsilon_end": 0.05,
///             "learning_rate_exponent": 0.8, "stability_check": 1000,
///             "stability_episodes": 64, "stability_tolerance": 0.005, "seed": 1},
///  "n_steps": 5, "q": [n_steps x inventory x spread x imbalance x actions numbers, row-major],
///  "visits": [as many integers]}
/// @endcode
/// Format of `double_dqn` (version 1): the fields of `double_dqn_state`,
/// @code
/// {"format": "footprint.double_dqn", "version": 1,
///  "params": {"hidden_layers": [32, 32], "activation": "tanh", "size_fractions": [...],
///             "order_kinds": [...], "risk_aversion": 2e-06, "variance_rate": 0.9025,
///             "episodes": 20000, "warmup_episodes": 1000, "epsilon_start": 1,
///             "epsilon_end": 0.02, "replay_capacity": 100000, "batch_size": 32,
///             "train_every": 4, "target_update": 500, "learning_rate": 0.001,
///             "learning_rate_end": 1e-05, "stability_check": 1000, "stability_episodes": 64,
///             "stability_tolerance": 0.005, "seed": 1},
///  "n_steps": 5, "cost_unit": 2365395.1, "theta": [the online network's parameters]}
/// @endcode
/// Doubles are written with the shortest representation that reads back exactly, so a loaded
/// agent acts identically. Every number is finite (no null).
///
/// Loading checks every field's presence, type and finiteness here, and
/// `from_state` checks ranges and sizes; anything malformed throws
/// `footprint::data_error` naming the source and the field; it never returns a half-read agent.
#pragma once

#include "footprint/error.hpp"
#include "footprint/execution/double_dqn.hpp"
#include "footprint/execution/tabular_q_learning.hpp"
#include "footprint/io/detail/json_reader.hpp"
#include "footprint/models/neural/mlp_options.hpp"
#include "footprint/types.hpp"

#include <nlohmann/json.hpp>

#include <concepts>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace footprint {

namespace detail {

inline constexpr int q_learning_json_version = 1;

/// The agent types this header saves and loads.
template <class M>
concept q_learning_json_model = std::same_as<M, tabular_q_learning> || std::same_as<M, double_dqn>;

/// The kinds of child of an agent's actions.
inline nlohmann::json order_kinds_to_json(const std::vector<child_order>& kinds) {
  nlohmann::json out = nlohmann::json::array();
  for (const child_order& k : kinds)
    out.push_back({{"type", std::string(to_string(k.type))}, {"price_offset_ticks", k.price_offset_ticks}});
  return out;
}

template <class = void>
std::vector<child_order> order_kinds_from_json(const json_reader& r, const nlohmann::json& jp) {
  const nlohmann::json& kinds = r.array(r.at(jp, "params", "order_kinds"), "params.order_kinds");
  std::vector<child_order> out;
  for (std::size_t i = 0; i < kinds.size(); ++i) {
    const std::string path = json_index("params.order_kinds", i);
    const std::string type = r.string(kinds[i], path, "type");
    child_order k;
    if (type == to_string(child_order_type::market)) {
      k.type = child_order_type::market;
    } else if (type == to_string(child_order_type::passive_limit)) {
      k.type = child_order_type::passive_limit;
    } else {
      r.fail(json_path(path, "type"), "must be \"market\" or \"passive_limit\" (got \"" + type + "\")");
    }
    k.price_offset_ticks = r.integer<int>(kinds[i], path, "price_offset_ticks");
    out.push_back(k);
  }
  return out;
}

template <class = void>
nlohmann::json to_json(const tabular_q_learning& m) {
  const tabular_q_learning_state s = m.state();
  const tabular_q_learning_params& p = s.params;
  nlohmann::json j = {{"format", "footprint.tabular_q_learning"}, {"version", q_learning_json_version}};
  j["params"] = {{"inventory_buckets", p.inventory_buckets},
                 {"spread_buckets", p.spread_buckets},
                 {"imbalance_buckets", p.imbalance_buckets},
                 {"size_fractions", p.size_fractions},
                 {"order_kinds", order_kinds_to_json(p.order_kinds)},
                 {"risk_aversion", p.risk_aversion},
                 {"variance_rate", p.variance_rate},
                 {"episodes", p.episodes},
                 {"epsilon_start", p.epsilon_start},
                 {"epsilon_end", p.epsilon_end},
                 {"learning_rate_exponent", p.learning_rate_exponent},
                 {"stability_check", p.stability_check},
                 {"stability_episodes", p.stability_episodes},
                 {"stability_tolerance", p.stability_tolerance},
                 {"seed", p.seed}};
  j["n_steps"] = s.n_steps;
  j["q"] = s.q;
  j["visits"] = s.visits;
  return j;
}

template <class = void>
void from_json(const json_reader& r, const nlohmann::json& j, tabular_q_learning& out) {
  r.header(j, "", "footprint.tabular_q_learning", q_learning_json_version);
  const nlohmann::json& jp = r.object(r.at(j, "", "params"), "params");
  tabular_q_learning_state s;
  tabular_q_learning_params& p = s.params;
  p.inventory_buckets = r.integer<index>(jp, "params", "inventory_buckets");
  p.spread_buckets = r.integer<index>(jp, "params", "spread_buckets");
  p.imbalance_buckets = r.integer<index>(jp, "params", "imbalance_buckets");
  p.size_fractions = r.numbers(jp, "params", "size_fractions");
  p.order_kinds = order_kinds_from_json(r, jp);
  p.risk_aversion = r.number(jp, "params", "risk_aversion");
  p.variance_rate = r.number(jp, "params", "variance_rate");
  p.episodes = r.integer<index>(jp, "params", "episodes");
  p.epsilon_start = r.number(jp, "params", "epsilon_start");
  p.epsilon_end = r.number(jp, "params", "epsilon_end");
  p.learning_rate_exponent = r.number(jp, "params", "learning_rate_exponent");
  p.stability_check = r.integer<index>(jp, "params", "stability_check");
  p.stability_episodes = r.integer<index>(jp, "params", "stability_episodes");
  p.stability_tolerance = r.number(jp, "params", "stability_tolerance");
  p.seed = r.integer<std::uint64_t>(jp, "params", "seed");
  s.n_steps = r.integer<index>(j, "", "n_steps");
  s.q = r.numbers(j, "", "q");
  s.visits = r.integers<std::int64_t>(j, "", "visits");
  try {
    out = tabular_q_learning::from_state(std::move(s));
  } catch (const invalid_argument& e) {
    r.rethrow_state_error(e, "footprint::tabular_q_learning", "");
  }
}

template <class = void>
nlohmann::json to_json(const double_dqn& m) {
  const double_dqn_state s = m.state();
  const double_dqn_params& p = s.params;
  nlohmann::json j = {{"format", "footprint.double_dqn"}, {"version", q_learning_json_version}};
  j["params"] = {{"hidden_layers", p.hidden_layers},
                 {"activation", std::string(to_string(p.activation))},
                 {"size_fractions", p.size_fractions},
                 {"order_kinds", order_kinds_to_json(p.order_kinds)},
                 {"risk_aversion", p.risk_aversion},
                 {"variance_rate", p.variance_rate},
                 {"episodes", p.episodes},
                 {"warmup_episodes", p.warmup_episodes},
                 {"epsilon_start", p.epsilon_start},
                 {"epsilon_end", p.epsilon_end},
                 {"replay_capacity", p.replay_capacity},
                 {"batch_size", p.batch_size},
                 {"train_every", p.train_every},
                 {"target_update", p.target_update},
                 {"learning_rate", p.learning_rate},
                 {"learning_rate_end", p.learning_rate_end},
                 {"stability_check", p.stability_check},
                 {"stability_episodes", p.stability_episodes},
                 {"stability_tolerance", p.stability_tolerance},
                 {"seed", p.seed}};
  j["n_steps"] = s.n_steps;
  j["cost_unit"] = s.cost_unit;
  j["theta"] = s.theta;
  return j;
}

template <class = void>
void from_json(const json_reader& r, const nlohmann::json& j, double_dqn& out) {
  r.header(j, "", "footprint.double_dqn", q_learning_json_version);
  const nlohmann::json& jp = r.object(r.at(j, "", "params"), "params");
  double_dqn_state s;
  double_dqn_params& p = s.params;
  const nlohmann::json& hl = r.array(r.at(jp, "params", "hidden_layers"), "params.hidden_layers");
  if (hl.size() > 64) r.fail("params.hidden_layers", concat("must have at most 64 layers (got ", hl.size(), ")"));
  p.hidden_layers = r.integers<index>(hl, "params.hidden_layers", 1, index{1} << 16);
  const std::string activation = r.string(jp, "params", "activation");
  const auto a = mlp_option_from_string<mlp_activation>(activation);
  if (!a) r.fail("params.activation", concat("unknown value '", activation, "'"));
  p.activation = *a;
  p.size_fractions = r.numbers(jp, "params", "size_fractions");
  p.order_kinds = order_kinds_from_json(r, jp);
  p.risk_aversion = r.number(jp, "params", "risk_aversion");
  p.variance_rate = r.number(jp, "params", "variance_rate");
  p.episodes = r.integer<index>(jp, "params", "episodes");
  p.warmup_episodes = r.integer<index>(jp, "params", "warmup_episodes");
  p.epsilon_start = r.number(jp, "params", "epsilon_start");
  p.epsilon_end = r.number(jp, "params", "epsilon_end");
  p.replay_capacity = r.integer<index>(jp, "params", "replay_capacity");
  p.batch_size = r.integer<index>(jp, "params", "batch_size");
  p.train_every = r.integer<index>(jp, "params", "train_every");
  p.target_update = r.integer<index>(jp, "params", "target_update");
  p.learning_rate = r.number(jp, "params", "learning_rate");
  p.learning_rate_end = r.number(jp, "params", "learning_rate_end");
  p.stability_check = r.integer<index>(jp, "params", "stability_check");
  p.stability_episodes = r.integer<index>(jp, "params", "stability_episodes");
  p.stability_tolerance = r.number(jp, "params", "stability_tolerance");
  p.seed = r.integer<std::uint64_t>(jp, "params", "seed");
  s.n_steps = r.integer<index>(j, "", "n_steps");
  s.cost_unit = r.number(j, "", "cost_unit");
  s.theta = r.numbers(j, "", "theta");
  try {
    out = double_dqn::from_state(s);
  } catch (const invalid_argument& e) {
    r.rethrow_state_error(e, "footprint::double_dqn", "");
  }
}

}  // namespace detail

/// The JSON text of a trained (or untrained) agent.
/// @param indent spaces per level; -1 (default) for compact output
template <detail::q_learning_json_model Model>
[[nodiscard]] std::string model_to_json(const Model& model, int indent = -1) {
  return detail::to_json(model).dump(indent);
}

/// The agent as a JSON value (to embed in another document).
template <detail::q_learning_json_model Model>
[[nodiscard]] nlohmann::json model_to_json_value(const Model& model) {
  return detail::to_json(model);
}

/// Reads an agent from a parsed JSON value; the tag selects the type.
/// @param source a name for error messages (a file name)
/// @throws footprint::data_error as model_from_json
template <detail::q_learning_json_model Model>
[[nodiscard]] Model model_from_json_value(std::type_identity<Model>, const nlohmann::json& j,
                                          const std::string& source = "<json>") {
  return detail::read_json_value<Model>(
      j, source, [](const detail::json_reader& r, const nlohmann::json& v, Model& m) { detail::from_json(r, v, m); });
}

/// Reads an agent from JSON text written by `model_to_json`/`save_model`.
/// @param source a name for error messages (a file name)
/// @throws footprint::data_error on invalid JSON, another format, an unsupported version, a
///         missing or mistyped field, or an inconsistent table (the message names the field)
template <detail::q_learning_json_model Model>
[[nodiscard]] Model model_from_json(std::string_view text, const std::string& source = "<json>") {
  return model_from_json_value(std::type_identity<Model>{}, detail::parse_json(text, source), source);
}

/// Writes an agent to a JSON file (replacing it).
/// @throws footprint::data_error when the file cannot be written
template <detail::q_learning_json_model Model>
void save_model(const Model& model, const std::filesystem::path& path) {
  detail::write_text_file(path, model_to_json(model));
}

/// Reads an agent from a JSON file written by `save_model`.
/// @throws footprint::data_error as model_from_json, or when the file cannot be read
template <detail::q_learning_json_model Model>
[[nodiscard]] Model load_model(const std::filesystem::path& path) {
  return model_from_json<Model>(detail::read_text_file(path), path.string());
}

}  // namespace footprint
