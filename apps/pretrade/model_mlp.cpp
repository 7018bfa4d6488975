// footprint-pretrade --model mlp: a deep ensemble of three Gaussian-head networks.
#include "run.hpp"

#include <footprint/io/mlp_json.hpp>
#include <footprint/models/neural/deep_ensemble.hpp>

#include <cstdio>

namespace pretrade {

int run_mlp(const options& o, double horizon_seconds, const source_data& src, progress& prog) {
  // Three Gaussian-head networks (64-32, ReLU, Adam), at most 30 epochs with early stopping on
  // 10% of the training rows: a few seconds on these data sets.
  fp::deep_ensemble_params p{.n_estimators = 3, .seed = 20240809};
  p.member.max_epochs = 30;
  p.member.patience = 5;
  if (!o.quiet) {
    p.progress = [](const fp::mlp_progress& e) {
      if (e.epoch % 10 != 0 && e.epoch != 1) return;
      std::fprintf(stderr, "footprint-pretrade: mlp member %ld epoch %ld/%ld: train loss %.4f, validation loss %.4f\n",
                   static_cast<long>(e.member), static_cast<long>(e.epoch), static_cast<long>(e.max_epochs),
                   e.train_loss, e.validation_loss);
    };
  }
  return run(
      o, horizon_seconds, src, prog, fp::deep_ensemble(p),
      "deep_ensemble of 3 MLPs (64-32 ReLU, Gaussian head; Lakshminarayanan et al. 2017; Gaussian-mixture predictive)");
}

fp::pretrade_report price_saved_mlp(const nlohmann::json& analysis, const std::string& source,
                                    const fp::pretrade_order& order, const fp::pretrade_model_scores& scores) {
  return price_saved<fp::deep_ensemble>(analysis, source, order, scores);
}

}  // namespace pretrade
