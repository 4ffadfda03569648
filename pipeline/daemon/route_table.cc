#include "pipeline/daemon/route_table.h"

namespace cb::daemon {
namespace {

Location at_key(const config::KeyLocations& where, const std::string& key) {
  return where.has(key) ? where.of(key) : where.of("");
}

std::string option_text(const config::Scalar& v) {
  if (const auto* b = std::get_if<bool>(&v)) return *b ? "true" : "false";
  if (const auto* i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  return config::scalar_to_toml(v);
}

}  // namespace

std::string_view to_string(Command c) { return c == Command::import ? "import" : "none"; }

Result<DestinationSpec> parse_destination(const std::string& text, const config::Config& cfg) {
  DestinationSpec d;
  d.text = text;
  if (text.starts_with("http://") || text.starts_with("https://")) {
    d.kind = DestinationSpec::Kind::http;
    d.url = text;
    if (text.find_first_of(" \t\r\n") != std::string::npos) {
      return fail(DiagCode::DaemonRouteDestination, "destination URL contains white space");
    }
    return d;
  }
  std::string path = text.starts_with("folder:") ? text.substr(7) : text;
  if (path.empty()) return fail(DiagCode::DaemonRouteDestination, "destination folder is empty");
  if (path.find("://") != std::string::npos) {
    return fail(DiagCode::DaemonRouteDestination,
                "destination '" + text + "' is neither a folder nor an http(s) URL");
  }
  d.kind = DestinationSpec::Kind::folder;
  d.folder = cfg.resolve(path).lexically_normal();
  return d;
}

const CompiledRoute* RouteTable::find(const std::string& name) const {
  for (const auto& r : routes_)
    if (r.name == name) return &r;
  return nullptr;
}

const CompiledRoute* RouteTable::for_folder(const std::filesystem::path& folder) const {
  const auto norm = folder.lexically_normal();
  for (const auto& r : routes_)
    if (r.folder && *r.folder == norm) return &r;
  return nullptr;
}

const CompiledRoute* RouteTable::for_upload(const std::string& tenant,
                                            const std::string& channel) const {
  for (const auto& r : routes_) {
    if (r.upload && *r.upload == channel && (tenant.empty() || r.tenant == tenant)) return &r;
  }
  return nullptr;
}

const CompiledRoute* RouteTable::for_poller(const std::string& poller) const {
  for (const auto& r : routes_)
    if (r.poller && *r.poller == poller) return &r;
  return nullptr;
}

cb::Expected<std::shared_ptr<const RouteTable>, Diagnostics> compile_routes(
    const config::Config& cfg, const adapters::Registry& registry) {
  Diagnostics problems;
  auto table = std::make_shared<RouteTable>();
  if (cfg.working_date) {
    if (auto d = Date::parse(*cfg.working_date)) table->working_date = *d;
  }
  const std::string default_tenant =
      cfg.tenants.empty() ? std::string("default") : cfg.tenants.front().id;
  std::map<std::filesystem::path, std::string> folders;

  for (const auto& rc : cfg.routes) {
    CompiledRoute r;
    r.name = rc.name;
    r.tenant = rc.tenant.value_or(default_tenant);
    r.upload = rc.match.upload;
    r.format = rc.match.format;
    r.poller = rc.match.poller;
    if (rc.match.folder) {
      r.folder = cfg.resolve(*rc.match.folder).lexically_normal();
      auto [it, fresh] = folders.emplace(*r.folder, rc.name);
      if (!fresh) {
        problems.push_back(Diagnostic::make(
            DiagCode::ConfigDuplicate,
            "routes '" + it->second + "' and '" + rc.name + "' read the same folder " +
                r.folder->string(),
            at_key(rc.where, "match")));
      }
    }
    const adapters::Adapter* a = registry.find(rc.adapter);
    if (a == nullptr) {
      std::string known;
      for (const auto* k : registry.list()) known += (known.empty() ? "" : ", ") + k->info().name;
      auto d = Diagnostic::make(DiagCode::DaemonRouteAdapter,
                                "route '" + rc.name + "' names adapter '" + rc.adapter +
                                    "', which is not registered",
                                at_key(rc.where, "adapter"));
      d.hint = "registered adapters: " + known;
      problems.push_back(std::move(d));
    } else if (!a->info().can(adapters::Capability::read)) {
      problems.push_back(Diagnostic::make(
          DiagCode::DaemonRouteAdapter,
          "route '" + rc.name + "': adapter '" + rc.adapter + "' cannot read",
          at_key(rc.where, "adapter")));
    } else {
      r.adapter = a;
      std::map<std::string, std::string> raw;
      for (const auto& [k, v] : rc.options) raw[k] = option_text(v.value);
      auto opts = adapters::validate_options(a->info(), raw, at_key(rc.where, "options"));
      if (!opts) {
        for (Diagnostic d : opts.error()) {
          // Point at the option's own line when the diagnostic names it.
          for (const auto& [k, v] : rc.options) {
            if (d.message.find("'" + k + "'") != std::string::npos && v.where.line != 0) {
              d.where = v.where;
              break;
            }
          }
          d.message = "route '" + rc.name + "': " + d.message;
          problems.push_back(std::move(d));
        }
      } else {
        r.options = std::move(*opts);
      }
    }
    if (rc.command) {
      if (*rc.command == "import") {
        r.command = Command::import;
      } else {
        auto d = Diagnostic::make(DiagCode::DaemonRouteCommand,
                                  "route '" + rc.name + "' names command '" + *rc.command +
                                      "', which the core does not have",
                                  at_key(rc.where, "command"));
        d.hint = "known commands: import";
        problems.push_back(std::move(d));
      }
    }
    for (const auto& out : rc.outputs) {
      CompiledOutput co;
      const adapters::Adapter* w = registry.find(out.adapter);
      if (w == nullptr || !w->info().can(adapters::Capability::write)) {
        problems.push_back(Diagnostic::make(
            DiagCode::DaemonRouteAdapter,
            "route '" + rc.name + "': output adapter '" + out.adapter +
                (w == nullptr ? "' is not registered" : "' cannot write"),
            at_key(out.where, "adapter")));
      }
      co.adapter = w;
      auto dest = parse_destination(out.destination, cfg);
      if (!dest) {
        Diagnostic d = dest.error();
        d.message = "route '" + rc.name + "': " + d.message;
        d.where = at_key(out.where, "destination");
        problems.push_back(std::move(d));
      } else {
        co.destination = std::move(*dest);
      }
      r.outputs.push_back(std::move(co));
    }
    table->mutable_routes().push_back(std::move(r));
  }
  if (!problems.empty()) return cb::Unexpected(std::move(problems));
  return std::shared_ptr<const RouteTable>(std::move(table));
}

}  // namespace cb::daemon
