#pragma once
// One remote source of a poller, spoken to with libcurl: an SFTP folder
// (list, fetch each file, then rm or rename it) or an HTTP(S) URL (one
// message, or a JSON index of message URLs; DELETE after storing when asked).
// Every outcome is classified the way the pipeline needs it: ok, nothing new,
// transient (connection refused, timeout, 5xx, 408, 429: retried with
// backoff), permanent (401, 403, 404, login denied, host key or certificate
// rejected: reported, not retried before the next interval) or too large.
// One RemoteSource keeps one curl handle, so an SFTP session or an HTTP
// connection is reused for every request of a polling round.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/diag/diagnostic.h"
#include "pipeline/config/config.h"

namespace cb::daemon {

/// How one remote request ended.
enum class RemoteStatus : std::uint8_t { ok, nothing, transient, permanent, too_large };

std::string_view to_string(RemoteStatus s);

struct RemoteResult {
  RemoteStatus status = RemoteStatus::ok;
  std::string reason;    // for people: "HTTP status 401 (Unauthorized) from https://…"
  long http_status = 0;  // 0 for sftp or when no answer came
  bool ok() const { return status == RemoteStatus::ok; }
};

/// One file of a remote folder, or one message URL of an index.
struct RemoteEntry {
  std::string name;      // file name (sftp) or the last path segment (index)
  std::string url;       // what to fetch
  std::string path;      // sftp: remote path for rm / rename
  std::int64_t size = -1;  // from the listing; -1 unknown
  std::string stamp;     // listing's date text; with name and size the "seen" key
  std::string key() const { return url + "\n" + std::to_string(size) + "\n" + stamp; }
};

/// A fetched message body.
struct FetchedFile {
  RemoteResult result;
  std::string bytes;
  std::string etag, last_modified;  // http single mode: for the next conditional GET
};

/// The secrets of a poller, read from the files or environment variables the
/// configuration names (read at every round, so a rotated secret is picked up).
struct RemoteCredentials {
  std::string username, password, bearer_token;
};

/// Reads the credentials a poller configuration refers to; POL002 naming the
/// key and the file or variable when one cannot be read or is empty.
Result<RemoteCredentials> read_credentials(const config::PollerConfig& cfg,
                                           const std::filesystem::path& workdir);

class RemoteSource {
 public:
  /// `cancelled` is asked during transfers; true aborts the request (stop).
  RemoteSource(config::PollerConfig cfg, std::filesystem::path workdir,
               RemoteCredentials credentials, std::function<bool()> cancelled = {});
  ~RemoteSource();
  RemoteSource(const RemoteSource&) = delete;
  RemoteSource& operator=(const RemoteSource&) = delete;

  /// The files of the SFTP folder, or the message URLs of the HTTP index.
  RemoteResult list(std::vector<RemoteEntry>& out);
  /// Fetches one URL. `etag`/`last_modified` make an HTTP GET conditional.
  FetchedFile fetch(const std::string& url, const std::string& etag = {},
                    const std::string& last_modified = {});
  /// After the entry was stored: deletes or moves it remotely (sftp), or sends
  /// DELETE (http). A no-op for after_fetch = "keep".
  RemoteResult acknowledge(const RemoteEntry& entry);

  /// The curl handle and the state its callbacks see (remote_source.cc).
  struct Handle;

 private:
  RemoteResult perform(const std::string& url, std::string* body, bool nobody,
                       const std::vector<std::string>& quote, const char* method,
                       std::vector<std::string> headers, FetchedFile* meta);

  config::PollerConfig cfg_;
  std::filesystem::path workdir_;
  RemoteCredentials credentials_;
  std::function<bool()> cancelled_;
  std::unique_ptr<Handle> handle_;
};

/// Parses an SFTP long listing as libcurl returns it (one `ls -l` style line
/// per entry): regular files only, '.'-names and writers' temp names
/// (.tmp/.part) skipped. `folder_url` ends with '/'; `folder_path` is the
/// remote path of the folder.
std::vector<RemoteEntry> parse_sftp_listing(std::string_view listing, std::string_view folder_url,
                                            std::string_view folder_path);

/// Parses an HTTP index: a JSON array of URL strings (absolute, or relative to
/// `index_url`). POL006 with the reason when it is not one.
Result<std::vector<RemoteEntry>> parse_url_index(std::string_view json, std::string_view index_url);

/// `ref` resolved against `base` (absolute URL, absolute path, or relative path).
std::string resolve_url(std::string_view base, std::string_view ref);

/// The percent-decoded path of a URL ("sftp://h:22/in%20box/" → "/in box/");
/// "/~/x" becomes "x" (relative to the login folder).
std::string url_path(std::string_view url);

}  // namespace cb::daemon
