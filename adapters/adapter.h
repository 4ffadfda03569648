#pragma once
// The adapter contract. An adapter translates between bytes in one external
// format and the core's canonical documents. It never touches the store: it
// gets bytes, validated options and mapping tables, and returns documents (or
// bytes) with diagnostics and an outcome. The pipeline owns retries and dead
// letters (CONVENTIONS.md, "Outcomes, not retries, in adapters").

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/diag/diagnostic.h"
#include "core/model/document.h"

namespace cb::mappings {
class TableSet;
}

namespace cb::adapters {

enum class Capability : std::uint8_t { read = 1, write = 2, validate = 4, detect = 8 };

constexpr std::uint8_t operator|(Capability a, Capability b) {
  return static_cast<std::uint8_t>(static_cast<std::uint8_t>(a) | static_cast<std::uint8_t>(b));
}
constexpr std::uint8_t operator|(std::uint8_t a, Capability b) {
  return static_cast<std::uint8_t>(a | static_cast<std::uint8_t>(b));
}

/// What an adapter call came to. `retry` is a transient fault (network, lock);
/// `reject` means the input (or the documents to write) is wrong, see diagnostics.
enum class Outcome : std::uint8_t { ok, retry, reject };
std::string_view to_string(Outcome o);

enum class OptionType : std::uint8_t { string, integer, boolean, choice };

/// One declared option of an adapter. Options are validated before the adapter
/// sees them: unknown keys and bad values are errors (ADP004, ADP005).
struct OptionSpec {
  std::string key;
  OptionType type = OptionType::string;
  std::string default_value;          // used when the key is absent; empty = no default
  std::vector<std::string> choices;   // for OptionType::choice
  std::int64_t min = 0, max = 0;      // for OptionType::integer when min < max
  bool required = false;
  std::string description;
};

/// Options after validation: every declared key has a value (given or default).
class Options {
 public:
  Options() = default;
  explicit Options(std::map<std::string, std::string> values) : values_(std::move(values)) {}
  const std::string& get(const std::string& key) const;
  bool get_bool(const std::string& key) const;
  std::int64_t get_int(const std::string& key) const;
  const std::map<std::string, std::string>& values() const { return values_; }

 private:
  std::map<std::string, std::string> values_;
};

struct AdapterInfo {
  std::string name;           // registry key, e.g. "canonical-json"
  std::string title;          // one line for `carebridge adapters`
  std::string spec_version;   // the external format's version this adapter implements
  std::uint8_t capabilities = 0;
  std::vector<OptionSpec> options;
  std::vector<std::string> file_extensions;  // e.g. ".json"

  bool can(Capability c) const { return (capabilities & static_cast<std::uint8_t>(c)) != 0; }
};

/// What the caller passes along with the bytes.
struct Context {
  std::string source_name;                      // file name or endpoint, used in diagnostics
  Options options;                              // validated
  const mappings::TableSet* tables = nullptr;   // may be null when an adapter needs none
};

struct ReadResult {
  Outcome outcome = Outcome::ok;
  DocumentSet documents;
  Diagnostics diagnostics;
  /// Business keys (Geschäftsschlüssel) the input carries, one per document
  /// that has one, each "<kind>:<value>" (e.g. "interchange:ORD-4711",
  /// "delivery-note:LS-1"): what makes a second file with other bytes the same
  /// business event. Master data (parties, items) has none: a second file
  /// updates it. The pipeline persists them for duplicate detection.
  std::vector<std::string> business_keys;
};

struct WriteResult {
  Outcome outcome = Outcome::ok;
  std::string bytes;
  Diagnostics diagnostics;
};

class Adapter {
 public:
  virtual ~Adapter() = default;
  virtual const AdapterInfo& info() const = 0;

  /// Bytes → documents. Default: reject with ADP003.
  virtual ReadResult read(std::string_view bytes, const Context& ctx) const;
  /// Documents → bytes. A writer refuses documents that would give an invalid file.
  virtual WriteResult write(const DocumentSet& docs, const Context& ctx) const;
  /// Checks bytes against the format's rules without producing documents.
  /// Default: the diagnostics of read().
  virtual Diagnostics validate(std::string_view bytes, const Context& ctx) const;
  /// How sure the adapter is that the bytes are in its format: 0 (no) .. 100 (certain).
  virtual int detect(std::string_view bytes) const;
};

/// Validates raw option values against the adapter's declared options and fills
/// defaults. `where` is the location of the options in the configuration.
cb::Expected<Options, Diagnostics> validate_options(const AdapterInfo& info,
                                                      const std::map<std::string, std::string>& raw,
                                                      const Location& where = {});

}  // namespace cb::adapters
