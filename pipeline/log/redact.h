#pragma once
// Finds patient identifiers in text and replaces them with pseudonyms. This is
// the safety net under every log line; names cannot be found by pattern and
// must be wrapped in PatientName by the code that logs them (see README.md).
//
// Recognised (each as a whole token, not inside a longer number or word):
//   KVNR          A123456780         upper-case letter + 9 digits
//   personnummer  811218-9876, 811218+9876, 19811218-9876, 198112189876,
//                 8112189876         date part must be a valid YYMMDD (day 61..91
//                                    for samordningsnummer); the forms without a
//                                    separator must also pass the Luhn check
//   CPR           241245-1234        DDMMYY-NNNN with a valid DDMMYY
// Left alone: 9-digit IKs, dates (2026-01-31, 20260131), times, amounts
// (1234567890.50), and digit groups that are part of a longer number.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "pipeline/log/pseudonym.h"

namespace cb::log {

/// One identifier found in text.
struct IdMatch {
  IdKind kind;
  std::size_t offset;
  std::size_t length;
};

/// Every identifier in `text`, left to right.
std::vector<IdMatch> find_identifiers(std::string_view text);

class Redactor {
 public:
  /// Without a pseudonymizer the tokens read "[kvnr:redacted]".
  explicit Redactor(std::shared_ptr<const Pseudonymizer> p) : p_(std::move(p)) {}

  /// `text` with every identifier replaced by its token.
  std::string redact(std::string_view text) const;
  /// Appends the redacted `text` to `out`.
  void redact_into(std::string_view text, std::string& out) const;
  /// The token for one value ("[name:redacted]" without a key).
  std::string token(IdKind kind, std::string_view value) const;

 private:
  std::shared_ptr<const Pseudonymizer> p_;
};

}  // namespace cb::log
