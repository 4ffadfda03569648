#pragma once
// Diagnostics: what the project says about bad input. A diagnostic names the
// place (file, line/column, segment/element, XPath or field path), the rule
// (a stable code from diag/codes.def) and the reason in words a person can act on.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/diag/expected.h"

namespace cb {

enum class Severity : std::uint8_t { info, warning, error, fatal };

std::string_view to_string(Severity s);

/// Every stable diagnostic code of the project, generated from diag/codes.def.
enum class DiagCode : std::uint16_t {
#define CB_DIAG(name, id, severity, title) name,
#include "core/diag/codes.def"
#undef CB_DIAG
};

/// The stable id of a code, e.g. "DEC002".
std::string_view code_id(DiagCode c);
/// A short title, e.g. "not a decimal number".
std::string_view code_title(DiagCode c);
/// The catalogue's default severity of a code.
Severity code_severity(DiagCode c);
/// Number of codes in the catalogue.
std::size_t code_count();
/// Looks a code up by its stable id; false when unknown.
bool code_from_id(std::string_view id, DiagCode& out);

/// Where in the input a diagnostic points. Every member is optional; set what
/// the reader knows. Lines and columns are 1-based, 0 means unknown.
struct Location {
  std::string file;
  std::uint32_t line = 0;
  std::uint32_t column = 0;
  std::uint64_t byte_offset = 0;   // 0 = unknown unless has_offset
  bool has_offset = false;
  std::string segment;            // EDIFACT segment tag with its number, e.g. "INV#12"
  std::string element;            // EDIFACT element position, e.g. "2:1"
  std::string xpath;              // XML location
  std::string field;              // field path in a document, e.g. "/documents/3/ik"

  bool empty() const;
  /// "file:line:col segment element xpath field" with what is known.
  std::string to_string() const;
};

struct Diagnostic {
  DiagCode code{};
  Severity severity = Severity::error;
  Location where;
  std::string message;  // the reason, specific to this input
  std::string hint;     // optional: what to do about it

  /// A diagnostic with the catalogue's default severity.
  static Diagnostic make(DiagCode code, std::string message, Location where = {});

  /// "file:3:14: error DEC002 (not a decimal number): '1,2,3' has two separators"
  std::string to_string() const;
};

using Diagnostics = std::vector<Diagnostic>;

/// Input text as diagnostics show it: in single quotes, printable ASCII as is,
/// other bytes (and a backslash) as \xNN, cut after 40 bytes with "...".
std::string quote_input(std::string_view text);

/// True when any diagnostic is an error or worse.
bool has_errors(const Diagnostics& ds);

/// Expected failures are return values (see CONVENTIONS.md, error policy):
/// a parser returns Result<T>; exceptions are for start-up and configuration only.
template <class T>
using Result = Expected<T, Diagnostic>;

/// Shorthand for returning a failure from a function that returns Result<T>.
inline Unexpected<Diagnostic> fail(DiagCode code, std::string message, Location where = {}) {
  return Unexpected(Diagnostic::make(code, std::move(message), std::move(where)));
}

}  // namespace cb
