#include "pipeline/http/api.h"

#include <openssl/evp.h>
#include <spdlog/spdlog.h>

#include <charconv>
#include <chrono>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "pipeline/http/embedded.h"
#include "pipeline/log/log.h"

namespace cb::http {

using nlohmann::json;

std::string Request::header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? std::string() : it->second;
}

bool is_safe_file_name(std::string_view name) {
  if (name.empty() || name.size() > 255 || name == "." || name == "..") return false;
  if (name.find("..") != std::string_view::npos) return false;
  for (unsigned char c : name) {
    if (c == '/' || c == '\\' || c == ':' || c < 0x20 || c == 0x7F) return false;
  }
  return true;
}

bool url_decode(std::string_view in, std::string& out, bool plus_is_space) {
  out.clear();
  for (std::size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return false;
      int v = 0;
      for (std::size_t k = 1; k <= 2; ++k) {
        const char h = in[i + k];
        v *= 16;
        if (h >= '0' && h <= '9') v += h - '0';
        else if (h >= 'a' && h <= 'f') v += h - 'a' + 10;
        else if (h >= 'A' && h <= 'F') v += h - 'A' + 10;
        else return false;
      }
      out += static_cast<char>(v);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return true;
}

namespace {

using Params = std::map<std::string, std::string>;  // {placeholders} of the route
using Query = std::map<std::string, std::string>;

std::string dump(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

Response json_response(unsigned status, const json& j) {
  Response r;
  r.status = status;
  r.body = dump(j);
  return r;
}

bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    if (c < 0x80) n = 0;
    else if ((c & 0xE0) == 0xC0 && c >= 0xC2) n = 1;
    else if ((c & 0xF0) == 0xE0) n = 2;
    else if ((c & 0xF8) == 0xF0 && c <= 0xF4) n = 3;
    else return false;
    if (i + n >= s.size()) return false;
    for (std::size_t k = 1; k <= n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += n + 1;
  }
  return true;
}

std::string base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

json diag_json(const Diagnostic& d) {
  return {{"code", std::string(code_id(d.code))},
          {"severity", std::string(to_string(d.severity))},
          {"location", d.where.to_string()},
          {"message", d.message},
          {"hint", d.hint}};
}

json summary_json(const MessageSummary& m) {
  return {{"id", m.id},
          {"tenant", m.tenant},
          {"direction", m.direction},
          {"route", m.route},
          {"adapter", m.adapter},
          {"source", m.source},
          {"state", m.state},
          {"business_key", m.business_key},
          {"byte_size", m.byte_size},
          {"attempts", m.attempts},
          {"next_attempt_at", m.next_attempt_at},
          {"created_at", m.created_at},
          {"updated_at", m.updated_at},
          {"diagnostic_count", m.diagnostic_count}};
}

json detail_json(const MessageDetail& d) {
  json j = summary_json(d.summary);
  j["content_hash"] = d.content_hash;
  j["bytes_pruned"] = d.bytes_pruned;
  j["body"] = valid_utf8(d.bytes) ? json(d.bytes) : json(nullptr);
  j["body_base64"] = base64(d.bytes);
  json events = json::array();
  for (const auto& e : d.events) {
    events.push_back({{"at", e.at},
                      {"actor", e.actor},
                      {"from_state", e.from_state},
                      {"to_state", e.to_state},
                      {"note", e.note}});
  }
  j["events"] = std::move(events);
  json diags = json::array();
  for (const auto& x : d.diagnostics) {
    diags.push_back({{"at", x.at},
                     {"severity", x.severity},
                     {"code", x.code},
                     {"location", x.location},
                     {"message", x.message},
                     {"hint", x.hint}});
  }
  j["diagnostics"] = std::move(diags);
  return j;
}

json job_run_json(const JobRun& r) {
  return {{"id", r.id},
          {"job", r.job},
          {"working_date", r.working_date},
          {"filter", r.filter},
          {"state", r.state},
          {"started_at", r.started_at},
          {"finished_at", r.finished_at},
          {"counts", r.counts},
          {"log", r.log}};
}

Response backend_failure(const Diagnostic& d) {
  const unsigned status = d.code == DiagCode::StoreBusy ? 503u : 500u;
  json j = {{"error",
             {{"code", std::string(code_id(DiagCode::ApiBackend))},
              {"message", "the backend could not answer"},
              {"cause", diag_json(d)}}}};
  spdlog::warn("http: backend failure {}", cb::log::redact(d.to_string()));
  return json_response(status, j);
}

bool parse_int(std::string_view s, std::int64_t& out) {
  if (s.empty()) return false;
  const auto* end = s.data() + s.size();
  auto [p, ec] = std::from_chars(s.data(), end, out);
  return ec == std::errc() && p == end;
}

bool is_job_name(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) return false;
  }
  return true;
}

/// Header values we pass on must be printable ASCII.
bool is_printable(std::string_view s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c > 0x7E) return false;
  }
  return true;
}

struct RouteDef {
  RouteInfo info;
  std::vector<std::string> segments;  // split pattern
  std::function<Response(const Request&, const Caller*, const Params&, const Query&)> run;
};

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> out;
  std::size_t i = 0;
  if (!path.empty() && path.front() == '/') i = 1;
  while (i <= path.size()) {
    const auto j = path.find('/', i);
    const auto end = j == std::string_view::npos ? path.size() : j;
    out.emplace_back(path.substr(i, end - i));
    if (j == std::string_view::npos) break;
    i = j + 1;
  }
  return out;
}

bool allowed(Access a, const Caller* c) {
  switch (a) {
    case Access::open: return true;
    case Access::viewer: return c != nullptr;
    case Access::operator_: return c && c->role >= Role::operator_;
    case Access::admin: return c && c->role == Role::admin;
  }
  return false;
}

std::string_view content_type_for(std::string_view path) {
  auto ends = [&](std::string_view s) { return path.ends_with(s); };
  if (ends(".html")) return "text/html; charset=utf-8";
  if (ends(".js")) return "text/javascript; charset=utf-8";
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".json")) return "application/json";
  if (ends(".svg")) return "image/svg+xml";
  if (ends(".png")) return "image/png";
  if (ends(".ico")) return "image/x-icon";
  return "application/octet-stream";
}

}  // namespace

struct ApiHandler::Impl {
  Backend& backend;
  Authenticator auth;
  std::optional<std::filesystem::path> static_dir;
  std::vector<RouteDef> defs;

  Impl(Backend& b, Authenticator a, std::optional<std::filesystem::path> dir)
      : backend(b), auth(std::move(a)), static_dir(std::move(dir)) {
    build();
  }

  /// The tenant a call works on. A tenant token may only name its own tenant:
  /// another tenant is 404 for an object and 403 for a listing.
  std::optional<Response> scope(const Caller& c, const std::string& requested, bool listing,
                                std::string& out) const {
    if (c.all_tenants()) {
      out = requested;
      return std::nullopt;
    }
    if (requested.empty() || requested == c.tenant) {
      out = c.tenant;
      return std::nullopt;
    }
    if (listing) {
      return error(403, DiagCode::ApiForbidden, "this token may not see tenant '" + requested + "'");
    }
    return error(404, DiagCode::ApiNotFound, "no such resource");
  }

  static std::string q(const Query& query, const std::string& key) {
    auto it = query.find(key);
    return it == query.end() ? std::string() : it->second;
  }

  static std::optional<Response> int_param(const Query& query, const std::string& key,
                                           std::int64_t lo, std::int64_t hi, std::int64_t& out) {
    auto it = query.find(key);
    if (it == query.end() || it->second.empty()) return std::nullopt;
    std::int64_t v = 0;
    if (!parse_int(it->second, v) || v < lo || v > hi) {
      return error(400, DiagCode::ApiBadRequest,
                   "query parameter '" + key + "' must be an integer from " + std::to_string(lo) +
                       " to " + std::to_string(hi));
    }
    out = v;
    return std::nullopt;
  }

  static std::optional<Response> parse_body(const Request& r, json& out) {
    if (r.body.empty()) {
      out = json::object();
      return std::nullopt;
    }
    out = json::parse(r.body, nullptr, false);
    if (out.is_discarded() || !out.is_object()) {
      return error(400, DiagCode::ApiBadRequest, "the request body must be a JSON object");
    }
    return std::nullopt;
  }

  static std::optional<Response> body_text(const json& body, const std::string& key,
                                           std::string& out) {
    if (!body.contains(key) || body[key].is_null()) return std::nullopt;
    if (!body[key].is_string()) {
      return error(400, DiagCode::ApiBadRequest, "'" + key + "' must be a string");
    }
    out = body[key].get<std::string>();
    return std::nullopt;
  }

  static std::optional<Response> parse_id(const Params& p, std::int64_t& id) {
    if (!parse_int(p.at("id"), id) || id <= 0) {
      return error(400, DiagCode::ApiBadRequest, "a message id is a positive integer");
    }
    return std::nullopt;
  }

  std::optional<Response> filter_from(const Query& query, MessageFilter& f) const {
    f.route = q(query, "route");
    f.state = q(query, "state");
    f.direction = q(query, "direction");
    if (!f.direction.empty() && f.direction != "in" && f.direction != "out") {
      return error(400, DiagCode::ApiBadRequest, "direction is 'in' or 'out'");
    }
    f.text = q(query, "text");
    f.since = q(query, "since");
    f.until = q(query, "until");
    std::int64_t limit = 100;
    if (auto e = int_param(query, "limit", 1, 1000, limit)) return e;
    f.limit = static_cast<int>(limit);
    if (auto e = int_param(query, "before_id", 0, INT64_MAX, f.before_id)) return e;
    return std::nullopt;
  }

  void add(std::string method, std::string pattern, Access access,
           std::function<Response(const Request&, const Caller*, const Params&, const Query&)> run) {
    RouteDef d;
    d.info = RouteInfo{std::move(method), pattern, access};
    d.segments = split_path(pattern);
    d.run = std::move(run);
    defs.push_back(std::move(d));
  }

  void build() {
    add("GET", "/healthz", Access::open, [this](auto&, auto*, auto&, auto&) {
      const Health h = backend.health();
      return json_response(h.live ? 200 : 503, {{"live", h.live}});
    });
    add("GET", "/readyz", Access::open, [this](auto&, auto*, auto&, auto&) {
      const Health h = backend.health();
      return json_response(h.ready ? 200 : 503,
                           {{"ready", h.ready}, {"live", h.live}, {"problems", h.problems}});
    });
    add("GET", "/metrics", Access::admin, [](auto&, auto*, auto&, auto&) {
      return Response{};  // filled in by ApiHandler::handle (it owns the request metrics)
    });
    add("GET", "/api/openapi.json", Access::open, [](auto&, auto*, auto&, auto&) {
      Response r;
      const EmbeddedFile* f = find_embedded("openapi.json");
      r.body = f ? std::string(f->bytes) : "{}";
      return r;
    });
    add("GET", "/api/whoami", Access::viewer, [](auto&, const Caller* c, auto&, auto&) {
      return json_response(200, {{"name", c->name},
                                 {"role", std::string(to_string(c->role))},
                                 {"tenant", c->tenant}});
    });
    add("GET", "/api/routes", Access::viewer, [this](auto&, const Caller* c, auto&, const Query& qs) {
      std::string tenant;
      if (auto e = scope(*c, q(qs, "tenant"), true, tenant)) return *e;
      return json_response(200, {{"routes", backend.routes(tenant)}});
    });
    add("GET", "/api/stats/flow", Access::viewer,
        [this](auto&, const Caller* c, auto&, const Query& qs) {
          std::string tenant;
          if (auto e = scope(*c, q(qs, "tenant"), true, tenant)) return *e;
          std::int64_t hours = 24, bucket = 3600;
          if (auto e = int_param(qs, "hours", 1, 24 * 90, hours)) return *e;
          if (auto e = int_param(qs, "bucket_seconds", 60, 86400 * 7, bucket)) return *e;
          if (hours * 3600 / bucket > 5000) {
            return error(400, DiagCode::ApiBadRequest, "more than 5000 buckets asked for");
          }
          auto s = backend.flow_stats(tenant, static_cast<int>(hours), static_cast<int>(bucket));
          if (!s) return backend_failure(s.error());
          json cells = json::array(), buckets = json::array();
          for (const auto& cell : s->by_route_state) {
            cells.push_back({{"route", cell.route}, {"state", cell.state}, {"count", cell.count}});
          }
          for (const auto& b : s->over_time) {
            buckets.push_back({{"start", b.start},
                               {"received", b.received},
                               {"delivered", b.delivered},
                               {"rejected", b.rejected},
                               {"failed", b.failed},
                               {"dead", b.dead}});
          }
          return json_response(200, {{"by_route_state", cells},
                                     {"over_time", buckets},
                                     {"hours", hours},
                                     {"bucket_seconds", bucket}});
        });
    add("GET", "/api/messages", Access::viewer,
        [this](auto&, const Caller* c, auto&, const Query& qs) {
          MessageFilter f;
          if (auto e = scope(*c, q(qs, "tenant"), true, f.tenant)) return *e;
          if (auto e = filter_from(qs, f)) return *e;
          auto list = backend.list_messages(f);
          if (!list) return backend_failure(list.error());
          json items = json::array();
          for (const auto& m : *list) items.push_back(summary_json(m));
          json j = {{"messages", items}, {"next_before_id", nullptr}};
          if (!list->empty() && static_cast<int>(list->size()) >= f.limit) {
            j["next_before_id"] = list->back().id;
          }
          return json_response(200, j);
        });
    add("POST", "/api/messages", Access::operator_,
        [this](const Request& r, const Caller* c, auto&, const Query& qs) {
          UploadRequest u;
          if (auto e = scope(*c, q(qs, "tenant"), true, u.tenant)) return *e;
          u.channel = q(qs, "channel");
          u.file_name = q(qs, "file_name");
          if (u.channel.empty()) {
            return error(400, DiagCode::ApiBadRequest, "query parameter 'channel' is required");
          }
          if (!is_safe_file_name(u.file_name)) {
            return error(400, DiagCode::ApiBadFileName,
                         "file name " + quote_input(u.file_name) +
                             " refused: a plain name without '/', '\\', ':', '..' or control "
                             "characters, at most 255 bytes");
          }
          u.idempotency_key = r.header("idempotency-key");
          if (u.idempotency_key.size() > 200 || !is_printable(u.idempotency_key)) {
            return error(400, DiagCode::ApiBadRequest,
                         "Idempotency-Key must be printable ASCII, at most 200 characters");
          }
          u.bytes = r.body;
          u.actor = c->actor();
          auto res = backend.upload(u);
          if (!res) return backend_failure(res.error());
          json diags = json::array();
          for (const auto& d : res->diagnostics) diags.push_back(diag_json(d));
          Response out = json_response(res->duplicate ? 200 : 201,
                                       {{"id", res->message_id},
                                        {"duplicate", res->duplicate},
                                        {"state", res->state},
                                        {"diagnostics", diags}});
          out.headers.emplace_back("Location", "/api/messages/" + std::to_string(res->message_id));
          return out;
        });
    add("POST", "/api/messages/reprocess", Access::operator_,
        [this](const Request& r, const Caller* c, auto&, auto&) {
          json body;
          if (auto e = parse_body(r, body)) return *e;
          ReprocessRequest rq;
          std::string tenant;
          if (auto e = body_text(body, "tenant", tenant)) return *e;
          if (auto e = scope(*c, tenant, true, rq.tenant)) return *e;
          if (body.contains("ids")) {
            if (!body["ids"].is_array()) {
              return error(400, DiagCode::ApiBadRequest, "'ids' must be an array of message ids");
            }
            for (const auto& v : body["ids"]) {
              if (!v.is_number_integer() || v.get<std::int64_t>() <= 0) {
                return error(400, DiagCode::ApiBadRequest, "'ids' must be positive integers");
              }
              rq.ids.push_back(v.get<std::int64_t>());
            }
          }
          if (body.contains("filter")) {
            const json& f = body["filter"];
            if (!f.is_object()) return error(400, DiagCode::ApiBadRequest, "'filter' must be an object");
            for (const auto* key : {"route", "state", "direction", "text", "since", "until"}) {
              std::string v;
              if (auto e = body_text(f, key, v)) return *e;
              if (std::string_view(key) == "route") rq.filter.route = v;
              else if (std::string_view(key) == "state") rq.filter.state = v;
              else if (std::string_view(key) == "direction") rq.filter.direction = v;
              else if (std::string_view(key) == "text") rq.filter.text = v;
              else if (std::string_view(key) == "since") rq.filter.since = v;
              else rq.filter.until = v;
            }
          }
          rq.filter.tenant = rq.tenant;
          rq.filter.limit = 100000;
          const bool has_filter = !rq.filter.route.empty() || !rq.filter.state.empty() ||
                                  !rq.filter.direction.empty() || !rq.filter.text.empty() ||
                                  !rq.filter.since.empty() || !rq.filter.until.empty();
          if (rq.ids.empty() && !has_filter) {
            return error(400, DiagCode::ApiBadRequest,
                         "give 'ids' or a 'filter' with at least one field; an unfiltered "
                         "reprocess of everything is refused");
          }
          if (auto e = body_text(body, "destination", rq.destination)) return *e;
          if (auto e = body_text(body, "reason", rq.reason)) return *e;
          rq.actor = c->actor();
          return run_reprocess(rq);
        });
    add("GET", "/api/messages/{id}", Access::viewer,
        [this](auto&, const Caller* c, const Params& p, const Query& qs) {
          std::int64_t id = 0;
          if (auto e = parse_id(p, id)) return *e;
          std::string tenant;
          if (auto e = scope(*c, q(qs, "tenant"), false, tenant)) return *e;
          auto m = backend.get_message(tenant, id);
          if (!m) return backend_failure(m.error());
          if (!*m) return error(404, DiagCode::ApiNotFound, "no such resource");
          return json_response(200, detail_json(**m));
        });
    add("POST", "/api/messages/{id}/reprocess", Access::operator_,
        [this](const Request& r, const Caller* c, const Params& p, auto&) {
          std::int64_t id = 0;
          if (auto e = parse_id(p, id)) return *e;
          json body;
          if (auto e = parse_body(r, body)) return *e;
          ReprocessRequest rq;
          std::string tenant;
          if (auto e = body_text(body, "tenant", tenant)) return *e;
          if (auto e = scope(*c, tenant, false, rq.tenant)) return *e;
          // Existence first, in the caller's tenant: never tell another tenant's ids apart.
          auto m = backend.get_message(rq.tenant, id);
          if (!m) return backend_failure(m.error());
          if (!*m) return error(404, DiagCode::ApiNotFound, "no such resource");
          rq.ids = {id};
          rq.filter.tenant = rq.tenant;
          if (auto e = body_text(body, "destination", rq.destination)) return *e;
          if (auto e = body_text(body, "reason", rq.reason)) return *e;
          rq.actor = c->actor();
          return run_reprocess(rq);
        });
    add("POST", "/api/jobs/{job}/run", Access::operator_,
        [this](const Request& r, const Caller* c, const Params& p, auto&) {
          JobRequest jr;
          jr.job = p.at("job");
          if (!is_job_name(jr.job)) {
            return error(400, DiagCode::ApiBadRequest,
                         "job name " + quote_input(jr.job) + " is not valid ([a-z0-9_-]+)");
          }
          json body;
          if (auto e = parse_body(r, body)) return *e;
          std::string tenant;
          if (auto e = body_text(body, "tenant", tenant)) return *e;
          if (auto e = scope(*c, tenant, true, jr.tenant)) return *e;
          if (auto e = body_text(body, "working_date", jr.working_date)) return *e;
          if (auto e = body_text(body, "filter", jr.filter)) return *e;
          jr.actor = c->actor();
          auto run = backend.run_job(jr);
          if (!run) return backend_failure(run.error());
          return json_response(200, job_run_json(*run));
        });
    add("GET", "/api/jobs/runs", Access::viewer,
        [this](auto&, const Caller* c, auto&, const Query& qs) {
          std::string tenant;
          if (auto e = scope(*c, q(qs, "tenant"), true, tenant)) return *e;
          std::int64_t limit = 50;
          if (auto e = int_param(qs, "limit", 1, 1000, limit)) return *e;
          auto runs = backend.list_job_runs(tenant, static_cast<int>(limit));
          if (!runs) return backend_failure(runs.error());
          json items = json::array();
          for (const auto& x : *runs) items.push_back(job_run_json(x));
          return json_response(200, {{"runs", items}});
        });
    view("/api/cases/{key}", "case");
    view("/api/plans/{key}", "plan");
    view("/api/invoices/{key}", "invoice");
    view("/api/log", "log");
  }

  void view(const std::string& pattern, const std::string& kind) {
    add("GET", pattern, Access::viewer,
        [this, kind](auto&, const Caller* c, const Params& p, const Query& qs) {
          std::string tenant;
          const bool object = p.contains("key");
          if (auto e = scope(*c, q(qs, "tenant"), !object, tenant)) return *e;
          const std::string key = object ? p.at("key") : std::string();
          auto v = backend.read_view(tenant, kind, key);
          if (!v) return backend_failure(v.error());
          if (!*v) return error(404, DiagCode::ApiNotFound, "no such resource");
          Response r;
          r.body = **v;
          return r;
        });
  }

  Response run_reprocess(const ReprocessRequest& rq) {
    auto res = backend.reprocess(rq);
    if (!res) return backend_failure(res.error());
    json refused = json::object();
    for (const auto& [id, why] : res->refused) refused[std::to_string(id)] = why;
    return json_response(200, {{"requeued", res->requeued}, {"refused", refused}});
  }

  std::optional<Response> serve_static(const std::string& method, const std::string& path) const {
    if ((method != "GET" && method != "HEAD") || path.empty() || path.front() != '/') {
      return std::nullopt;
    }
    std::string name = path == "/" ? "index.html" : path.substr(1);
    if (name.starts_with("api/") || !is_safe_static(name)) return std::nullopt;
    Response r;
    r.content_type = std::string(content_type_for(name));
    if (static_dir) {
      std::ifstream in(*static_dir / name, std::ios::binary);
      if (!in) return std::nullopt;
      std::ostringstream ss;
      ss << in.rdbuf();
      r.body = ss.str();
    } else {
      const EmbeddedFile* f = find_embedded("dashboard/" + name);
      if (!f) return std::nullopt;
      r.body = std::string(f->bytes);
    }
    r.headers.emplace_back("Cache-Control", "no-cache");
    return r;
  }

  static bool is_safe_static(const std::string& name) {
    for (const auto& seg : split_path("/" + name)) {
      if (!is_safe_file_name(seg)) return false;
    }
    return true;
  }
};

ApiHandler::ApiHandler(Backend& backend, Authenticator auth,
                       std::optional<std::filesystem::path> static_dir)
    : impl_(std::make_unique<Impl>(backend, std::move(auth), std::move(static_dir))) {}

ApiHandler::~ApiHandler() = default;

Response ApiHandler::error(unsigned status, DiagCode code, const std::string& message) {
  Response r = json_response(
      status, {{"error", {{"code", std::string(code_id(code))}, {"message", message}}}});
  if (status == 401) r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"carebridge\"");
  return r;
}

const std::vector<RouteInfo>& ApiHandler::routes() {
  static const std::vector<RouteInfo> kRoutes = [] {
    struct NullBackend : Backend {
      Result<std::vector<MessageSummary>> list_messages(const MessageFilter&) override { return {}; }
      Result<std::optional<MessageDetail>> get_message(const std::string&, std::int64_t) override {
        return std::optional<MessageDetail>{};
      }
      Result<UploadResult> upload(const UploadRequest&) override { return UploadResult{}; }
      Result<ReprocessResult> reprocess(const ReprocessRequest&) override { return ReprocessResult{}; }
      Result<JobRun> run_job(const JobRequest&) override { return JobRun{}; }
      Result<std::vector<JobRun>> list_job_runs(const std::string&, int) override { return {}; }
      std::vector<std::string> routes(const std::string&) override { return {}; }
      Result<FlowStats> flow_stats(const std::string&, int, int) override { return FlowStats{}; }
      Result<std::optional<std::string>> read_view(const std::string&, const std::string&,
                                                   const std::string&) override {
        return std::optional<std::string>{};
      }
      Health health() override { return {}; }
      std::string metrics_text() override { return {}; }
    } null_backend;
    auto auth = Authenticator::make({});
    Impl impl(null_backend, std::move(*auth), std::nullopt);
    std::vector<RouteInfo> out;
    for (const auto& d : impl.defs) out.push_back(d.info);
    return out;
  }();
  return kRoutes;
}

Response ApiHandler::handle(const Request& r) {
  const auto started = std::chrono::steady_clock::now();
  std::string pattern = "unmatched";
  Response out;
  const std::string_view target = r.target;
  const auto qpos = target.find('?');
  const std::string raw_path(target.substr(0, qpos));
  Query query;
  bool bad = raw_path.empty() || raw_path.front() != '/';  // origin-form only
  if (qpos != std::string_view::npos) {
    std::string_view rest = target.substr(qpos + 1);
    while (!rest.empty()) {
      const auto amp = rest.find('&');
      std::string_view pair = rest.substr(0, amp);
      const auto eq = pair.find('=');
      std::string k, v;
      if (!url_decode(pair.substr(0, eq), k, true) ||
          !url_decode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1), v,
                      true)) {
        bad = true;
      }
      if (!k.empty()) query[k] = v;
      if (amp == std::string_view::npos) break;
      rest.remove_prefix(amp + 1);
    }
  }
  const auto raw_segments = split_path(raw_path);
  std::vector<std::string> segments;
  for (const auto& s : raw_segments) {
    std::string d;
    if (!url_decode(s, d, false)) bad = true;
    segments.push_back(std::move(d));
  }

  const RouteDef* match = nullptr;
  Params params;
  bool path_known = false;
  if (!bad) {
    for (const auto& d : impl_->defs) {
      if (d.segments.size() != segments.size()) continue;
      Params p;
      bool ok = true;
      for (std::size_t i = 0; i < segments.size() && ok; ++i) {
        const auto& want = d.segments[i];
        if (want.size() > 2 && want.front() == '{' && want.back() == '}') {
          if (segments[i].empty()) ok = false;
          else p[want.substr(1, want.size() - 2)] = segments[i];
        } else if (want != segments[i]) {
          ok = false;
        }
      }
      if (!ok) continue;
      path_known = true;
      if (d.info.method == r.method) {
        match = &d;
        params = std::move(p);
        break;
      }
    }
  }

  std::optional<Caller> caller;
  if (bad) {
    out = error(400, DiagCode::ApiBadRequest,
                "the request target must be a path starting with '/', percent-encoded correctly");
  } else if (match) {
    pattern = match->info.pattern;
    const std::string authz = r.header("authorization");
    if (!authz.empty()) caller = impl_->auth.authenticate(authz);
    if (match->info.access != Access::open && !caller) {
      out = error(401, DiagCode::ApiUnauthenticated,
                  authz.empty() ? "this route needs 'Authorization: Bearer <token>'"
                                : "the token is not valid");
    } else if (!allowed(match->info.access, caller ? &*caller : nullptr)) {
      out = error(403, DiagCode::ApiForbidden,
                  "role '" + std::string(to_string(caller->role)) + "' may not do this");
    } else {
      out = match->run(r, caller ? &*caller : nullptr, params, query);
      if (pattern == "/metrics") {
        out.content_type = "text/plain; version=0.0.4; charset=utf-8";
        out.body = impl_->backend.metrics_text();
        if (!out.body.empty() && out.body.back() != '\n') out.body += '\n';
        out.body += metrics_.text();
      }
    }
  } else if (path_known) {
    out = error(405, DiagCode::ApiBadRequest, "method " + r.method + " not allowed here");
  } else if (auto s = impl_->serve_static(r.method, raw_path)) {
    pattern = "static";
    out = std::move(*s);
  } else {
    out = error(404, DiagCode::ApiNotFound, "no such resource");
  }

  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::steady_clock::now() - started)
                          .count();
  const std::string method = (r.method == "GET" || r.method == "POST" || r.method == "HEAD" ||
                              r.method == "PUT" || r.method == "DELETE")
                                 ? r.method
                                 : std::string("OTHER");
  metrics_.record(pattern, method, out.status, micros);
  if (out.status >= 500) {
    spdlog::warn("http: {} {} -> {} ({} us) by {}", method, pattern, out.status, micros,
                 caller ? caller->actor() : std::string("anonymous"));
  } else {
    spdlog::debug("http: {} {} -> {} ({} us) by {}", method, pattern, out.status, micros,
                  caller ? caller->actor() : std::string("anonymous"));
  }
  return out;
}

}  // namespace cb::http
