#pragma once
// Logging: spdlog set up from [log]. Text lines or JSON lines, to standard
// error or a file, and never a patient identifier in clear text:
//  - every line passes through a RedactingSink that replaces KVNRs, Swedish
//    personnummer and Danish CPR numbers with keyed pseudonyms (redact.h);
//  - names cannot be recognised, so code wraps them: PatientName{name} formats
//    as "[name:1a2b3c4d]". See pipeline/log/README.md.
//
//   auto logger = cb::log::setup_logging(config, {.pseudonym_key = key});
//   cb::log::LogFields f{{"route", "dta302-out"}, {"message_id", id}};
//   spdlog::info("billed {} for {}", amount, cb::log::PatientName{name});

#include <fmt/format.h>
#include <spdlog/formatter.h>
#include <spdlog/logger.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include "core/diag/expected.h"
#include <filesystem>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/diag/diagnostic.h"
#include "pipeline/config/config.h"
#include "pipeline/log/pseudonym.h"
#include "pipeline/log/redact.h"

namespace cb::log {

/// A value that must never appear in clear text: formats as its pseudonym.
struct Sensitive {
  IdKind kind;
  std::string_view value;
};

/// A person's name (patient, insured person, next of kin). Wrap every name that
/// is logged: redaction cannot find names by pattern.
struct PatientName : Sensitive {
  explicit PatientName(std::string_view name) : Sensitive{IdKind::name, name} {}
};

/// The pseudonym of a value with the installation's key (set by setup_logging);
/// "[name:redacted]" before logging is set up.
std::string pseudonym(const Sensitive& s);
/// `text` with every recognisable identifier replaced by its pseudonym, for
/// text that leaves the process by other ways than the log (diagnostics, CLI).
std::string redact(std::string_view text);

/// Installs the key used by pseudonym(), redact() and the fmt formatters.
void set_pseudonymizer(std::shared_ptr<const Pseudonymizer> p);
std::shared_ptr<const Pseudonymizer> current_pseudonymizer();

/// Structured fields for every line logged on this thread while the object
/// lives (nested scopes add to the outer ones). Values are redacted like the
/// message; JSON lines carry them as top-level string members, text lines as
/// key=value after the message.
class LogFields {
 public:
  LogFields(std::initializer_list<std::pair<std::string_view, std::string_view>> fields);
  ~LogFields();
  LogFields(const LogFields&) = delete;
  LogFields& operator=(const LogFields&) = delete;

 private:
  std::size_t count_;
};

/// The fields of the current thread, outermost first.
const std::vector<std::pair<std::string, std::string>>& current_fields();

/// Formats one line, text or JSON, redacting the message and field values before
/// escaping (so an escape sequence cannot hide an identifier from the redactor).
///  text: 2026-01-31T09:15:02.123Z info  carebridge: message key=value
///  json:
///  {"ts":"2026-01-31T09:15:02.123Z","level":"info","logger":"carebridge","msg":"...","key":"value"}
class LineFormatter final : public spdlog::formatter {
 public:
  LineFormatter(config::LogFormat format, std::shared_ptr<const Redactor> redactor);
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override;
  std::unique_ptr<spdlog::formatter> clone() const override;

 private:
  config::LogFormat format_;
  std::shared_ptr<const Redactor> redactor_;
};

/// A sink that formats each line itself, redacts the final line and hands it to
/// `inner` (whose formatter it sets to "%v"). Redaction holds even when someone
/// later calls set_pattern or set_formatter on the logger.
class RedactingSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  RedactingSink(std::shared_ptr<spdlog::sinks::sink> inner,
                std::shared_ptr<const Redactor> redactor, config::LogFormat format);

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override;
  void flush_() override;

 private:
  std::shared_ptr<spdlog::sinks::sink> inner_;
  std::shared_ptr<const Redactor> redactor_;
};

struct LogSetup {
  /// The installation's secret for pseudonyms (at least 16 bytes); see
  /// generate_pseudonym_key().
  std::string pseudonym_key;
  std::string logger_name = "carebridge";
  /// Make it spdlog's default logger (spdlog::info(...)).
  bool make_default = true;
};

/// A logger writing to `out` through a RedactingSink, at the configured level.
/// For tests and for embedding (e.g. an ostream sink).
std::shared_ptr<spdlog::logger> make_logger(const config::LogConfig& cfg,
                                            std::shared_ptr<spdlog::sinks::sink> out,
                                            std::shared_ptr<const Pseudonymizer> p,
                                            std::string logger_name = "carebridge");

/// Sets logging up from [log]: standard error or the file (appended, created with
/// its folder), installs the pseudonymizer and, by default, the default logger.
/// The file path is used as given; the Config overload resolves it against workdir.
cb::Expected<std::shared_ptr<spdlog::logger>, Diagnostic> setup_logging(
    const config::LogConfig& cfg, const LogSetup& setup);
cb::Expected<std::shared_ptr<spdlog::logger>, Diagnostic> setup_logging(const config::Config& cfg,
                                                                         const LogSetup& setup);

spdlog::level::level_enum to_spdlog(config::LogLevel level);

}  // namespace cb::log

template <>
struct fmt::formatter<cb::log::Sensitive> {
  constexpr auto parse(fmt::format_parse_context& ctx) { return ctx.begin(); }
  fmt::format_context::iterator format(const cb::log::Sensitive& s, fmt::format_context& ctx) const;
};

template <>
struct fmt::formatter<cb::log::PatientName> : fmt::formatter<cb::log::Sensitive> {};
