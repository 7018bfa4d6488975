// footprint._footprint: transaction cost analysis (bindings.hpp).
#include "bindings.hpp"

#include <footprint/tca/implementation_shortfall.hpp>

#include <vector>

namespace footprint::python {

void bind_tca(py::module_& m) {
  m.def(
      "implementation_shortfall",
      [](const std::string& side, double quantity, double decision_price, double arrival_price, double end_price,
         const footprint::vector& fill_quantities, const footprint::vector& fill_prices,
         const footprint::vector& fill_fees) {
        if (side != "buy" && side != "sell")
          throw footprint::invalid_argument("footprint.implementation_shortfall: side must be 'buy' or 'sell' (got '" +
                                            side + "')");
        if (fill_prices.size() != fill_quantities.size() || fill_fees.size() != fill_quantities.size())
          throw footprint::invalid_argument("footprint.implementation_shortfall: fill arrays differ in length");
        const footprint::side s = side == "buy" ? footprint::side::buy : footprint::side::sell;
        std::vector<footprint::fill> fills;
        for (footprint::index i = 0; i < fill_quantities.size(); ++i)
          fills.push_back({.side = s, .quantity = fill_quantities[i], .price = fill_prices[i], .fee = fill_fees[i]});
        const footprint::implementation_shortfall is = footprint::decompose({.side = s,
                                                                             .quantity = quantity,
                                                                             .decision_price = decision_price,
                                                                             .arrival_price = arrival_price,
                                                                             .end_price = end_price},
                                                                            fills);
        py::dict d;
        d["perold"] =
            py::dict(py::arg("execution") = is.perold.execution, py::arg("opportunity") = is.perold.opportunity,
                     py::arg("fees") = is.perold.fees, py::arg("total") = is.perold.total);
        d["wagner"] = py::dict(py::arg("delay_filled") = is.wagner.delay_filled,
                               py::arg("delay_unfilled") = is.wagner.delay_unfilled,
                               py::arg("trading") = is.wagner.trading, py::arg("opportunity") = is.wagner.opportunity,
                               py::arg("fees") = is.wagner.fees, py::arg("total") = is.wagner.total);
        d["market_activity"] = py::dict(
            py::arg("trading") = is.market_activity.trading, py::arg("opportunity") = is.market_activity.opportunity,
            py::arg("fees") = is.market_activity.fees, py::arg("total") = is.market_activity.total);
        d["fill_rate"] = is.fill_rate;
        return d;
      },
      py::arg("side"), py::arg("quantity"), py::arg("decision_price"), py::arg("arrival_price"), py::arg("end_price"),
      py::arg("fill_quantities"), py::arg("fill_prices"), py::arg("fill_fees"),
      "Perold, Wagner and market-activity decompositions of a parent order's implementation shortfall (quote "
      "currency, positive = cost); arrival_price NaN leaves Wagner's and market activity's terms NaN.");
}

}  // namespace footprint::python
