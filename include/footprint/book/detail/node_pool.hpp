/// @file book/detail/node_pool.hpp
/// @brief Private to book/: a pool of list nodes addressed by 32-bit indices, with a free
/// list, for the per-level order lists of order_level_book.
#pragma once

#include "footprint/error.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace footprint::detail {

/// Private: the index of no node (the end of a list, or an empty level).
inline constexpr std::uint32_t no_node = 0xFFFFFFFFu;

/// Private: nodes holding a `T`, an id and the links of a doubly linked list (indices into
/// the pool; a free node's `next` is the next free node). Indices stay valid until the node
/// is released; references into the pool, until the next `allocate`.
template <class T>
class node_pool {
 public:
  struct node {
    T value;
    std::int64_t id;
    std::uint32_t prev;
    std::uint32_t next;
  };

  /// A node, its contents unspecified.
  /// @throws invalid_argument past 2^32 - 1 nodes in use (std::bad_alloc if memory runs out)
  std::uint32_t allocate() {
    if (free_ != no_node) {
      const std::uint32_t n = free_;
      free_ = nodes_[n].next;
      return n;
    }
    if (nodes_.size() >= no_node) [[unlikely]]
      throw invalid_argument("footprint::order_level_book: more than 4,294,967,294 resting orders");
    nodes_.emplace_back();
    return static_cast<std::uint32_t>(nodes_.size() - 1);
  }
  void release(std::uint32_t n) noexcept {
    nodes_[n].next = free_;
    free_ = n;
  }
  node& operator[](std::uint32_t n) noexcept { return nodes_[n]; }
  const node& operator[](std::uint32_t n) const noexcept { return nodes_[n]; }
  void reserve(std::size_t n) { nodes_.reserve(n); }
  void clear() noexcept {
    nodes_.clear();
    free_ = no_node;
  }

 private:
  std::vector<node> nodes_;
  std::uint32_t free_ = no_node;
};

}  // namespace footprint::detail
