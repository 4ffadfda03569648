#include "adapters/adapter.h"

#include <charconv>
#include <stdexcept>

namespace cb::adapters {

std::string_view to_string(Outcome o) {
  switch (o) {
    case Outcome::ok: return "ok";
    case Outcome::retry: return "retry";
    case Outcome::reject: return "reject";
  }
  return "reject";
}

const std::string& Options::get(const std::string& key) const {
  auto it = values_.find(key);
  if (it == values_.end()) throw std::logic_error("adapter option not declared: " + key);
  return it->second;
}

bool Options::get_bool(const std::string& key) const { return get(key) == "true"; }

std::int64_t Options::get_int(const std::string& key) const {
  const auto& v = get(key);
  std::int64_t out = 0;
  std::from_chars(v.data(), v.data() + v.size(), out);
  return out;
}

namespace {

Diagnostic cannot(const AdapterInfo& info, std::string_view what) {
  return Diagnostic::make(DiagCode::AdapterCannot,
                          "adapter '" + info.name + "' cannot " + std::string(what));
}

bool parse_int(const std::string& s, std::int64_t& out) {
  if (s.empty()) return false;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

}  // namespace

ReadResult Adapter::read(std::string_view, const Context&) const {
  ReadResult r;
  r.outcome = Outcome::reject;
  r.diagnostics.push_back(cannot(info(), "read"));
  return r;
}

WriteResult Adapter::write(const DocumentSet&, const Context&) const {
  WriteResult r;
  r.outcome = Outcome::reject;
  r.diagnostics.push_back(cannot(info(), "write"));
  return r;
}

Diagnostics Adapter::validate(std::string_view bytes, const Context& ctx) const {
  if (!info().can(Capability::read)) return {cannot(info(), "validate")};
  return read(bytes, ctx).diagnostics;
}

int Adapter::detect(std::string_view) const { return 0; }

cb::Expected<Options, Diagnostics> validate_options(const AdapterInfo& info,
                                                      const std::map<std::string, std::string>& raw,
                                                      const Location& where) {
  Diagnostics problems;
  std::map<std::string, std::string> out;
  for (const auto& [key, value] : raw) {
    bool known = false;
    for (const auto& spec : info.options) known = known || spec.key == key;
    if (!known) {
      std::string names;
      for (const auto& spec : info.options) names += (names.empty() ? "" : ", ") + spec.key;
      problems.push_back(Diagnostic::make(
          DiagCode::AdapterOptionUnknown,
          "adapter '" + info.name + "' has no option '" + key + "'" +
              (names.empty() ? " (it takes no options)" : " (known: " + names + ")"),
          where));
    }
  }
  for (const auto& spec : info.options) {
    auto it = raw.find(spec.key);
    if (it == raw.end()) {
      if (spec.required) {
        problems.push_back(Diagnostic::make(DiagCode::AdapterOptionBad,
                                            "adapter '" + info.name + "' needs option '" +
                                                spec.key + "': " + spec.description,
                                            where));
      } else {
        out[spec.key] = spec.default_value;
      }
      continue;
    }
    const std::string& v = it->second;
    auto bad = [&](const std::string& why) {
      problems.push_back(Diagnostic::make(
          DiagCode::AdapterOptionBad,
          "option '" + spec.key + "' of adapter '" + info.name + "' = '" + v + "': " + why, where));
    };
    switch (spec.type) {
      case OptionType::string: break;
      case OptionType::boolean:
        if (v != "true" && v != "false") bad("expected true or false");
        break;
      case OptionType::integer: {
        std::int64_t n = 0;
        if (!parse_int(v, n)) {
          bad("expected a whole number");
        } else if (spec.min < spec.max && (n < spec.min || n > spec.max)) {
          bad("must lie between " + std::to_string(spec.min) + " and " + std::to_string(spec.max));
        }
        break;
      }
      case OptionType::choice: {
        bool ok = false;
        std::string list;
        for (const auto& c : spec.choices) {
          ok = ok || c == v;
          list += (list.empty() ? "" : ", ") + c;
        }
        if (!ok) bad("expected one of " + list);
        break;
      }
    }
    out[spec.key] = v;
  }
  if (!problems.empty()) return cb::Unexpected(std::move(problems));
  return Options(std::move(out));
}

}  // namespace cb::adapters
