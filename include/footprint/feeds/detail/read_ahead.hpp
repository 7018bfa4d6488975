/// @file feeds/detail/read_ahead.hpp
/// @brief Private to `line_reader`: a `compressed_source` decompressed on a worker thread,
/// a few chunks ahead of the reader, so that inflating a file and parsing its lines run on
/// two cores. The bytes, their order and the errors are the source's own.
#pragma once

#include "footprint/feeds/detail/compressed_source.hpp"

#include <algorithm>
#include <array>
#include <condition_variable>
#include <cstddef>
#include <cstring>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace footprint::detail {

/// Private: runs a `compressed_source` on its own thread, `depth` chunks of `chunk_size`
/// bytes ahead of `read` (memory: depth x chunk_size). `read` has the source's contract:
/// the same bytes in the same order; a `stream_error` arrives after every byte decoded before
/// it, and repeats. The destructor stops the worker (after the chunk it is decoding) and
/// joins it. Not movable (the worker holds `this`); one reader thread at a time.
class read_ahead_source {
 public:
  static constexpr std::size_t depth = 4;

  /// @param source the opened file, taken over once the worker runs
  /// @param chunk_size bytes decoded per chunk, >= 1
  /// @throws std::system_error when the thread cannot be started, and std::bad_alloc; `source`
  ///         is then left with the caller, who can read it on its own thread
  read_ahead_source(std::unique_ptr<compressed_source>& source, std::size_t chunk_size)
      : chunk_size_(std::max<std::size_t>(chunk_size, 1)) {
    for (chunk& c : chunks_) c.bytes.resize(chunk_size_);
    source_ = std::move(source);
    try {
      worker_ = std::thread([this] { run(); });
    } catch (...) {
      source = std::move(source_);
      throw;
    }
  }
  read_ahead_source(const read_ahead_source&) = delete;
  read_ahead_source& operator=(const read_ahead_source&) = delete;
  ~read_ahead_source() {
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    free_.notify_one();
    worker_.join();
  }

  /// As `compressed_source::read`. @throws stream_error as the source threw it
  std::size_t read(char* dst, std::size_t want) {
    std::size_t got = 0;
    while (got < want) {
      if (current_ == nullptr) {
        std::unique_lock<std::mutex> lock(mutex_);
        ready_.wait(lock, [&] { return produced_ > consumed_; });
        current_ = &chunks_[consumed_ % depth];
        offset_ = 0;
      }
      const chunk& c = *current_;
      const std::size_t n = std::min(want - got, c.size - offset_);
      std::memcpy(dst + got, c.bytes.data() + offset_, n);
      offset_ += n;
      got += n;
      members_ = c.members;
      if (offset_ < c.size) break;  // got == want
      if (c.error) {
        if (got > 0) return got;  // the bytes before the damage first; the error next call
        std::rethrow_exception(c.error);
      }
      if (c.last) {
        ended_ = true;
        return got;
      }
      {
        const std::lock_guard<std::mutex> lock(mutex_);
        ++consumed_;
      }
      free_.notify_one();
      current_ = nullptr;
    }
    return got;
  }

  /// True once the last byte has been given.
  [[nodiscard]] bool ended() const noexcept { return ended_; }
  /// Members (gzip) or streams (bzip2) read, as of the bytes given.
  [[nodiscard]] std::size_t members() const noexcept { return members_; }

 private:
  struct chunk {
    std::vector<char> bytes;
    std::size_t size = 0;
    std::size_t members = 1;
    bool last = false;         // the file's last bytes
    std::exception_ptr error;  // after these bytes, the source threw this
  };

  // The worker: fills chunk k % depth once the reader has released chunk k - depth.
  void run() noexcept {
    for (std::size_t k = 0;; ++k) {
      {
        std::unique_lock<std::mutex> lock(mutex_);
        free_.wait(lock, [&] { return stop_ || k - consumed_ < depth; });
        if (stop_) return;
      }
      chunk& c = chunks_[k % depth];
      c.size = 0;
      try {
        while (c.size < chunk_size_ && !source_->ended())
          c.size += source_->read(c.bytes.data() + c.size, chunk_size_ - c.size);
        c.last = source_->ended();
      } catch (...) {
        c.error = std::current_exception();
      }
      c.members = source_->members();
      {
        const std::lock_guard<std::mutex> lock(mutex_);
        produced_ = k + 1;
      }
      ready_.notify_one();
      if (c.last || c.error) return;
    }
  }

  std::unique_ptr<compressed_source> source_;  // the worker's alone once it runs
  std::size_t chunk_size_;
  std::array<chunk, depth> chunks_;
  std::mutex mutex_;
  std::condition_variable ready_;   // a chunk was produced
  std::condition_variable free_;    // a chunk was released, or stop_
  std::size_t produced_ = 0;        // chunks filled (guarded by mutex_)
  std::size_t consumed_ = 0;        // chunks released (guarded by mutex_)
  bool stop_ = false;               // guarded by mutex_
  const chunk* current_ = nullptr;  // the reader's chunk
  std::size_t offset_ = 0;          // bytes of it given
  std::size_t members_ = 1;
  bool ended_ = false;
  std::thread worker_;  // last: started after every member above exists
};

}  // namespace footprint::detail
