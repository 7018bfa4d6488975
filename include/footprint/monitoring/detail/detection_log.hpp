/// @file monitoring/detail/detection_log.hpp
/// @brief The bookkeeping every drift detector shares: the stream position, whether the last
/// update signalled, the number of signals and the position of the last one.
#pragma once

#include "footprint/types.hpp"

namespace footprint::detail::monitoring {

/// Stream position and detections of one detector (the `DriftDetector` accessors).
struct detection_log {
  index n_updates = 0;        ///< update calls seen (NaN values included)
  index n_detections = 0;     ///< signals so far
  index last_detection = -1;  ///< 0-based position of the last signal, -1 before the first
  bool drifting = false;      ///< the last update signalled

  /// Records the outcome of the update at position n_updates and advances the position.
  void record(bool signal) noexcept {
    drifting = signal;
    if (signal) {
      ++n_detections;
      last_detection = n_updates;
    }
    ++n_updates;
  }

  /// Back to a new detector's state.
  void clear() noexcept { *this = detection_log{}; }
};

}  // namespace footprint::detail::monitoring
