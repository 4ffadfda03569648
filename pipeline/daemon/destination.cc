#include "pipeline/daemon/destination.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <thread>

namespace cb::daemon {
namespace {

/// Threads that flush a batch's files at the same time.
constexpr std::size_t kFlushThreads = 8;

std::string errno_text(const std::string& what, const std::filesystem::path& p, int err) {
  std::string why = std::strerror(err);
  if (err == EROFS) why = "read-only file system";
  if (err == ENOSPC) why = "no space left on device (disk full)";
  if (err == EACCES || err == EPERM) why = "not permitted (read-only folder?)";
  return what + " " + p.string() + ": " + why;
}

/// Writes a parcel to its temp file in the folder and leaves it open (not yet
/// flushed or renamed): `fd` is set on success.
DeliveryResult write_temp(const std::filesystem::path& folder, const Parcel& p, int& fd) {
  const auto temp = folder / ("." + p.file_name + ".tmp");
  fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return {false, false, errno_text("cannot create a file in", folder, errno)};
  std::size_t done = 0;
  while (done < p.bytes.size()) {
    const ssize_t n = ::write(fd, p.bytes.data() + done, p.bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      fd = -1;
      ::unlink(temp.c_str());
      return {false, false, errno_text("cannot write into", folder, err)};
    }
    done += static_cast<std::size_t>(n);
  }
  return {};
}

/// Threads that flush files for every folder destination of the process.
/// They live as long as the process (a flush in flight at exit is moot).
class FlushPool {
 public:
  static FlushPool& instance() {
    static auto* pool = new FlushPool(kFlushThreads);  // never destroyed: see above
    return *pool;
  }

  /// fdatasync of every fd >= 0, several at a time: one flush waits for the
  /// device, and flushes in flight together share the device's cache
  /// flushes. Returns errno per fd (0 = flushed).
  std::vector<int> flush(const std::vector<int>& fds) {
    std::vector<int> err(fds.size(), 0);
    if (fds.empty()) return err;
    Job job{&fds, &err, 0, 0};
    {
      std::lock_guard guard(lock_);
      jobs_.push_back(&job);
    }
    wake_.notify_all();
    // The caller flushes too, then waits for the helpers' share.
    run(job);
    std::unique_lock guard(lock_);
    done_.wait(guard, [&] { return job.finished == fds.size(); });
    return err;
  }

 private:
  struct Job {
    const std::vector<int>* fds;
    std::vector<int>* err;
    std::size_t next;      // next index to take (under lock_)
    std::size_t finished;  // indexes done (under lock_)
  };

  explicit FlushPool(std::size_t helpers) {
    for (std::size_t i = 0; i < helpers; ++i) std::thread([this] { serve(); }).detach();
  }

  /// Flushes index `i` of `job` and records it; called without the lock, with
  /// the index taken under it. `job` must not be touched after the last one
  /// is recorded: its owner returns then.
  void flush_one(Job& job, std::size_t i) {
    const int fd = (*job.fds)[i];
    const int e = fd >= 0 && ::fdatasync(fd) != 0 ? errno : 0;
    std::lock_guard guard(lock_);
    (*job.err)[i] = e;
    if (++job.finished == job.fds->size()) done_.notify_all();
  }

  /// Takes the next index of `job` (lock held); false when none is left.
  bool take(Job& job, std::size_t& i) {
    if (job.next >= job.fds->size()) {
      std::erase(jobs_, &job);
      return false;
    }
    i = job.next++;
    if (job.next == job.fds->size()) std::erase(jobs_, &job);
    return true;
  }

  /// The owner's share: indexes of its own job until none is left.
  void run(Job& job) {
    for (;;) {
      std::size_t i = 0;
      {
        std::lock_guard guard(lock_);
        if (!take(job, i)) return;
      }
      flush_one(job, i);
    }
  }

  void serve() {
    for (;;) {
      Job* job = nullptr;
      std::size_t i = 0;
      {
        std::unique_lock guard(lock_);
        wake_.wait(guard, [&] { return !jobs_.empty(); });
        job = jobs_.front();
        if (!take(*job, i)) continue;
      }
      flush_one(*job, i);
    }
  }

  std::mutex lock_;
  std::condition_variable wake_, done_;
  std::vector<Job*> jobs_;
};

DeliveryResult rename_into_place(const std::filesystem::path& folder, const Parcel& p) {
  const auto temp = folder / ("." + p.file_name + ".tmp");
  if (::rename(temp.c_str(), (folder / p.file_name).c_str()) != 0) {
    const int err = errno;
    ::unlink(temp.c_str());
    return {false, false, errno_text("cannot rename into", folder, err)};
  }
  return {};
}

std::once_flag curl_once;

/// Files written and flushed per round (open descriptors at a time).
constexpr std::size_t kFolderChunk = 128;
/// From this many files in a round on, one syncfs flushes them all.
constexpr std::size_t kSyncfsFrom = 32;

std::size_t discard(char*, std::size_t size, std::size_t n, void*) { return size * n; }

}  // namespace

std::vector<DeliveryResult> FolderDestination::deliver(const std::vector<Parcel>& parcels) {
  std::vector<DeliveryResult> out;
  std::error_code ec;
  std::filesystem::create_directories(folder_, ec);
  if (ec) {
    out.assign(parcels.size(),
               DeliveryResult{false, false,
                              "cannot create the output folder " + folder_.string() + ": " +
                                  ec.message()});
    return out;
  }
  out.resize(parcels.size());
  const int dfd = ::open(folder_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) {
    const int err = errno;
    for (auto& r : out) r = {false, false, errno_text("cannot open the folder", folder_, err)};
    return out;
  }
  // Per chunk: every temp file written, then flushed, then renamed into place
  // (a file is renamed only after its flush); at the end one fsync of the
  // folder makes the renames durable. A small chunk (the steady flow) flushes
  // each file with fdatasync, several at a time: predictable latency whatever
  // else is dirty on the file system. A large chunk (a backlog) flushes with
  // one syncfs of the folder's file system: one writeback pass that shares
  // inode-table and journal writes between the files, far less work per file
  // than a flush each (its time grows with whatever else is dirty there).
  bool any = false;
  for (std::size_t first = 0; first < parcels.size(); first += kFolderChunk) {
    const std::size_t last = std::min(parcels.size(), first + kFolderChunk);
    std::vector<int> fds(last - first, -1);
    for (std::size_t i = first; i < last; ++i) out[i] = write_temp(folder_, parcels[i], fds[i - first]);
    std::vector<int> flushed(fds.size(), 0);
    if (fds.size() >= kSyncfsFrom) {
      if (::syncfs(dfd) != 0) flushed.assign(fds.size(), errno);
    } else {
      flushed = FlushPool::instance().flush(fds);
    }
    for (std::size_t i = first; i < last; ++i) {
      const int fd = fds[i - first];
      if (fd < 0) continue;
      ::close(fd);
      if (flushed[i - first] != 0) {
        ::unlink((folder_ / ("." + parcels[i].file_name + ".tmp")).c_str());
        out[i] = {false, false, errno_text("cannot flush a file in", folder_, flushed[i - first])};
        continue;
      }
      out[i] = rename_into_place(folder_, parcels[i]);
      any = any || out[i].ok;
    }
  }
  if (any && ::fsync(dfd) != 0) {
    const int err = errno;
    for (auto& r : out) {
      if (r.ok) r = {false, false, errno_text("cannot flush the folder", folder_, err)};
    }
  }
  ::close(dfd);
  return out;
}

std::vector<DeliveryResult> HttpDestination::deliver(const std::vector<Parcel>& parcels) {
  std::call_once(curl_once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  std::vector<DeliveryResult> out;
  CURL* curl = curl_easy_init();
  if (curl == nullptr) {
    out.assign(parcels.size(), DeliveryResult{false, false, "libcurl could not start"});
    return out;
  }
  for (const auto& p : parcels) {
    curl_easy_reset(curl);
    curl_slist* headers = nullptr;
    const std::string key = "Idempotency-Key: " + p.idempotency_key;
    const std::string name = "X-Carebridge-File-Name: " + p.file_name;
    headers = curl_slist_append(headers, key.c_str());
    headers = curl_slist_append(headers, name.c_str());
    headers = curl_slist_append(headers, "Content-Type: application/octet-stream");
    curl_easy_setopt(curl, CURLOPT_URL, url_.c_str());
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, p.bytes.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(p.bytes.size()));
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, timeout_ms_);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
    const CURLcode rc = curl_easy_perform(curl);
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(headers);
    if (rc != CURLE_OK) {
      out.push_back({false, false, url_ + ": " + curl_easy_strerror(rc)});
    } else if (status >= 200 && status < 300) {
      out.push_back({});
    } else {
      const bool transient = status == 408 || status == 429 || status >= 500;
      out.push_back({false, !transient, url_ + ": HTTP status " + std::to_string(status)});
    }
  }
  curl_easy_cleanup(curl);
  return out;
}

DestinationResolver default_resolver(const config::Config& cfg) {
  struct Cache {
    std::mutex lock;
    std::map<std::string, std::shared_ptr<Destination>> by_text;
  };
  auto cache = std::make_shared<Cache>();
  return [cfg, cache](const std::string& text) -> std::shared_ptr<Destination> {
    std::lock_guard guard(cache->lock);
    auto it = cache->by_text.find(text);
    if (it != cache->by_text.end()) return it->second;
    auto spec = parse_destination(text, cfg);
    if (!spec) return nullptr;
    std::shared_ptr<Destination> d;
    if (spec->kind == DestinationSpec::Kind::http) {
      d = std::make_shared<HttpDestination>(spec->url);
    } else {
      d = std::make_shared<FolderDestination>(spec->folder);
    }
    cache->by_text.emplace(text, d);
    return d;
  };
}

}  // namespace cb::daemon
