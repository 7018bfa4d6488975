/// @file models/neural/mlp_options.hpp
/// @brief Vocabulary of footprint's multilayer perceptrons (`mlp_regressor`,
/// `deep_ensemble`): activations, initialisations, optimisers, output heads, learning-rate
/// schedules, and the training-progress record passed to a progress callback.
///
/// A cheap vocabulary header (standard library only). See docs/mlp.md.
#pragma once

#include "footprint/types.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <ostream>
#include <string_view>

namespace footprint {

/// Activation of the hidden layers (the output layer is linear).
enum class mlp_activation : std::uint8_t {
  relu,  ///< max(0, z) (Nair & Hinton 2010)
  tanh,  ///< tanh(z)
  gelu,  ///< z Phi(z), the exact Gaussian error linear unit (Hendrycks & Gimpel 2016)
};

/// Initialisation of the weights (biases start at 0).
enum class mlp_init : std::uint8_t {
  automatic,  ///< `he` for relu and gelu, `glorot` for tanh
  he,         ///< N(0, 2 / fan_in) (He, Zhang, Ren & Sun 2015, eq. 10)
  glorot,     ///< U(-a, a), a = sqrt(6 / (fan_in + fan_out)) (Glorot & Bengio 2010, eq. 16)
};

/// Mini-batch optimiser.
enum class mlp_optimizer : std::uint8_t {
  adam,  ///< Adam with bias correction (Kingma & Ba 2015, algorithm 1), PyTorch's form
  sgd,   ///< SGD with (heavy-ball) momentum, PyTorch's form: v = mu v + g, theta -= lr v
};

/// Output head and training loss.
enum class mlp_head : std::uint8_t {
  /// One output, the mean; trained by mean squared error. Predictive distribution: normal
  /// with the network's mean and a constant standard deviation, the root mean squared
  /// residual on the validation rows (on the training rows without validation).
  mse,
  /// Two outputs, mean mu(x) and variance sigma^2(x) = softplus(s(x)) + min_variance,
  /// trained by the Gaussian negative log-likelihood (Nix & Weigend 1994;
  /// Lakshminarayanan, Pritzel & Blundell 2017, eq. 1). Predictive: N(mu(x), sigma^2(x)).
  gaussian,
};

/// Learning-rate schedule over epochs e = 0, 1, ..., max_epochs - 1.
enum class mlp_schedule : std::uint8_t {
  constant,     ///< lr
  exponential,  ///< lr * lr_decay^e
  cosine,  ///< lr * (lr_min_factor + (1 - lr_min_factor) (1 + cos(pi e / max_epochs)) / 2) (Loshchilov & Hutter 2017, no restarts)
};

/// True for the named enumerators (a cast integer may be none of them).
[[nodiscard]] constexpr bool is_valid(mlp_activation a) noexcept {
  return a == mlp_activation::relu || a == mlp_activation::tanh || a == mlp_activation::gelu;
}
/// True for the named enumerators.
[[nodiscard]] constexpr bool is_valid(mlp_init i) noexcept {
  return i == mlp_init::automatic || i == mlp_init::he || i == mlp_init::glorot;
}
/// True for the named enumerators.
[[nodiscard]] constexpr bool is_valid(mlp_optimizer o) noexcept {
  return o == mlp_optimizer::adam || o == mlp_optimizer::sgd;
}
/// True for the named enumerators.
[[nodiscard]] constexpr bool is_valid(mlp_head h) noexcept { return h == mlp_head::mse || h == mlp_head::gaussian; }
/// True for the named enumerators.
[[nodiscard]] constexpr bool is_valid(mlp_schedule s) noexcept {
  return s == mlp_schedule::constant || s == mlp_schedule::exponential || s == mlp_schedule::cosine;
}

/// Name of an activation, e.g. "relu".
[[nodiscard]] constexpr std::string_view to_string(mlp_activation a) noexcept {
  switch (a) {
    case mlp_activation::relu: return "relu";
    case mlp_activation::tanh: return "tanh";
    case mlp_activation::gelu: return "gelu";
  }
  return "unknown";
}
/// Name of an initialisation, e.g. "he".
[[nodiscard]] constexpr std::string_view to_string(mlp_init i) noexcept {
  switch (i) {
    case mlp_init::automatic: return "automatic";
    case mlp_init::he: return "he";
    case mlp_init::glorot: return "glorot";
  }
  return "unknown";
}
/// Name of an optimiser, e.g. "adam".
[[nodiscard]] constexpr std::string_view to_string(mlp_optimizer o) noexcept {
  switch (o) {
    case mlp_optimizer::adam: return "adam";
    case mlp_optimizer::sgd: return "sgd";
  }
  return "unknown";
}
/// Name of a head, e.g. "gaussian".
[[nodiscard]] constexpr std::string_view to_string(mlp_head h) noexcept {
  switch (h) {
    case mlp_head::mse: return "mse";
    case mlp_head::gaussian: return "gaussian";
  }
  return "unknown";
}
/// Name of a schedule, e.g. "cosine".
[[nodiscard]] constexpr std::string_view to_string(mlp_schedule s) noexcept {
  switch (s) {
    case mlp_schedule::constant: return "constant";
    case mlp_schedule::exponential: return "exponential";
    case mlp_schedule::cosine: return "cosine";
  }
  return "unknown";
}

/// The enumerator named `name` (as printed by `to_string`), or nullopt.
template <class Enum>
[[nodiscard]] constexpr std::optional<Enum> mlp_option_from_string(std::string_view name) noexcept {
  for (int i = 0; i < 8; ++i) {
    const auto e = static_cast<Enum>(i);
    if (is_valid(e) && to_string(e) == name) return e;
  }
  return std::nullopt;
}

/// What a progress callback receives after every epoch.
///
/// Losses are in the model's scaled units (targets standardised when `scale_target`): mean
/// squared error for the `mse` head, mean Gaussian negative log-likelihood per row
/// (including 0.5 log(2 pi)) for the `gaussian` head; weight decay is not included.
struct mlp_progress {
  index member = 0;              ///< ensemble member (0 for a single network)
  index epoch = 0;               ///< 1-based epoch just finished
  index max_epochs = 0;          ///< the epoch budget
  double train_loss = nan;       ///< mean training loss over the epoch's mini-batches
  double validation_loss = nan;  ///< loss on the validation rows after the epoch (NaN without validation)
  double learning_rate = nan;    ///< learning rate used in the epoch
};

/// A progress callback: called once per epoch from the thread that trains the network
/// (calls from an ensemble's members are serialised, in no fixed order across members). It
/// must not throw; an exception it throws propagates out of `fit`, which then leaves the
/// model as it was.
using mlp_progress_callback = std::function<void(const mlp_progress&)>;

/// A progress callback that prints one line every `every` epochs (and at the last epoch) to
/// `os`, e.g. `mlp member 0 epoch 10/100: train 0.4312, validation 0.4527, lr 0.001`.
/// @param os    stream that outlives the callback (e.g. std::cerr)
/// @param every print every `every` epochs, >= 1 (values < 1 are treated as 1)
[[nodiscard]] inline mlp_progress_callback mlp_print_progress(std::ostream& os, index every = 10) {
  const index step = every < 1 ? 1 : every;
  return [&os, step](const mlp_progress& p) {
    if (p.epoch % step != 0 && p.epoch != p.max_epochs && p.epoch != 1) return;
    os << "mlp member " << p.member << " epoch " << p.epoch << '/' << p.max_epochs << ": train " << p.train_loss
       << ", validation " << p.validation_loss << ", lr " << p.learning_rate << '\n';
  };
}

}  // namespace footprint
