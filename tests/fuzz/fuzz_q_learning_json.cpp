// libFuzzer target: the saved execution agents, what `load_model<M>` and footprint-execute read
// from a file (io/q_learning_json.hpp). The first byte chooses the agent (mod 2):
// tabular_q_learning, double_dqn; the rest is the JSON text. A load may throw only
// footprint::data_error. A loaded agent must save and load again to the same text; a trained
// one must act at its first, a middle and its last decision of an order (a child of at most
// what is left, finite and >= 0) without reading out of bounds, as the reloaded agent does.
// Any other exception, a crash, a hang or a sanitizer report is a finding.
#include "footprint/error.hpp"
#include "footprint/io/q_learning_json.hpp"
#include "footprint/types.hpp"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace fp = footprint;

namespace {

void require(bool ok) {
  if (!ok) std::abort();
}

template <class Agent>
void load(std::string_view text) {
  Agent m;
  try {
    m = fp::model_from_json<Agent>(text, "fuzz.json");
  } catch (const fp::data_error&) {
    return;
  }
  const std::string saved = fp::model_to_json(m);
  Agent again = fp::model_from_json<Agent>(saved, "again.json");
  require(fp::model_to_json(again) == saved);
  if (!m.is_fitted()) return;
  // A sell of 1000 at 100, a tick spread of 2, part done; at three decisions of the order.
  fp::execution_observation o{.n_steps = m.n_steps(),
                              .elapsed = 0.0,
                              .horizon = 60.0,
                              .quantity = 1000.0,
                              .remaining = 600.0,
                              .arrival_mid = 100.0,
                              .mid = 100.02,
                              .bid = 100.01,
                              .ask = 100.03,
                              .tick_size = 0.01,
                              .imbalance = 0.25,
                              .volume_rate = 5.0};
  for (const fp::index step : {fp::index{0}, m.n_steps() / 2, m.n_steps() - 1}) {
    o.step = step;
    o.elapsed = 60.0 * static_cast<double>(step) / static_cast<double>(m.n_steps());
    const fp::child_order c = m.act(o);
    require(std::isfinite(c.quantity) && c.quantity >= 0.0 && c.quantity <= o.remaining);
    require(c.price_offset_ticks >= 0);
    const fp::child_order d = again.act(o);
    require(d.quantity == c.quantity && d.type == c.type && d.price_offset_ticks == c.price_offset_ticks);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] % 2U == 0) {
    load<fp::tabular_q_learning>(text);
  } else {
    load<fp::double_dqn>(text);
  }
  return 0;
}
