/// @file book/detail/int64_table.hpp
/// @brief Private to book/: an open-addressing hash table from 64-bit order ids to values,
/// used by order_level_book.
#pragma once

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>
#include <vector>

namespace footprint {

namespace detail {

/// Private: an allocator whose `construct(p)` default-initializes where `std::vector` would
/// value-initialize (so a vector of uninitialized slots costs no writes).
template <class T>
struct default_init_allocator : std::allocator<T> {
  template <class U>
  struct rebind {
    using other = default_init_allocator<U>;
  };
  default_init_allocator() = default;
  template <class U>
  explicit default_init_allocator(const default_init_allocator<U>& /*other*/) noexcept {}
  template <class U>
  void construct(U* p) noexcept(std::is_nothrow_default_constructible_v<U>) {
    ::new (static_cast<void*>(p)) U;
  }
  template <class U, class... A>
  void construct(U* p, A&&... a) {
    ::new (static_cast<void*>(p)) U(std::forward<A>(a)...);
  }
};

/// Private: an open-addressing hash table from 64-bit keys to `V` (linear probing,
/// backward-shift deletion, load factor <= 1/2). Pointers to values are invalidated by
/// `insert` and `erase`. Keys crafted to collide (issue 22: 80,000 inserts took 4.7 s instead
/// of 0.017 s) make it rehash under a new seed when a probe run exceeds `max_probes`.
template <class V>
class int64_table {
  static_assert(std::is_trivially_copyable_v<V> && std::is_trivially_destructible_v<V>,
                "int64_table copies its values as bytes");

 public:
  int64_table() { rehash(16); }

  [[nodiscard]] std::size_t size() const noexcept { return size_; }

  /// The value stored for `key`, or nullptr.
  [[nodiscard]] V* find(std::int64_t key) noexcept {
    for (std::size_t i = home(key);; i = (i + 1) & mask_) {
      if (used_[i] == 0) return nullptr;
      if (slots_[i].key == key) return &slots_[i].value;
    }
  }
  [[nodiscard]] const V* find(std::int64_t key) const noexcept { return const_cast<int64_table*>(this)->find(key); }

  /// The value for `key`, inserted value-initialized when absent; `inserted` tells which.
  V& find_or_insert(std::int64_t key, bool& inserted) {
    if ((size_ + 1) * 2 > used_.size()) rehash(used_.size() * 2);
    std::size_t probes = 0;
    for (std::size_t i = home(key);; i = (i + 1) & mask_) {
      if (used_[i] == 0) {
        if (probes > max_probes) {
          // A probe run this long does not happen by chance at load <= 1/2: keys crafted to
          // collide under this seed. Rehash under the next one (deterministic: the same keys
          // give the same table) and insert there.
          ++seed_;
          rehash(used_.size());
          return find_or_insert(key, inserted);
        }
        used_[i] = 1;
        slots_[i].key = key;
        slots_[i].value = V{};
        ++size_;
        inserted = true;
        return slots_[i].value;
      }
      if (slots_[i].key == key) {
        inserted = false;
        return slots_[i].value;
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
      if (used_[i] == 0) return false;
      if (slots_[i].key == key) break;
    }
    erase_slot(i);
    return true;
  }

  /// Removes the entry whose value `found` points to (a pointer from `find` or
  /// `find_or_insert`, the table unchanged since), without looking its key up again.
  void erase_found(const V* found) noexcept {
    const auto offset = reinterpret_cast<const char*>(found) - reinterpret_cast<const char*>(&slots_[0].value);
    erase_slot(static_cast<std::size_t>(offset) / sizeof(slot));
  }

  /// Makes room for `n` keys without rehashing.
  void reserve(std::size_t n) {
    std::size_t cap = 16;
    while (cap < 2 * n) cap *= 2;
    if (cap > used_.size()) rehash(cap);
  }

  /// Removes every key (capacity is kept).
  void clear() noexcept {
    std::fill(used_.begin(), used_.end(), std::uint8_t{0});
    size_ = 0;
  }

  /// Calls f(key, const V&) for every entry, in unspecified order.
  template <class F>
  void for_each(F&& f) const {
    for (std::size_t i = 0; i < used_.size(); ++i) {
      if (used_[i] != 0) f(slots_[i].key, slots_[i].value);
    }
  }

 private:
  // A key and its value, left uninitialized until used (`used_` tells which are), so that
  // growing the table writes one byte per slot rather than the whole slot.
  struct slot {
    slot() noexcept {}  // NOLINT: leaves the members uninitialized on purpose
    std::int64_t key;
    union {
      V value;
    };
  };
  [[nodiscard]] std::size_t home(std::int64_t key) const noexcept {
    // Seed 0: Fibonacci hashing (Knuth, TAOCP vol. 3, 6.4) of the key folded onto itself,
    // high bits: one multiply, and sequential, strided and high-bit ids spread over the table
    // (the LOBSTER order-level book 8% faster than with the finalizer below). Ids crafted to
    // collide under it (easy: it is invertible) make the table reseed, and seeds 1, 2, ... use
    // the seeded splitmix64 finalizer (Steele, Lea and Flood 2014), under which ids crafted
    // to collide under one seed do not under the next.
    std::uint64_t z = static_cast<std::uint64_t>(key);
    if (seed_ == 0) [[likely]]
      return static_cast<std::size_t>(((z ^ (z >> 32)) * 0x9E3779B97F4A7C15ull) >> shift_);
    z += (seed_ + 1) * 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return static_cast<std::size_t>((z ^ (z >> 31)) >> shift_);
  }

  // Empties slot i. Backward-shift deletion: pulls later members of the probe run into
  // the hole, so that no tombstones are left.
  void erase_slot(std::size_t i) noexcept {
    for (std::size_t j = i;;) {
      j = (j + 1) & mask_;
      if (used_[j] == 0) break;
      const std::size_t k = home(slots_[j].key);
      // Slot j may move to i when its home k is not cyclically within (i, j].
      const bool stays = i <= j ? (i < k && k <= j) : (i < k || k <= j);
      if (!stays) {
        slots_[i] = slots_[j];
        i = j;
      }
    }
    used_[i] = 0;
    --size_;
  }

  void rehash(std::size_t capacity) {
    std::vector<slot, default_init_allocator<slot>> old = std::move(slots_);
    std::vector<std::uint8_t> old_used = std::move(used_);
    slots_ = std::vector<slot, default_init_allocator<slot>>(capacity);
    used_.assign(capacity, 0);
    mask_ = capacity - 1;
    shift_ = 64 - std::countr_zero(capacity);
    size_ = 0;
    for (std::size_t j = 0; j < old_used.size(); ++j) {
      if (old_used[j] == 0) continue;
      std::size_t i = home(old[j].key);
      while (used_[i] != 0) i = (i + 1) & mask_;
      slots_[i] = old[j];
      used_[i] = 1;
      ++size_;
    }
  }

  std::vector<slot, default_init_allocator<slot>> slots_;
  std::vector<std::uint8_t> used_;  // 1 where slots_ holds a key
  std::size_t size_ = 0;
  std::size_t mask_ = 0;
  int shift_ = 60;
  std::uint64_t seed_ = 0;
};

}  // namespace detail

}  // namespace footprint
