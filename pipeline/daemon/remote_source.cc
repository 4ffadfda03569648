#include "pipeline/daemon/remote_source.h"

#include <curl/curl.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>

#include "pipeline/daemon/directory_watcher.h"

namespace cb::daemon {
namespace {

std::once_flag curl_once;

std::string trim_secret(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

Result<std::string> secret_from(const std::optional<std::filesystem::path>& file,
                                const std::optional<std::string>& env, const char* file_key,
                                const char* env_key, const config::PollerConfig& cfg,
                                const std::filesystem::path& workdir) {
  auto problem = [&](const char* key, const std::string& why) {
    Location where = cfg.where.has(key) ? cfg.where.of(key) : cfg.where.of("");
    return fail(DiagCode::PollerCredential,
                "poller '" + cfg.name + "': " + key + " " + why, where);
  };
  if (file) {
    const auto p = file->is_absolute() ? *file : workdir / *file;
    std::ifstream in(p, std::ios::binary);
    if (!in) return problem(file_key, p.string() + " cannot be read: " + std::strerror(errno));
    std::ostringstream ss;
    ss << in.rdbuf();
    std::string v = trim_secret(std::move(ss).str());
    if (v.empty()) return problem(file_key, p.string() + " is empty");
    return v;
  }
  if (env) {
    const char* v = std::getenv(env->c_str());
    if (v == nullptr || *v == '\0') {
      return problem(env_key, "names environment variable " + *env + ", which is not set");
    }
    return trim_secret(v);
  }
  return std::string();
}

std::size_t append_body(char* data, std::size_t size, std::size_t n, void* user);
std::size_t take_header(char* data, std::size_t size, std::size_t n, void* user);
int progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t);

bool is_http_url(std::string_view u) {
  return u.starts_with("http://") || u.starts_with("https://");
}

std::string status_text(long status) {
  switch (status) {
    case 400: return " (Bad Request)";
    case 401: return " (Unauthorized: check the credentials)";
    case 403: return " (Forbidden: the account may not read this)";
    case 404: return " (Not Found: check the URL)";
    case 408: return " (Request Timeout)";
    case 410: return " (Gone)";
    case 429: return " (Too Many Requests)";
    case 500: return " (Internal Server Error)";
    case 502: return " (Bad Gateway)";
    case 503: return " (Service Unavailable)";
    case 504: return " (Gateway Timeout)";
    default: return "";
  }
}

/// Quotes a remote path for a libcurl SFTP quote command.
std::string quote_path(std::string_view path) {
  std::string out = "\"";
  for (char c : path) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace

struct RemoteSource::Handle {
  CURL* curl = nullptr;
  std::string* body = nullptr;
  std::int64_t max_bytes = 0;
  bool too_large = false;
  FetchedFile* meta = nullptr;
  const std::function<bool()>* cancelled = nullptr;
  ~Handle() {
    if (curl != nullptr) curl_easy_cleanup(curl);
  }
};

namespace {

std::size_t append_body(char* data, std::size_t size, std::size_t n, void* user) {
  auto* h = static_cast<RemoteSource::Handle*>(user);
  const std::size_t len = size * n;
  if (h->body == nullptr) return len;
  if (static_cast<std::int64_t>(h->body->size() + len) > h->max_bytes) {
    h->too_large = true;
    return 0;  // aborts the transfer (CURLE_WRITE_ERROR)
  }
  h->body->append(data, len);
  return len;
}

std::size_t take_header(char* data, std::size_t size, std::size_t n, void* user) {
  auto* h = static_cast<RemoteSource::Handle*>(user);
  const std::size_t len = size * n;
  if (h->meta == nullptr) return len;
  std::string_view line(data, len);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) return len;
  std::string name(line.substr(0, colon));
  for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  if (name == "etag") h->meta->etag = std::string(value);
  if (name == "last-modified") h->meta->last_modified = std::string(value);
  return len;
}

int progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* h = static_cast<RemoteSource::Handle*>(user);
  return (h->cancelled != nullptr && *h->cancelled && (*h->cancelled)()) ? 1 : 0;
}

}  // namespace

std::string_view to_string(RemoteStatus s) {
  switch (s) {
    case RemoteStatus::ok:
      return "ok";
    case RemoteStatus::nothing:
      return "nothing";
    case RemoteStatus::transient:
      return "transient";
    case RemoteStatus::permanent:
      return "permanent";
    case RemoteStatus::too_large:
      return "too_large";
  }
  return "transient";
}

Result<RemoteCredentials> read_credentials(const config::PollerConfig& cfg,
                                           const std::filesystem::path& workdir) {
  RemoteCredentials c;
  c.username = cfg.username.value_or("");
  auto password =
      secret_from(cfg.password_file, cfg.password_env, "password_file", "password_env", cfg, workdir);
  if (!password) return Unexpected(password.error());
  c.password = std::move(*password);
  auto token = secret_from(cfg.bearer_token_file, cfg.bearer_token_env, "bearer_token_file",
                           "bearer_token_env", cfg, workdir);
  if (!token) return Unexpected(token.error());
  c.bearer_token = std::move(*token);
  if (cfg.private_key_file) {
    const auto p = cfg.private_key_file->is_absolute() ? *cfg.private_key_file
                                                       : workdir / *cfg.private_key_file;
    std::ifstream in(p);
    if (!in) {
      return fail(DiagCode::PollerCredential,
                  "poller '" + cfg.name + "': private_key_file " + p.string() +
                      " cannot be read: " + std::strerror(errno),
                  cfg.where.of("private_key_file"));
    }
  }
  return c;
}

RemoteSource::RemoteSource(config::PollerConfig cfg, std::filesystem::path workdir,
                           RemoteCredentials credentials, std::function<bool()> cancelled)
    : cfg_(std::move(cfg)),
      workdir_(std::move(workdir)),
      credentials_(std::move(credentials)),
      cancelled_(std::move(cancelled)),
      handle_(std::make_unique<Handle>()) {
  std::call_once(curl_once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  handle_->curl = curl_easy_init();
  handle_->max_bytes = cfg_.max_bytes;
  handle_->cancelled = &cancelled_;
}

RemoteSource::~RemoteSource() = default;

RemoteResult RemoteSource::perform(const std::string& url, std::string* body, bool nobody,
                                   const std::vector<std::string>& quote, const char* method,
                                   std::vector<std::string> headers, FetchedFile* meta) {
  RemoteResult r;
  CURL* curl = handle_->curl;
  if (curl == nullptr) return {RemoteStatus::transient, "libcurl could not start", 0};
  curl_easy_reset(curl);  // keeps the connection (SSH session) for the next request
  handle_->body = body;
  handle_->too_large = false;
  handle_->meta = meta;
  const auto path_of = [&](const std::filesystem::path& p) {
    return (p.is_absolute() ? p : workdir_ / p).string();
  };
  const std::string key_file = cfg_.private_key_file ? path_of(*cfg_.private_key_file) : "";
  const std::string known_hosts = cfg_.known_hosts ? path_of(*cfg_.known_hosts) : "";
  const std::string ca_file = cfg_.ca_file ? path_of(*cfg_.ca_file) : "";
  std::string host_sha;
  if (cfg_.host_key_sha256) {
    host_sha = *cfg_.host_key_sha256;
    if (host_sha.starts_with("SHA256:")) host_sha.erase(0, 7);
    while (!host_sha.empty() && host_sha.back() == '=') host_sha.pop_back();
  }

  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(cfg_.timeout_seconds * 1000));
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(std::min<std::int64_t>(cfg_.timeout_seconds, 30) * 1000));
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, handle_.get());
  curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, progress);
  curl_easy_setopt(curl, CURLOPT_XFERINFODATA, handle_.get());
  curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(cfg_.max_bytes));
  if (nobody) curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  curl_slist* header_list = nullptr;
  curl_slist* quote_list = nullptr;
  if (cfg_.is_sftp()) {
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "sftp");
    if (!credentials_.username.empty()) {
      curl_easy_setopt(curl, CURLOPT_USERNAME, credentials_.username.c_str());
    }
    long auth = 0;
    if (!key_file.empty()) {
      curl_easy_setopt(curl, CURLOPT_SSH_PRIVATE_KEYFILE, key_file.c_str());
      auth |= CURLSSH_AUTH_PUBLICKEY;
    }
    if (!credentials_.password.empty()) {
      curl_easy_setopt(curl, CURLOPT_PASSWORD, credentials_.password.c_str());
      auth |= CURLSSH_AUTH_PASSWORD | CURLSSH_AUTH_KEYBOARD;
    }
    if (auth != 0) curl_easy_setopt(curl, CURLOPT_SSH_AUTH_TYPES, auth);
    if (cfg_.verify) {
      if (!known_hosts.empty()) curl_easy_setopt(curl, CURLOPT_SSH_KNOWNHOSTS, known_hosts.c_str());
      if (!host_sha.empty()) {
        curl_easy_setopt(curl, CURLOPT_SSH_HOST_PUBLIC_KEY_SHA256, host_sha.c_str());
      }
    }
    for (const auto& q : quote) quote_list = curl_slist_append(quote_list, q.c_str());
    if (quote_list != nullptr) curl_easy_setopt(curl, CURLOPT_QUOTE, quote_list);
  } else {
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 5L);
    curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, cfg_.verify ? 1L : 0L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, cfg_.verify ? 2L : 0L);
    if (!ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, ca_file.c_str());
    if (!credentials_.bearer_token.empty()) {
      curl_easy_setopt(curl, CURLOPT_HTTPAUTH, CURLAUTH_BEARER);
      curl_easy_setopt(curl, CURLOPT_XOAUTH2_BEARER, credentials_.bearer_token.c_str());
    } else if (!credentials_.password.empty()) {
      curl_easy_setopt(curl, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
      curl_easy_setopt(curl, CURLOPT_USERNAME, credentials_.username.c_str());
      curl_easy_setopt(curl, CURLOPT_PASSWORD, credentials_.password.c_str());
    }
    if (method != nullptr) curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, take_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, handle_.get());
    headers.emplace_back("User-Agent: carebridge-poller");
    for (const auto& h : headers) header_list = curl_slist_append(header_list, h.c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, header_list);
  }
  const CURLcode rc = curl_easy_perform(curl);
  long status = 0;
  if (!cfg_.is_sftp()) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(header_list);
  curl_slist_free_all(quote_list);
  handle_->body = nullptr;
  handle_->meta = nullptr;
  r.http_status = status;

  if (handle_->too_large || rc == CURLE_FILESIZE_EXCEEDED) {
    return {RemoteStatus::too_large,
            url + " is larger than max_bytes (" + std::to_string(cfg_.max_bytes) + ")", status};
  }
  if (rc != CURLE_OK) {
    r.reason = url + ": " + curl_easy_strerror(rc);
    switch (rc) {
      case CURLE_LOGIN_DENIED:
        r.reason += " (check username, password or private key)";
        r.status = RemoteStatus::permanent;
        break;
      case CURLE_PEER_FAILED_VERIFICATION:
      case CURLE_SSL_CACERT_BADFILE:
      case CURLE_SSL_CERTPROBLEM:
        r.reason += cfg_.is_sftp() ? " (the host key does not match known_hosts/host_key_sha256)"
                                   : " (the server's certificate is not trusted)";
        r.status = RemoteStatus::permanent;
        break;
      case CURLE_REMOTE_ACCESS_DENIED:
      case CURLE_REMOTE_FILE_NOT_FOUND:
      case CURLE_UNSUPPORTED_PROTOCOL:
      case CURLE_URL_MALFORMAT:
      case CURLE_QUOTE_ERROR:
      case CURLE_TOO_MANY_REDIRECTS:
        r.status = RemoteStatus::permanent;
        break;
      case CURLE_ABORTED_BY_CALLBACK:
        r.reason = url + ": stopped";
        r.status = RemoteStatus::transient;
        break;
      default:  // connection refused, timeout, reset, DNS, ...
        r.status = RemoteStatus::transient;
        break;
    }
    return r;
  }
  if (!cfg_.is_sftp()) {
    if (status == 204 || status == 304) return {RemoteStatus::nothing, {}, status};
    if (status < 200 || status >= 300) {
      r.reason = url + ": HTTP status " + std::to_string(status) + status_text(status);
      const bool transient = status == 408 || status == 425 || status == 429 || status >= 500;
      r.status = transient ? RemoteStatus::transient : RemoteStatus::permanent;
      return r;
    }
  }
  return r;
}

RemoteResult RemoteSource::list(std::vector<RemoteEntry>& out) {
  out.clear();
  std::string body;
  auto r = perform(cfg_.url, &body, false, {}, nullptr, {"Accept: application/json"}, nullptr);
  if (!r.ok()) {
    if (r.status == RemoteStatus::nothing) r.status = RemoteStatus::ok;  // empty index
    if (r.status == RemoteStatus::too_large) {
      r.status = RemoteStatus::permanent;
      r.reason = "the listing of " + r.reason;
    }
    return r;
  }
  if (cfg_.is_sftp()) {
    out = parse_sftp_listing(body, cfg_.url, url_path(cfg_.url));
    return r;
  }
  auto entries = parse_url_index(body, cfg_.url);
  if (!entries) {
    return {RemoteStatus::permanent, cfg_.url + ": " + entries.error().message, r.http_status};
  }
  out = std::move(*entries);
  return r;
}

FetchedFile RemoteSource::fetch(const std::string& url, const std::string& etag,
                                const std::string& last_modified) {
  FetchedFile f;
  std::vector<std::string> headers;
  if (!etag.empty()) headers.push_back("If-None-Match: " + etag);
  if (!last_modified.empty()) headers.push_back("If-Modified-Since: " + last_modified);
  f.result = perform(url, &f.bytes, false, {}, nullptr, std::move(headers), &f);
  if (!f.result.ok()) f.bytes.clear();
  return f;
}

RemoteResult RemoteSource::acknowledge(const RemoteEntry& entry) {
  const auto after = cfg_.effective_after_fetch();
  if (after == config::PollerAfterFetch::keep) return {};
  if (!cfg_.is_sftp()) {
    auto r = perform(entry.url, nullptr, false, {}, "DELETE", {}, nullptr);
    if (r.http_status == 404 || r.http_status == 410) return {};  // already gone
    if (r.status == RemoteStatus::nothing) r.status = RemoteStatus::ok;
    return r;
  }
  std::string command;
  if (after == config::PollerAfterFetch::delete_) {
    command = "rm " + quote_path(entry.path);
  } else {
    std::string target = cfg_.move_to.value_or("/");
    if (!target.ends_with('/')) target += '/';
    command = "rename " + quote_path(entry.path) + " " + quote_path(target + entry.name);
  }
  return perform(cfg_.url, nullptr, true, {command}, nullptr, {}, nullptr);
}

std::vector<RemoteEntry> parse_sftp_listing(std::string_view listing, std::string_view folder_url,
                                            std::string_view folder_path) {
  std::vector<RemoteEntry> out;
  std::size_t pos = 0;
  while (pos < listing.size()) {
    auto end = listing.find('\n', pos);
    if (end == std::string_view::npos) end = listing.size();
    std::string_view line = listing.substr(pos, end - pos);
    pos = end + 1;
    while (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line.front() != '-') continue;  // regular files only
    // perms links owner group size month day time-or-year name…
    std::string_view rest = line;
    std::string_view fields[8];
    bool complete = true;
    for (auto& field : fields) {
      while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
      const auto sp = rest.find(' ');
      if (sp == std::string_view::npos) {
        complete = false;
        break;
      }
      field = rest.substr(0, sp);
      rest.remove_prefix(sp);
    }
    if (!complete) continue;
    if (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    const std::string name(rest);
    if (name.empty() || name.find('/') != std::string::npos ||
        DirectoryWatcher::is_temp_name(name)) {
      continue;
    }
    RemoteEntry e;
    e.name = name;
    char* escaped = curl_easy_escape(nullptr, name.c_str(), static_cast<int>(name.size()));
    e.url = std::string(folder_url) + (escaped != nullptr ? escaped : name);
    curl_free(escaped);
    e.path = std::string(folder_path) + name;
    std::int64_t size = 0;
    bool digits = !fields[4].empty();
    for (char c : fields[4]) {
      if (c < '0' || c > '9' || size > (std::int64_t{1} << 56)) {
        digits = false;
        break;
      }
      size = size * 10 + (c - '0');
    }
    e.size = digits ? size : -1;
    e.stamp = std::string(fields[5]) + " " + std::string(fields[6]) + " " + std::string(fields[7]);
    out.push_back(std::move(e));
  }
  return out;
}

std::string resolve_url(std::string_view base, std::string_view ref) {
  if (ref.find("://") != std::string_view::npos) return std::string(ref);
  const auto scheme = base.find("://");
  if (scheme == std::string_view::npos) return std::string(ref);
  const auto path_start = base.find('/', scheme + 3);
  const std::string_view origin = base.substr(0, path_start);
  if (ref.starts_with("/")) return std::string(origin) + std::string(ref);
  std::string_view dir = path_start == std::string_view::npos ? "/" : base.substr(path_start);
  const auto query = dir.find_first_of("?#");
  if (query != std::string_view::npos) dir = dir.substr(0, query);
  dir = dir.substr(0, dir.rfind('/') + 1);
  return std::string(origin) + std::string(dir) + std::string(ref);
}

Result<std::vector<RemoteEntry>> parse_url_index(std::string_view json,
                                                 std::string_view index_url) {
  auto doc = nlohmann::json::parse(json, nullptr, false);
  if (doc.is_discarded()) {
    return fail(DiagCode::PollerListing, "the index is not JSON (expected an array of URLs)");
  }
  if (!doc.is_array()) {
    return fail(DiagCode::PollerListing,
                std::string("the index is a JSON ") + doc.type_name() + ", not an array of URLs");
  }
  std::vector<RemoteEntry> out;
  std::size_t i = 0;
  for (const auto& item : doc) {
    if (!item.is_string() || item.get_ref<const std::string&>().empty()) {
      return fail(DiagCode::PollerListing,
                  "index entry " + std::to_string(i) + " is not a non-empty URL string");
    }
    const auto& ref = item.get_ref<const std::string&>();
    RemoteEntry e;
    e.url = resolve_url(index_url, ref);
    if (!is_http_url(e.url) || e.url.find_first_of(" \t\r\n") != std::string::npos) {
      return fail(DiagCode::PollerListing,
                  "index entry " + std::to_string(i) + " '" + ref + "' is not an http(s) URL");
    }
    std::string_view path = e.url;
    if (auto q = path.find_first_of("?#"); q != std::string_view::npos) path = path.substr(0, q);
    e.name = std::string(path.substr(path.rfind('/') + 1));
    if (e.name.empty()) e.name = "message";
    out.push_back(std::move(e));
    ++i;
  }
  return out;
}

std::string url_path(std::string_view url) {
  const auto scheme = url.find("://");
  if (scheme == std::string_view::npos) return {};
  const auto start = url.find('/', scheme + 3);
  if (start == std::string_view::npos) return "/";
  std::string_view raw = url.substr(start);
  if (auto q = raw.find_first_of("?#"); q != std::string_view::npos) raw = raw.substr(0, q);
  int n = 0;
  char* decoded = curl_easy_unescape(nullptr, raw.data(), static_cast<int>(raw.size()), &n);
  std::string out = decoded != nullptr ? std::string(decoded, static_cast<std::size_t>(n))
                                       : std::string(raw);
  curl_free(decoded);
  if (out.starts_with("/~/")) out.erase(0, 3);
  return out;
}

}  // namespace cb::daemon
