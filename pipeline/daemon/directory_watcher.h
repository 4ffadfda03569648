#pragma once
// Watches intake folders with inotify and hands out files that are complete:
// those that arrived by rename (IN_MOVED_TO) or were closed after writing
// (IN_CLOSE_WRITE). Files already there at start-up (or after an inotify queue
// overflow) are taken once their size and time stayed the same for a moment.
// Each event costs O(1): there is no rescan of the folder per event, so tens
// of thousands of files in a folder do not slow it down. Names starting with
// '.' or ending in .tmp/.part are a writer's temp files and are ignored.

#include <chrono>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace cb::daemon {

class DirectoryWatcher {
 public:
  using Clock = std::chrono::steady_clock;

  DirectoryWatcher();
  ~DirectoryWatcher();
  DirectoryWatcher(const DirectoryWatcher&) = delete;
  DirectoryWatcher& operator=(const DirectoryWatcher&) = delete;

  /// Watches a folder (created when missing) and scans what is already there.
  /// False with `error` set when the folder cannot be created or watched.
  bool watch(const std::filesystem::path& folder, std::string& error);
  /// Stops watching every folder (a reload watches the new set).
  void clear();
  /// The inotify descriptor, for poll().
  int fd() const { return fd_; }

  /// Reads pending events without blocking and re-checks settling files.
  void poll_events();
  /// Up to `n` complete files, oldest first; each is handed out once until it
  /// is forgotten (after it was taken, or when it vanished).
  std::vector<std::filesystem::path> take(std::size_t n);
  /// Makes a taken file eligible again (it could not be stored this time).
  void forget(const std::filesystem::path& file);
  std::size_t ready() const { return ready_.size(); }
  std::size_t settling() const { return settling_.size(); }

  /// How long a pre-existing file must keep its size and time.
  std::chrono::milliseconds settle_time{300};

  static bool is_temp_name(const std::string& name);

 private:
  struct Settling {
    std::uintmax_t size = 0;
    std::filesystem::file_time_type mtime;
    Clock::time_point since;
  };
  void scan(const std::filesystem::path& folder);
  void offer(const std::filesystem::path& file);

  int fd_ = -1;
  std::map<int, std::filesystem::path> folders_;
  std::deque<std::filesystem::path> ready_;
  std::set<std::filesystem::path> queued_;
  std::map<std::filesystem::path, Settling> settling_;
};

}  // namespace cb::daemon
