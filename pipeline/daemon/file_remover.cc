#include "pipeline/daemon/file_remover.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace cb::daemon {

FileRemover::FileRemover(OnError on_error, std::size_t threads)
    : on_error_(std::move(on_error)), threads_wanted_(threads == 0 ? 1 : threads) {}

FileRemover::~FileRemover() { stop(); }

void FileRemover::start() {
  std::lock_guard guard(lock_);
  if (!threads_.empty()) return;
  stopping_ = false;
  for (std::size_t i = 0; i < threads_wanted_; ++i) threads_.emplace_back([this] { work(); });
}

void FileRemover::stop() {
  std::vector<std::thread> threads;
  {
    std::lock_guard guard(lock_);
    stopping_ = true;
    threads.swap(threads_);
  }
  wake_.notify_all();
  for (auto& t : threads) t.join();
  // Anything queued after the threads saw the stop: removed here.
  std::deque<std::filesystem::path> rest;
  {
    std::lock_guard guard(lock_);
    rest.swap(queue_);
  }
  for (const auto& f : rest) remove_now(f);
  idle_.notify_all();
}

void FileRemover::remove(std::vector<std::filesystem::path> files) {
  {
    std::lock_guard guard(lock_);
    if (!threads_.empty()) {
      for (auto& f : files) queue_.push_back(std::move(f));
      files.clear();
    }
  }
  if (files.empty()) {
    wake_.notify_all();
    return;
  }
  for (const auto& f : files) remove_now(f);
}

void FileRemover::drain() {
  std::unique_lock guard(lock_);
  idle_.wait(guard, [&] { return (queue_.empty() && busy_ == 0) || threads_.empty(); });
}

std::size_t FileRemover::pending() const {
  std::lock_guard guard(lock_);
  return queue_.size() + busy_;
}

void FileRemover::work() {
  std::unique_lock guard(lock_);
  for (;;) {
    wake_.wait(guard, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping and nothing left
    std::filesystem::path file = std::move(queue_.front());
    queue_.pop_front();
    ++busy_;
    guard.unlock();
    remove_now(file);
    guard.lock();
    --busy_;
    if (queue_.empty() && busy_ == 0) idle_.notify_all();
  }
}

void FileRemover::remove_now(const std::filesystem::path& file) const {
  if (::unlink(file.c_str()) == 0 || errno == ENOENT) return;
  if (on_error_) on_error_(file, std::strerror(errno));
}

}  // namespace cb::daemon
