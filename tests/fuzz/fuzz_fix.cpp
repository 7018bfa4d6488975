// libFuzzer target: the FIX tag=value reader (feeds/fix/) over memory, under both parse
// policies: framing, BodyLength and CheckSum, then every message's fields walked, looked up,
// a repeating group walked and an ExecutionReport decoded. Only footprint::fix_error may
// escape a strict read; a lenient read throws nothing from `next`. Invariants: messages lie
// inside the stream, in order, and their views agree with their offsets.
#include "footprint/feeds/fix/execution_report.hpp"
#include "footprint/feeds/fix/fix_reader.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace fp = footprint;

namespace {

void walk(const fp::fix_message& m) {
  try {
    std::size_t n = 0;
    m.for_each_field([&](const fp::fix_field& f) {
      if (f.tag <= 0 || f.value.empty()) std::abort();
      ++n;
    });
    (void)m.find(55);
    (void)m.walk_group(
        268, 279, [](int tag) { return tag != 10; }, [](std::size_t, const fp::fix_field&) {});
    if (m.msg_type() == "8") (void)fp::decode_execution_report(m);
  } catch (const fp::fix_error&) {}
}

void read(std::string_view text, fp::parse_policy policy) {
  fp::fix_reader reader(text, "fuzz", {.policy = policy, .max_body_length = 4096});
  fp::fix_message m;
  std::size_t last_end = 0;
  try {
    while (reader.next(m)) {
      if (m.offset() < last_end || m.offset() + m.bytes().size() > text.size()) std::abort();
      if (m.bytes().data() != text.data() + m.offset() || m.bytes().substr(0, 2) != "8=") std::abort();
      last_end = m.offset() + m.bytes().size();
      walk(m);
    }
  } catch (const fp::fix_error&) {
    if (policy == fp::parse_policy::lenient) std::abort();
  }
  if (reader.report().rows_skipped > reader.report().lines_read) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  read(text, fp::parse_policy::strict);
  read(text, fp::parse_policy::lenient);
  return 0;
}
