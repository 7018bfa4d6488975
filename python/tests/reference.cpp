// The C++ side of python/tests/test_estimators.py's "bit for bit" test: fits one of footprint's
// regressors on a data set written by the test and writes its predictions, so that the test
// compares them with the Python module's (same parameters, same data, same doubles).
//
//   footprint_python_reference MODEL PARAMS DATA OUT
//
// MODEL is bayesian_linear, ols, ridge, random_forest, gradient_boosting, mlp_regressor or
// deep_ensemble; PARAMS the model's parameters as JSON (what the Python estimator passes to
// its C++ core; python/src/model_params.hpp reads them); DATA a binary file: int64 n, int64 p,
// then X (n x p, row-major) and y (n) as float64; OUT receives the n predictions of X as
// float64.
#include "../src/model_params.hpp"

#include <cstdint>
#include <fstream>
#include <iostream>
#include <string>

namespace fp = footprint;

namespace {

template <class Model>
fp::vector fit_predict(const std::string& params, const fp::matrix& X, const fp::vector& y) {
  auto model = fp::python::make<Model>(nlohmann::json::parse(params), 0);
  (void)model.fit(X, y);
  return model.predict(X);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    std::cerr << "usage: footprint_python_reference MODEL PARAMS DATA OUT\n";
    return 2;
  }
  try {
    const std::string kind = argv[1];
    const std::string params = fp::detail::read_text_file(argv[2]);
    std::ifstream in(argv[3], std::ios::binary);
    std::int64_t n = 0, p = 0;
    in.read(reinterpret_cast<char*>(&n), sizeof n);
    in.read(reinterpret_cast<char*>(&p), sizeof p);
    Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> Xr(n, p);
    fp::vector y(n);
    in.read(reinterpret_cast<char*>(Xr.data()), static_cast<std::streamsize>(sizeof(double) * n * p));
    in.read(reinterpret_cast<char*>(y.data()), static_cast<std::streamsize>(sizeof(double) * n));
    if (!in) throw fp::invalid_argument("truncated data file");
    const fp::matrix X = Xr;
    fp::vector out;
    if (kind == "bayesian_linear")
      out = fit_predict<fp::bayesian_linear>(params, X, y);
    else if (kind == "ols")
      out = fit_predict<fp::ols>(params, X, y);
    else if (kind == "ridge")
      out = fit_predict<fp::ridge>(params, X, y);
    else if (kind == "random_forest")
      out = fit_predict<fp::random_forest>(params, X, y);
    else if (kind == "gradient_boosting")
      out = fit_predict<fp::gradient_boosting>(params, X, y);
    else if (kind == "mlp_regressor")
      out = fit_predict<fp::mlp_regressor>(params, X, y);
    else if (kind == "deep_ensemble")
      out = fit_predict<fp::deep_ensemble>(params, X, y);
    else
      throw fp::invalid_argument("unknown model " + kind);
    std::ofstream os(argv[4], std::ios::binary);
    os.write(reinterpret_cast<const char*>(out.data()), static_cast<std::streamsize>(sizeof(double) * out.size()));
    return os ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "footprint_python_reference: " << e.what() << '\n';
    return 1;
  }
}
