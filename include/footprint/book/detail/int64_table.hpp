/// @file book/detail/int64_table.hpp
/// @brief Private to book/: an open-addressing hash table from 64-bit order ids to values,
/// used by order_level_book.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace footprint {

namespace detail {

/// Private: an open-addressing hash table from 64-bit keys to `V` (linear probing,
/// backward-shift deletion, load factor <= 1/2). Pointers to values are invalidated by
/// `insert` and `erase`. Keys crafted to collide (issue 22: 80,000 inserts took 4.7 s instead
/// of 0.017 s) make it rehash under a new seed when a probe run exceeds `max_probes`.
template <class V>
class int64_table {
 public:
  int64_table() { rehash(16); }

  [[nodiscard]] std::size_t size() const noexcept { return size_; }

  /// The value stored for `key`, or nullptr.
  [[nodiscard]] V* find(std::int64_t key) noexcept {
    for (std::size_t i = home(key);; i = (i + 1) & mask_) {
      slot& s = slots_[i];
      if (!s.used) return nullptr;
      if (s.key == key) return &s.value;
    }
  }
  [[nodiscard]] const V* find(std::int64_t key) const noexcept { return const_cast<int64_table*>(this)->find(key); }

  /// The value for `key`, inserted value-initialized when absent; `inserted` tells which.
  V& find_or_insert(std::int64_t key, bool& inserted) {
    if ((size_ + 1) * 2 > slots_.size()) rehash(slots_.size() * 2);
    std::size_t probes = 0;
    for (std::size_t i = home(key);; i = (i + 1) & mask_) {
      slot& s = slots_[i];
      if (!s.used) {
        if (probes > max_probes) {
          // A probe run this long does not happen by chance at load <= 1/2: keys crafted to
          // collide under this seed. Rehash under the next one (deterministic: the same keys
          // give the same table) and insert there.
          ++seed_;
          rehash(slots_.size());
          return find_or_insert(key, inserted);
        }
        s.used = true;
        s.key = key;
        s.value = V{};
        ++size_;
        inserted = true;
        return s.value;
      }
      if (s.key == key) {
        inserted = false;
        return s.value;
      }
      ++probes;
    }
  }

  /// Rehashes under a new seed after a probe run this long (see find_or_insert).
  static constexpr std::size_t max_probes = 128;
  /// How many times the table changed its seed (0 unless keys collided on purpose).
  [[nodiscard]] std::uint64_t reseeds() const noexcept { return seed_; }

  /// Removes `key` if present; returns whether it was.
  bool erase(std::int64_t key) noexcept {
    std::size_t i = home(key);
    for (;; i = (i + 1) & mask_) {
      if (!slots_[i].used) return false;
      if (slots_[i].key == key) break;
    }
    // Backward-shift deletion: pull later members of the probe run into the hole.
    for (std::size_t j = i;;) {
      j = (j + 1) & mask_;
      if (!slots_[j].used) break;
      const std::size_t k = home(slots_[j].key);
      // Slot j may move to i when its home k is not cyclically within (i, j].
      const bool stays = i <= j ? (i < k && k <= j) : (i < k || k <= j);
      if (!stays) {
        slots_[i] = slots_[j];
        i = j;
      }
    }
    slots_[i].used = false;
    --size_;
    return true;
  }

  /// Makes room for `n` keys without rehashing.
  void reserve(std::size_t n) {
    std::size_t cap = 16;
    while (cap < 2 * n) cap *= 2;
    if (cap > slots_.size()) rehash(cap);
  }

  /// Removes every key (capacity is kept).
  void clear() noexcept {
    for (slot& s : slots_) s.used = false;
    size_ = 0;
  }

  /// Calls f(key, const V&) for every entry, in unspecified order.
  template <class F>
  void for_each(F&& f) const {
    for (const slot& s : slots_) {
      if (s.used) f(s.key, s.value);
    }
  }

 private:
  struct slot {
    std::int64_t key = 0;
    V value{};
    bool used = false;
  };

  [[nodiscard]] std::size_t home(std::int64_t key) const noexcept {
    // Seeded splitmix64 finalizer (Steele, Lea and Flood 2014), high bits: sequential ids
    // spread over the table, and ids crafted to collide under one seed do not under the next.
    std::uint64_t z = static_cast<std::uint64_t>(key) + (seed_ + 1) * 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return static_cast<std::size_t>((z ^ (z >> 31)) >> shift_);
  }

  void rehash(std::size_t capacity) {
    std::vector<slot> old = std::move(slots_);
    slots_.assign(capacity, slot{});
    mask_ = capacity - 1;
    shift_ = 64 - std::countr_zero(capacity);
    size_ = 0;
    for (slot& s : old) {
      if (!s.used) continue;
      std::size_t i = home(s.key);
      while (slots_[i].used) i = (i + 1) & mask_;
      slots_[i] = std::move(s);
      ++size_;
    }
  }

  std::vector<slot> slots_;
  std::size_t size_ = 0;
  std::size_t mask_ = 0;
  int shift_ = 60;
  std::uint64_t seed_ = 0;
};

}  // namespace detail

}  // namespace footprint
