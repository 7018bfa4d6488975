/// @file book/detail/batch_edit.hpp
/// @brief Private to book/: applies a batch of insertions and deletions to a sorted vector in
/// place, each untouched element moved at most once (price_level_book::set_levels).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <type_traits>
#include <vector>

namespace footprint::detail {

/// Private: the working space of `batch_edit`, kept by its owner to spare allocations.
template <class T>
struct batch_edit_scratch {
  static_assert(std::is_trivially_copyable_v<T>, "batch_edit moves elements with memmove");
  struct insertion {
    std::size_t at;  // insertion point in the vector (before the element there); final index after batch_edit
    T value;
  };
  struct run {
    std::size_t begin;  // untouched elements [begin, end)
    std::size_t end;
    std::ptrdiff_t shift;  // the distance they move by (not 0)
  };
  std::vector<std::size_t> deletions;  // indices into the vector, ascending
  std::vector<insertion> insertions;   // insertion points, ascending (equal ones in order)
  std::vector<run> runs;

  /// Empties the lists and makes room for a batch of m edits on `v` (which grows
  /// geometrically), so that filling the lists and `batch_edit` allocate nothing and cannot
  /// throw.
  void prepare(std::vector<T>& v, std::size_t m) {
    deletions.clear();
    insertions.clear();
    runs.clear();
    if (v.capacity() < v.size() + m) v.reserve(std::max(v.size() + m, 2 * v.capacity()));
    deletions.reserve(m);
    insertions.reserve(m);
    runs.reserve(m + 1);
  }
};

/// Private: removes the elements at `s.deletions` and inserts `s.insertions` (each before
/// the element at its insertion point; all indices refer to `v` before the edit), in place.
/// Each untouched run between two edits moves once, by memmove, by the insertions less
/// deletions before it: runs moving left first in ascending order, then those moving right
/// in descending order (a run's destination stays clear of its neighbours', whose shifts
/// differ by the edits between them), and the inserted elements go in last at their final
/// places. Requires `s.prepare(v, m)` for at least the batch's edits (then nothing throws).
/// @return the elements moved or written
template <class T>
std::size_t batch_edit(std::vector<T>& v, batch_edit_scratch<T>& s) noexcept {
  using run = typename batch_edit_scratch<T>::run;
  const std::size_t n = v.size();
  if (s.deletions.empty() && s.insertions.empty()) return 0;
  std::size_t pos =
      std::min(s.insertions.empty() ? n : s.insertions.front().at, s.deletions.empty() ? n : s.deletions.front());
  std::ptrdiff_t d = 0;  // + 1 for each insertion at or before, - 1 for each deletion before
  std::size_t i_ins = 0;
  std::size_t i_del = 0;
  for (;;) {
    const std::size_t next_ins = i_ins < s.insertions.size() ? s.insertions[i_ins].at : n + 1;
    const std::size_t next_del = i_del < s.deletions.size() ? s.deletions[i_del] : n + 1;
    const std::size_t next = std::min(next_ins, next_del);
    const std::size_t stop = std::min(next, n);
    if (stop > pos && d != 0) s.runs.push_back(run{pos, stop, d});
    if (next > n) break;
    pos = stop;
    if (next_ins <= next_del) {  // an insertion before v[next]: its final place is next + d
      s.insertions[i_ins].at = static_cast<std::size_t>(static_cast<std::ptrdiff_t>(next_ins) + d);
      ++i_ins;
      ++d;
    } else {  // v[next] goes
      ++i_del;
      --d;
      pos = next_del + 1;
    }
  }
  if (d > 0) v.resize(n + static_cast<std::size_t>(d));  // within capacity: no allocation
  T* const data = v.data();
  std::size_t moved = 0;
  const auto shift_run = [data, &moved](const run& r) {
    std::memmove(data + (static_cast<std::ptrdiff_t>(r.begin) + r.shift), data + r.begin,
                 (r.end - r.begin) * sizeof(T));
    moved += r.end - r.begin;
  };
  for (const run& r : s.runs)
    if (r.shift < 0) shift_run(r);
  for (std::size_t k = s.runs.size(); k-- > 0;)
    if (s.runs[k].shift > 0) shift_run(s.runs[k]);
  for (const auto& ins : s.insertions) data[ins.at] = ins.value;
  if (d < 0) v.resize(n - static_cast<std::size_t>(-d));
  return moved + s.insertions.size();
}

}  // namespace footprint::detail
