// Hand-offs between the threads of a pipeline (start-up, import).
//
// BoundedQueue: hands items from producer threads to consumer threads, at
// most `capacity` waiting, so a fast producer waits instead of piling up
// memory. Close() ends it: Pop drains what is queued and then returns
// false; Push returns false and drops the item (the consumer has stopped).
// Thread-safe.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <vector>

namespace drover::core {

template <class T>
class BoundedQueue {
 public:
  explicit BoundedQueue(size_t capacity) : capacity_(capacity) {}

  // Waits for room. False when closed.
  bool Push(T item) {
    std::unique_lock lock(mu_);
    room_.wait(lock, [&] { return items_.size() < capacity_ || closed_; });
    if (closed_) return false;
    items_.push_back(std::move(item));
    ready_.notify_one();
    return true;
  }
  // Whether a Push now would wait.
  bool Full() {
    std::lock_guard lock(mu_);
    return items_.size() >= capacity_ && !closed_;
  }
  // Waits for an item. False once closed and empty.
  bool Pop(T& item) {
    std::unique_lock lock(mu_);
    ready_.wait(lock, [&] { return !items_.empty() || closed_; });
    if (items_.empty()) return false;
    item = std::move(items_.front());
    items_.pop_front();
    room_.notify_one();
    return true;
  }
  void Close() {
    std::lock_guard lock(mu_);
    closed_ = true;
    ready_.notify_all();
    room_.notify_all();
  }

 private:
  const size_t capacity_;
  std::mutex mu_;
  std::condition_variable ready_;  // an item was pushed, or closed
  std::condition_variable room_;   // an item was popped, or closed
  std::deque<T> items_;
  bool closed_ = false;
};

// Spent: what a consumer is done with, handed back to the producer thread
// to be destroyed there. glibc frees blocks from another thread's arena
// slowly (it takes that arena's lock for each one), so a pipeline that
// allocates on one thread should free on it too. Thread-safe.
template <class T>
class Spent {
 public:
  void GiveBack(T item) {
    std::lock_guard lock(mu_);
    items_.push_back(std::move(item));
  }
  // Everything given back so far; destroying it is the caller's.
  std::vector<T> Take() {
    std::vector<T> out;
    std::lock_guard lock(mu_);
    out.swap(items_);
    return out;
  }

 private:
  std::mutex mu_;
  std::vector<T> items_;
};

}  // namespace drover::core
