// A consumer of footprint::core only (Eigen and Boost.Math, nothing linked): core headers and
// the forecast metrics (Eigen and Boost.Math's declarations; cheap to compile, and a header
// that stays where it is while the library's folders are reorganised).
#include <footprint/concepts.hpp>
#include <footprint/error.hpp>
#include <footprint/types.hpp>
#include <footprint/validation/metrics.hpp>

#include <iostream>

int main() {
  footprint::vector y_true(4), y_pred(4);
  y_true << 1.0, 2.0, 3.0, 4.0;
  y_pred << 1.0, 2.0, 3.0, 6.0;
  const double rmse = footprint::rmse(y_true, y_pred);  // sqrt(4 / 4) = 1
  try {
    (void)footprint::rmse(y_true, y_pred.head(3));
  } catch (const footprint::dimension_mismatch&) {
    std::cout << "footprint::core consumed: rmse " << rmse << "\n";
    return rmse == 1.0 ? 0 : 1;
  }
  return 1;
}
