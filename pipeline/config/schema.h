#pragma once
// A small declarative schema for configuration tables: each key is declared
// once with its type, constraint and description; the default is the value of
// the struct's member initialiser. One schema validates a TOML table (the
// daemon's configuration) or an OptionMap (a route's adapter options), reports
// every problem (unknown key, wrong type, bad value, missing key) with file,
// line and column, and describes itself for `carebridge config schema`.
//
//   Schema<ServerConfig> s("server");
//   s.text("listen", &ServerConfig::listen, "address to bind");
//   s.integer("port", &ServerConfig::port, 0, 65535, "TCP port; 0 picks a free one");
//   s.check([](const ServerConfig& c, const KeyLocations& at, Reporter& r) { ... });

#include <toml++/toml.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "core/diag/diagnostic.h"
#include "pipeline/config/option_map.h"

namespace cb::config {

/// The codes a schema reports with: configuration uses CFG, adapter options ADP.
struct SchemaCodes {
  DiagCode unknown_key;
  DiagCode bad_type;
  DiagCode bad_value;
  DiagCode missing_key;
};
inline constexpr SchemaCodes kConfigCodes{DiagCode::ConfigUnknownKey, DiagCode::ConfigBadType,
                                          DiagCode::ConfigBadValue, DiagCode::ConfigMissingKey};
inline constexpr SchemaCodes kAdapterOptionCodes{
    DiagCode::AdapterOptionUnknown, DiagCode::AdapterOptionBad, DiagCode::AdapterOptionBad,
    DiagCode::AdapterOptionBad};

/// Collects diagnostics for one file.
class Reporter {
 public:
  explicit Reporter(std::string file, SchemaCodes codes = kConfigCodes)
      : file_(std::move(file)), codes_(codes) {}

  void report(DiagCode code, std::string message, Location where, std::string hint = {});
  /// A location in this file from a toml++ source region, with a key path.
  Location at(const toml::source_region& src, std::string field_path) const;

  const SchemaCodes& codes() const { return codes_; }
  const std::string& file() const { return file_; }
  const Diagnostics& diagnostics() const { return out_; }
  /// The diagnostics, sorted by line and column (stable).
  Diagnostics take();

 private:
  std::string file_;
  SchemaCodes codes_;
  Diagnostics out_;
};

/// What a scalar field accepts.
enum class ScalarKind : std::uint8_t { text, path, integer, number, boolean, date };

/// One row of `describe()`.
struct SchemaRow {
  std::string key;  // full path, e.g. "store.backend", "routes[].match.folder"
  std::string type;
  std::string default_value;  // empty when there is none
  std::string description;
  bool required = false;
};

/// A strict YYYY-MM-DD check (digits, separators, month 1..12, day within the month).
bool is_iso_date(std::string_view s);
/// The closest of `candidates` to `key` within a small edit distance, or empty.
std::string closest_key(std::string_view key, const std::vector<std::string_view>& candidates);
/// Formats rows as an aligned table.
std::string format_schema_rows(const std::vector<SchemaRow>& rows);

namespace detail {
template <class M>
inline constexpr bool is_optional = false;
template <class M>
inline constexpr bool is_optional<std::optional<M>> = true;
template <class M>
struct unwrap_optional {
  using type = M;
};
template <class M>
struct unwrap_optional<std::optional<M>> {
  using type = M;
};
}  // namespace detail

/// A constraint on a scalar: nullopt when fine, else the reason.
using Rule = std::function<std::optional<std::string>(const Scalar&)>;

template <class T>
class Schema {
 public:
  using Check = std::function<void(const T&, const KeyLocations&, Reporter&)>;

  struct Field {
    std::string key;
    std::string type;
    std::string description;
    bool required = false;
    bool is_scalar = true;
    ScalarKind kind = ScalarKind::text;
    std::vector<Rule> rules;
    std::string rules_text;                         // for describe
    std::function<void(T&, const Scalar&)> assign;  // scalar fields
    std::function<std::string(const T&)> show;      // default value text
    std::function<void(T&, const toml::node&, Reporter&, const std::string&)> bind;  // others
    std::function<void(std::vector<SchemaRow>&, const std::string&)> describe_nested;
  };

  /// A handle on the field just declared, to add requirements.
  class FieldRef {
   public:
    FieldRef(Schema* s, std::size_t i) : s_(s), i_(i) {}
    FieldRef& required() {
      f().required = true;
      return *this;
    }
    /// An extra constraint; `what` describes it for `describe()`.
    FieldRef& rule(std::string what, Rule r) {
      if (!f().rules_text.empty()) f().rules_text += "; ";
      f().rules_text += what;
      f().rules.push_back(std::move(r));
      return *this;
    }

   private:
    Field& f() { return s_->fields_[i_]; }
    Schema* s_;
    std::size_t i_;
  };

  /// `name` is how the table is shown in messages, e.g. "[store]" or "[[routes]]".
  explicit Schema(std::string name) : name_(std::move(name)) {}
  const std::string& name() const { return name_; }

  /// A string (member: std::string or std::optional<std::string>).
  template <class M>
  FieldRef text(std::string key, M T::*member, std::string description) {
    return add_scalar(std::move(key), "string", ScalarKind::text, member, std::move(description));
  }

  /// A non-empty path (member: std::filesystem::path, std::string or optional of them).
  template <class M>
  FieldRef path(std::string key, M T::*member, std::string description) {
    return add_scalar(std::move(key), "path", ScalarKind::path, member, std::move(description));
  }

  /// A date YYYY-MM-DD, written as a TOML date or a string (member: optional<string>/string).
  template <class M>
  FieldRef date(std::string key, M T::*member, std::string description) {
    return add_scalar(std::move(key), "date", ScalarKind::date, member, std::move(description));
  }

  /// An integer in [min, max] (member: any integral type or optional of one).
  template <class M>
  FieldRef integer(std::string key, M T::*member, std::int64_t min, std::int64_t max,
                   std::string description) {
    std::string type = "integer " + std::to_string(min) + ".." + std::to_string(max);
    auto r = add_scalar(std::move(key), std::move(type), ScalarKind::integer, member,
                        std::move(description));
    fields_.back().rules.push_back([min, max](const Scalar& v) -> std::optional<std::string> {
      auto n = std::get<std::int64_t>(v);
      if (n < min || n > max) {
        return std::to_string(n) + " is outside " + std::to_string(min) + ".." +
               std::to_string(max);
      }
      return std::nullopt;
    });
    return r;
  }

  /// A floating-point number; integers are accepted too.
  template <class M>
  FieldRef number(std::string key, M T::*member, std::string description) {
    return add_scalar(std::move(key), "number", ScalarKind::number, member, std::move(description));
  }

  /// true or false.
  template <class M>
  FieldRef boolean(std::string key, M T::*member, std::string description) {
    return add_scalar(std::move(key), "boolean", ScalarKind::boolean, member,
                      std::move(description));
  }

  /// One of a fixed set of words, mapped to an enum (member: E or std::optional<E>).
  template <class M>
  FieldRef choice(
      std::string key, M T::*member,
      std::vector<std::pair<std::string, typename detail::unwrap_optional<M>::type>> choices,
      std::string description) {
    std::string type = "one of";
    for (std::size_t i = 0; i < choices.size(); ++i) type += (i ? " | " : " ") + choices[i].first;
    Field f;
    f.key = std::move(key);
    f.type = std::move(type);
    f.kind = ScalarKind::text;
    f.description = std::move(description);
    f.rules.push_back([choices](const Scalar& v) -> std::optional<std::string> {
      const auto& s = std::get<std::string>(v);
      for (const auto& c : choices)
        if (c.first == s) return std::nullopt;
      std::string msg = "'" + s + "' is not one of";
      for (std::size_t i = 0; i < choices.size(); ++i) msg += (i ? ", " : " ") + choices[i].first;
      return msg;
    });
    f.assign = [member, choices](T& obj, const Scalar& v) {
      for (const auto& c : choices)
        if (c.first == std::get<std::string>(v)) obj.*member = c.second;
    };
    f.show = [member, choices](const T& obj) -> std::string {
      const auto& m = obj.*member;
      if constexpr (detail::is_optional<M>) {
        if (!m) return {};
        for (const auto& c : choices)
          if (c.second == *m) return '"' + c.first + '"';
      } else {
        for (const auto& c : choices)
          if (c.second == m) return '"' + c.first + '"';
      }
      return {};
    };
    fields_.push_back(std::move(f));
    return FieldRef(this, fields_.size() - 1);
  }

  /// A nested table with its own schema.
  template <class S>
  FieldRef table(std::string key, S T::*member, Schema<S> sub, std::string description) {
    Field f;
    f.key = key;
    f.type = "table";
    f.is_scalar = false;
    f.description = std::move(description);
    f.bind = [member, sub](T& obj, const toml::node& node, Reporter& r, const std::string& path) {
      if (const auto* t = node.as_table()) {
        sub.apply(*t, obj.*member, r, path);
      } else {
        r.report(r.codes().bad_type,
                 "'" + path + "' must be a table, found " + std::string(node_type_name(node)),
                 r.at(node.source(), path));
      }
    };
    f.describe_nested = [sub](std::vector<SchemaRow>& rows, const std::string& prefix) {
      sub.describe(rows, prefix);
    };
    fields_.push_back(std::move(f));
    return FieldRef(this, fields_.size() - 1);
  }

  /// An array of tables ([[key]] or key = [{...}, ...]), each with the schema `sub`.
  template <class S>
  FieldRef table_array(std::string key, std::vector<S> T::*member, Schema<S> sub,
                       std::string description) {
    Field f;
    f.key = key;
    f.type = "array of tables";
    f.is_scalar = false;
    f.description = std::move(description);
    f.bind = [member, sub](T& obj, const toml::node& node, Reporter& r, const std::string& path) {
      const auto* arr = node.as_array();
      if (!arr) {
        r.report(
            r.codes().bad_type,
            "'" + path + "' must be an array of tables, found " + std::string(node_type_name(node)),
            r.at(node.source(), path));
        return;
      }
      std::size_t i = 0;
      for (const auto& el : *arr) {
        std::string el_path = path + "[" + std::to_string(i++) + "]";
        if (const auto* t = el.as_table()) {
          S item{};
          sub.apply(*t, item, r, el_path);
          (obj.*member).push_back(std::move(item));
        } else {
          r.report(r.codes().bad_type,
                   "'" + el_path + "' must be a table, found " + std::string(node_type_name(el)),
                   r.at(el.source(), el_path));
        }
      }
    };
    f.describe_nested = [sub](std::vector<SchemaRow>& rows, const std::string& prefix) {
      sub.describe(rows, prefix + "[]");
    };
    fields_.push_back(std::move(f));
    return FieldRef(this, fields_.size() - 1);
  }

  /// A table of free key = scalar pairs, kept with their locations and not
  /// validated here (a route's adapter options: the adapter's schema checks them).
  FieldRef scalar_map(std::string key, OptionMap T::*member, std::string description) {
    Field f;
    f.key = key;
    f.type = "table of scalars";
    f.is_scalar = false;
    f.description = std::move(description);
    f.bind = [member](T& obj, const toml::node& node, Reporter& r, const std::string& path) {
      const auto* t = node.as_table();
      if (!t) {
        r.report(r.codes().bad_type,
                 "'" + path + "' must be a table, found " + std::string(node_type_name(node)),
                 r.at(node.source(), path));
        return;
      }
      for (const auto& [k, v] : *t) {
        std::string p = path + "." + std::string(k.str());
        auto sc = node_to_scalar(v);
        if (!sc) {
          r.report(r.codes().bad_type,
                   "'" + p + "' must be a string, number, boolean or date, found " +
                       std::string(node_type_name(v)),
                   r.at(v.source(), p));
          continue;
        }
        (obj.*member)[std::string(k.str())] = OptionValue{std::move(*sc), r.at(k.source(), p)};
      }
    };
    fields_.push_back(std::move(f));
    return FieldRef(this, fields_.size() - 1);
  }

  /// Keep where each key was written in `member` (for checks across tables).
  void record_locations(KeyLocations T::*member) { locations_ = member; }

  /// A check across keys of one table, run after its keys are read.
  void check(Check c) { checks_.push_back(std::move(c)); }

  /// Reads `table` into `out`; every problem goes to `r`. `path` is the key path
  /// of the table ("" for the root).
  void apply(const toml::table& table, T& out, Reporter& r, const std::string& path = {}) const {
    KeyLocations at;
    at.set("", r.at(table.source(), path));
    std::vector<bool> seen(fields_.size(), false);
    for (const auto& [k, node] : table) {
      std::string key(k.str());
      std::string key_path = path.empty() ? key : path + "." + key;
      const auto idx = find(key);
      if (!idx) {
        unknown_key(key, key_path, r.at(k.source(), key_path), r);
        continue;
      }
      const Field& f = fields_[*idx];
      seen[*idx] = true;
      at.set(key, r.at(k.source(), key_path));
      if (f.is_scalar) {
        auto sc = convert(f, node);
        if (!sc) {
          r.report(r.codes().bad_type,
                   "'" + key_path + "' must be " + expected_name(f) + ", found " +
                       std::string(node_type_name(node)),
                   r.at(node.source(), key_path));
          continue;
        }
        if (auto why = violates(f, *sc)) {
          r.report(r.codes().bad_value, "'" + key_path + "': " + *why,
                   r.at(node.source(), key_path));
          continue;
        }
        f.assign(out, *sc);
      } else {
        f.bind(out, node, r, key_path);
      }
    }
    missing_keys(seen, at, path, r);
    for (const auto& c : checks_) c(out, at, r);
    if (locations_) out.*locations_ = std::move(at);
  }

  /// Reads an OptionMap (adapter options from a route) into `out`: only scalar
  /// fields apply; `where` is the route's options table, for missing keys.
  void apply(const OptionMap& options, T& out, Reporter& r, const Location& where = {}) const {
    KeyLocations at;
    at.set("", where);
    std::vector<bool> seen(fields_.size(), false);
    for (const auto& [key, opt] : options) {
      const auto idx = find(key);
      if (!idx || !fields_[*idx].is_scalar) {
        unknown_key(key, key, opt.where, r);
        continue;
      }
      const Field& f = fields_[*idx];
      seen[*idx] = true;
      at.set(key, opt.where);
      auto sc = convert(f, opt.value);
      if (!sc) {
        r.report(r.codes().bad_type,
                 "option '" + key + "' must be " + expected_name(f) + ", found " +
                     std::string(scalar_type_name(opt.value)),
                 opt.where);
        continue;
      }
      if (auto why = violates(f, *sc)) {
        r.report(r.codes().bad_value, "option '" + key + "': " + *why, opt.where);
        continue;
      }
      f.assign(out, *sc);
    }
    missing_keys(seen, at, {}, r);
    for (const auto& c : checks_) c(out, at, r);
    if (locations_) out.*locations_ = std::move(at);
  }

  /// Appends one row per key (nested tables recursively), defaults from T{}.
  void describe(std::vector<SchemaRow>& rows, const std::string& prefix = {}) const {
    const T defaults{};
    for (const auto& f : fields_) {
      std::string key = prefix.empty() ? f.key : prefix + "." + f.key;
      SchemaRow row;
      row.key = key;
      row.type = f.type;
      if (!f.rules_text.empty()) row.type += " (" + f.rules_text + ")";
      if (f.show) row.default_value = f.show(defaults);
      row.description = f.description;
      row.required = f.required;
      rows.push_back(std::move(row));
      if (f.describe_nested) f.describe_nested(rows, key);
    }
  }

  const std::vector<Field>& fields() const { return fields_; }

  static std::string_view node_type_name(const toml::node& n);
  static std::optional<Scalar> node_to_scalar(const toml::node& n);

 private:
  template <class M>
  FieldRef add_scalar(std::string key, std::string type, ScalarKind kind, M T::*member,
                      std::string description) {
    Field f;
    f.key = std::move(key);
    f.type = std::move(type);
    f.kind = kind;
    f.description = std::move(description);
    if (kind == ScalarKind::path) {  // an empty path is never meant
      f.rules.push_back([](const Scalar& v) -> std::optional<std::string> {
        if (std::get<std::string>(v).empty()) return "an empty path is not allowed";
        return std::nullopt;
      });
    }
    f.assign = [member](T& obj, const Scalar& v) { assign_to(obj.*member, v); };
    f.show = [member](const T& obj) { return show_value(obj.*member); };
    fields_.push_back(std::move(f));
    return FieldRef(this, fields_.size() - 1);
  }

  template <class M>
  static void assign_to(M& m, const Scalar& v) {
    if constexpr (detail::is_optional<M>) {
      typename M::value_type inner{};
      assign_to(inner, v);
      m = std::move(inner);
    } else if constexpr (std::is_same_v<M, bool>) {
      m = std::get<bool>(v);
    } else if constexpr (std::is_integral_v<M>) {
      m = static_cast<M>(std::get<std::int64_t>(v));  // range checked by a rule
    } else if constexpr (std::is_floating_point_v<M>) {
      m = static_cast<M>(std::get<double>(v));
    } else {
      m = M(std::get<std::string>(v));  // std::string, std::filesystem::path
    }
  }

  template <class M>
  static std::string show_value(const M& m) {
    if constexpr (detail::is_optional<M>) {
      return m ? show_value(*m) : std::string{};
    } else if constexpr (std::is_same_v<M, bool>) {
      return m ? "true" : "false";
    } else if constexpr (std::is_integral_v<M>) {
      return scalar_to_toml(Scalar(static_cast<std::int64_t>(m)));
    } else if constexpr (std::is_floating_point_v<M>) {
      return scalar_to_toml(Scalar(static_cast<double>(m)));
    } else if constexpr (std::is_same_v<M, std::filesystem::path>) {
      return scalar_to_toml(Scalar(m.string()));
    } else {
      return scalar_to_toml(Scalar(std::string(m)));
    }
  }

  std::optional<std::size_t> find(std::string_view key) const {
    for (std::size_t i = 0; i < fields_.size(); ++i)
      if (fields_[i].key == key) return i;
    return std::nullopt;
  }

  static std::optional<Scalar> convert(const Field& f, const toml::node& n) {
    if (f.kind != ScalarKind::date && n.is_date()) return std::nullopt;
    auto sc = node_to_scalar(n);
    if (!sc) return std::nullopt;
    return convert(f, *sc);
  }

  static std::optional<Scalar> convert(const Field& f, const Scalar& v) {
    switch (f.kind) {
      case ScalarKind::text:
      case ScalarKind::path:
      case ScalarKind::date:
        if (std::holds_alternative<std::string>(v)) return v;
        return std::nullopt;
      case ScalarKind::integer:
        if (std::holds_alternative<std::int64_t>(v)) return v;
        return std::nullopt;
      case ScalarKind::number:
        if (std::holds_alternative<double>(v)) return v;
        if (const auto* i = std::get_if<std::int64_t>(&v)) return Scalar(static_cast<double>(*i));
        return std::nullopt;
      case ScalarKind::boolean:
        if (std::holds_alternative<bool>(v)) return v;
        return std::nullopt;
    }
    return std::nullopt;
  }

  static std::optional<std::string> violates(const Field& f, const Scalar& v) {
    if (f.kind == ScalarKind::date && !is_iso_date(std::get<std::string>(v)))
      return "'" + std::get<std::string>(v) + "' is not a date of the form YYYY-MM-DD";
    for (const auto& rule : f.rules)
      if (auto why = rule(v)) return why;
    return std::nullopt;
  }

  static std::string expected_name(const Field& f) {
    switch (f.kind) {
      case ScalarKind::text:
        return "a string";
      case ScalarKind::path:
        return "a string (a path)";
      case ScalarKind::date:
        return "a date (YYYY-MM-DD)";
      case ScalarKind::integer:
        return "an integer";
      case ScalarKind::number:
        return "a number";
      case ScalarKind::boolean:
        return "a boolean";
    }
    return "a value";
  }

  void unknown_key(const std::string& key, const std::string& key_path, Location where,
                   Reporter& r) const {
    std::vector<std::string_view> names;
    for (const auto& f : fields_) names.push_back(f.key);
    std::string hint;
    if (auto near = closest_key(key, names); !near.empty()) hint = "did you mean '" + near + "'?";
    r.report(r.codes().unknown_key, "unknown key '" + key_path + "' in " + name_, std::move(where),
             std::move(hint));
  }

  void missing_keys(const std::vector<bool>& seen, const KeyLocations& at, const std::string& path,
                    Reporter& r) const {
    for (std::size_t i = 0; i < fields_.size(); ++i) {
      if (!fields_[i].required || seen[i]) continue;
      std::string key_path = path.empty() ? fields_[i].key : path + "." + fields_[i].key;
      Location where = at.of("");
      where.field = key_path;
      r.report(r.codes().missing_key, "missing key '" + fields_[i].key + "' in " + name_,
               std::move(where));
    }
  }

  std::string name_;
  std::vector<Field> fields_;
  std::vector<Check> checks_;
  KeyLocations T::*locations_ = nullptr;
};

template <class T>
std::string_view Schema<T>::node_type_name(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a float";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::date:
      return "a date";
    case toml::node_type::time:
      return "a time";
    case toml::node_type::date_time:
      return "a date-time";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::table:
      return "a table";
    case toml::node_type::none:
      break;
  }
  return "nothing";
}

template <class T>
std::optional<Scalar> Schema<T>::node_to_scalar(const toml::node& n) {
  if (const auto* s = n.as_string()) return Scalar(s->get());
  if (const auto* i = n.as_integer()) return Scalar(i->get());
  if (const auto* d = n.as_floating_point()) return Scalar(d->get());
  if (const auto* b = n.as_boolean()) return Scalar(b->get());
  if (const auto* d = n.as_date()) {  // a TOML date is kept as "YYYY-MM-DD"
    const auto& v = d->get();
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04u-%02u-%02u", unsigned{v.year}, unsigned{v.month},
                  unsigned{v.day});
    return Scalar(std::string(buf));
  }
  return std::nullopt;
}

}  // namespace cb::config
