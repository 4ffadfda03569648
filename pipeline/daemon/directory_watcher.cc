#include "pipeline/daemon/directory_watcher.h"

#include <sys/inotify.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

namespace cb::daemon {

namespace fs = std::filesystem;

DirectoryWatcher::DirectoryWatcher() : fd_(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) {}

DirectoryWatcher::~DirectoryWatcher() {
  if (fd_ >= 0) ::close(fd_);
}

bool DirectoryWatcher::is_temp_name(const std::string& name) {
  if (name.empty() || name.front() == '.') return true;
  for (const char* ext : {".tmp", ".part", ".partial", ".filepart"}) {
    if (name.ends_with(ext)) return true;
  }
  return false;
}

bool DirectoryWatcher::watch(const fs::path& folder, std::string& error) {
  if (fd_ < 0) {
    error = std::string("inotify is not available: ") + std::strerror(errno);
    return false;
  }
  std::error_code ec;
  fs::create_directories(folder, ec);
  if (ec) {
    error = "cannot create intake folder " + folder.string() + ": " + ec.message();
    return false;
  }
  const int wd = ::inotify_add_watch(fd_, folder.c_str(), IN_CLOSE_WRITE | IN_MOVED_TO);
  if (wd < 0) {
    error = "cannot watch " + folder.string() + ": " + std::strerror(errno);
    return false;
  }
  folders_[wd] = folder;
  scan(folder);
  return true;
}

void DirectoryWatcher::clear() {
  for (const auto& [wd, folder] : folders_) ::inotify_rm_watch(fd_, wd);
  folders_.clear();
  ready_.clear();
  queued_.clear();
  settling_.clear();
}

void DirectoryWatcher::scan(const fs::path& folder) {
  std::error_code ec;
  const auto now = Clock::now();
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    const auto name = it->path().filename().string();
    if (is_temp_name(name) || queued_.contains(it->path())) continue;
    std::error_code e2;
    if (!it->is_regular_file(e2)) continue;
    Settling s;
    s.size = it->file_size(e2);
    s.mtime = it->last_write_time(e2);
    s.since = now;
    settling_.insert_or_assign(it->path(), s);
  }
}

void DirectoryWatcher::offer(const fs::path& file) {
  if (queued_.insert(file).second) ready_.push_back(file);
  settling_.erase(file);
}

void DirectoryWatcher::poll_events() {
  if (fd_ >= 0) {
    alignas(inotify_event) std::array<char, 65536> buf{};
    for (;;) {
      const ssize_t n = ::read(fd_, buf.data(), buf.size());
      if (n <= 0) break;
      for (ssize_t off = 0; off < n;) {
        const auto* ev = reinterpret_cast<const inotify_event*>(buf.data() + off);
        off += static_cast<ssize_t>(sizeof(inotify_event) + ev->len);
        if ((ev->mask & IN_Q_OVERFLOW) != 0) {
          for (const auto& [wd, folder] : folders_) scan(folder);
          continue;
        }
        auto it = folders_.find(ev->wd);
        if (it == folders_.end() || ev->len == 0) continue;
        const std::string name(ev->name);
        if (is_temp_name(name)) continue;
        offer(it->second / name);
      }
    }
  }
  // Files found by a scan: complete once unchanged for settle_time.
  const auto now = Clock::now();
  for (auto it = settling_.begin(); it != settling_.end();) {
    std::error_code ec;
    const auto size = fs::file_size(it->first, ec);
    if (ec) {
      it = settling_.erase(it);
      continue;
    }
    const auto mtime = fs::last_write_time(it->first, ec);
    if (size != it->second.size || mtime != it->second.mtime) {
      it->second = {size, mtime, now};
      ++it;
    } else if (now - it->second.since >= settle_time) {
      const fs::path file = it->first;
      it = settling_.erase(it);
      if (queued_.insert(file).second) ready_.push_back(file);
    } else {
      ++it;
    }
  }
}

std::vector<fs::path> DirectoryWatcher::take(std::size_t n) {
  std::vector<fs::path> out;
  while (!ready_.empty() && out.size() < n) {
    out.push_back(std::move(ready_.front()));
    ready_.pop_front();
    queued_.erase(out.back());
  }
  return out;
}

void DirectoryWatcher::forget(const fs::path& file) { queued_.erase(file); }

}  // namespace cb::daemon
