// QuickFIX/C++ side of benchmarks/fix.cpp (see quickfix_peer.hpp); compiled as C++14.
#include "quickfix_peer.hpp"

#include <quickfix/Fields.h>
#include <quickfix/Message.h>

namespace quickfix_peer {

double parse_execution_report(const std::string& message) {
  FIX::Message m;
  m.setString(message, true);  // validate: BodyLength and CheckSum
  FIX::ClOrdID cl_ord_id;
  FIX::OrderID order_id;
  FIX::ExecID exec_id;
  FIX::ExecType exec_type;
  FIX::OrdStatus ord_status;
  FIX::Side side;
  FIX::Symbol symbol;
  FIX::OrderQty order_qty;
  FIX::Price price;
  FIX::LastPx last_px;
  FIX::LastQty last_qty;
  FIX::CumQty cum_qty;
  FIX::LeavesQty leaves_qty;
  FIX::AvgPx avg_px;
  FIX::TransactTime transact_time;
  m.getField(cl_ord_id);
  m.getField(order_id);
  m.getField(exec_id);
  m.getField(exec_type);
  m.getField(ord_status);
  m.getField(side);
  m.getField(symbol);
  m.getField(order_qty);
  m.getField(price);
  m.getField(last_px);
  m.getField(last_qty);
  m.getField(cum_qty);
  m.getField(leaves_qty);
  m.getField(avg_px);
  m.getField(transact_time);
  return static_cast<double>(cl_ord_id.getValue().size() + order_id.getValue().size() + exec_id.getValue().size() +
                             symbol.getValue().size()) +
         exec_type.getValue() + ord_status.getValue() + side.getValue() + order_qty.getValue() + price.getValue() +
         last_px.getValue() + last_qty.getValue() + cum_qty.getValue() + leaves_qty.getValue() + avg_px.getValue() +
         transact_time.getValue().getSecond();
}

}  // namespace quickfix_peer
