#include "pipeline/daemon/destination.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <mutex>

namespace cb::daemon {
namespace {

std::string errno_text(const std::string& what, const std::filesystem::path& p, int err) {
  std::string why = std::strerror(err);
  if (err == EROFS) why = "read-only file system";
  if (err == ENOSPC) why = "no space left on device (disk full)";
  if (err == EACCES || err == EPERM) why = "not permitted (read-only folder?)";
  return what + " " + p.string() + ": " + why;
}

/// Writes a parcel to its temp file in the folder (not yet flushed or renamed).
DeliveryResult write_temp(const std::filesystem::path& folder, const Parcel& p, bool flush) {
  const auto temp = folder / ("." + p.file_name + ".tmp");
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return {false, false, errno_text("cannot create a file in", folder, errno)};
  std::size_t done = 0;
  while (done < p.bytes.size()) {
    const ssize_t n = ::write(fd, p.bytes.data() + done, p.bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      ::unlink(temp.c_str());
      return {false, false, errno_text("cannot write into", folder, err)};
    }
    done += static_cast<std::size_t>(n);
  }
  if (flush && ::fsync(fd) != 0) {
    const int err = errno;
    ::close(fd);
    ::unlink(temp.c_str());
    return {false, false, errno_text("cannot flush a file in", folder, err)};
  }
  ::close(fd);
  return {};
}

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
  // Every temp file first; then one flush for all of them (one file: its
  // fsync; more: syncfs of the folder's file system, much cheaper than one
  // fsync per file); then the renames and one fsync of the folder.
  const bool single = parcels.size() == 1;
  for (const auto& p : parcels) out.push_back(write_temp(folder_, p, single));
  const int dfd = ::open(folder_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) {
    const int err = errno;
    for (auto& r : out) {
      if (r.ok) r = {false, false, errno_text("cannot open the folder", folder_, err)};
    }
    return out;
  }
  if (!single && ::syncfs(dfd) != 0) {
    const int err = errno;
    for (auto& r : out) {
      if (r.ok) r = {false, false, errno_text("cannot flush files in", folder_, err)};
    }
  }
  bool any = false;
  for (std::size_t i = 0; i < parcels.size(); ++i) {
    if (out[i].ok) out[i] = rename_into_place(folder_, parcels[i]);
    any = any || out[i].ok;
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
