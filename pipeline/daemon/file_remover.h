#pragma once
// Removes intake files whose messages have committed, off the pipeline
// thread. Removing a file can wait for the device (ext4 with `discard` frees
// and trims its blocks before unlink returns); a few threads removing at the
// same time overlap those waits, and the pipeline goes on with the next batch
// meanwhile. A crash before a file is gone leaves it in the folder: on the next
// start it is a duplicate by content hash, never a second message.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <filesystem>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace cb::daemon {

class FileRemover {
 public:
  /// Called with a file and the reason when it could not be removed (not for
  /// a file that is already gone).
  using OnError = std::function<void(const std::filesystem::path&, const std::string&)>;

  explicit FileRemover(OnError on_error, std::size_t threads = 4);
  ~FileRemover();
  FileRemover(const FileRemover&) = delete;
  FileRemover& operator=(const FileRemover&) = delete;

  /// Starts the threads; until then (and after stop) remove() works inline.
  void start();
  /// Removes what is queued, then ends the threads. Idempotent.
  void stop();

  /// Queues the files (or removes them now when not started).
  void remove(std::vector<std::filesystem::path> files);
  /// Waits until every queued file is removed.
  void drain();
  /// Files queued and not yet removed.
  std::size_t pending() const;

 private:
  void work();
  void remove_now(const std::filesystem::path& file) const;

  OnError on_error_;
  std::size_t threads_wanted_;
  mutable std::mutex lock_;
  std::condition_variable wake_, idle_;
  std::deque<std::filesystem::path> queue_;
  std::size_t busy_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace cb::daemon
