#include "pipeline/log/log.h"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <system_error>

namespace cb::log {
namespace {

std::mutex g_pseudonymizer_mutex;
std::shared_ptr<const Pseudonymizer> g_pseudonymizer;

thread_local std::vector<std::pair<std::string, std::string>> t_fields;

constexpr char kHex[] = "0123456789abcdef";

std::string_view level_name(spdlog::level::level_enum l) {
  switch (l) {
    case spdlog::level::trace:
      return "trace";
    case spdlog::level::debug:
      return "debug";
    case spdlog::level::info:
      return "info";
    case spdlog::level::warn:
      return "warn";
    case spdlog::level::err:
      return "error";
    case spdlog::level::critical:
      return "critical";
    default:
      return "off";
  }
}

void append(spdlog::memory_buf_t& dest, std::string_view s) {
  dest.append(s.data(), s.data() + s.size());
}

void append_timestamp(spdlog::memory_buf_t& dest, std::chrono::system_clock::time_point tp) {
  using namespace std::chrono;
  const auto secs = time_point_cast<seconds>(tp);
  const auto millis = duration_cast<milliseconds>(tp - secs).count();
  const std::time_t t = system_clock::to_time_t(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  fmt::format_to(std::back_inserter(dest), "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
                 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                 millis);
}

// Length of a valid UTF-8 sequence at s[i], or 0 when the bytes are not one.
std::size_t utf8_length(std::string_view s, std::size_t i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  std::size_t n = 0;
  std::uint32_t cp = 0;
  if (b0 < 0x80) return 1;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    n = 2;
    cp = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    n = 3;
    cp = b0 & 0x0F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    n = 4;
    cp = b0 & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3F);
  }
  if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
      (cp >= 0xD800 && cp <= 0xDFFF))
    return 0;
  return n;
}

// A JSON string body: quotes, backslashes and control characters escaped,
// bytes that are not UTF-8 replaced by U+FFFD so the line always parses.
void append_json_string(spdlog::memory_buf_t& dest, std::string_view s) {
  dest.push_back('"');
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    switch (c) {
      case '"':
        append(dest, "\\\"");
        ++i;
        continue;
      case '\\':
        append(dest, "\\\\");
        ++i;
        continue;
      case '\n':
        append(dest, "\\n");
        ++i;
        continue;
      case '\r':
        append(dest, "\\r");
        ++i;
        continue;
      case '\t':
        append(dest, "\\t");
        ++i;
        continue;
      case '\b':
        append(dest, "\\b");
        ++i;
        continue;
      case '\f':
        append(dest, "\\f");
        ++i;
        continue;
      default:
        break;
    }
    if (c < 0x20 || c == 0x7F) {
      append(dest, "\\u00");
      dest.push_back(kHex[c >> 4]);
      dest.push_back(kHex[c & 0xF]);
      ++i;
      continue;
    }
    const std::size_t n = utf8_length(s, i);
    if (n == 0) {
      append(dest, "\\ufffd");
      ++i;
      continue;
    }
    append(dest, s.substr(i, n));
    i += n;
  }
  dest.push_back('"');
}

// Text lines stay one line: control characters become \n, \t, \xNN.
void append_text(spdlog::memory_buf_t& dest, std::string_view s) {
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '\n') {
      append(dest, "\\n");
    } else if (c == '\r') {
      append(dest, "\\r");
    } else if (c == '\t') {
      append(dest, "\\t");
    } else if (c < 0x20 || c == 0x7F) {
      append(dest, "\\x");
      dest.push_back(kHex[c >> 4]);
      dest.push_back(kHex[c & 0xF]);
    } else {
      dest.push_back(ch);
    }
  }
}

void append_text_value(spdlog::memory_buf_t& dest, std::string_view v) {
  const bool quote =
      v.empty() || std::any_of(v.begin(), v.end(), [](char c) {
        return c == ' ' || c == '"' || c == '=' || static_cast<unsigned char>(c) < 0x20;
      });
  if (!quote) return append_text(dest, v);
  dest.push_back('"');
  for (char c : v) {
    if (c == '"' || c == '\\') dest.push_back('\\');
    append_text(dest, std::string_view(&c, 1));
  }
  dest.push_back('"');
}

bool reserved_json_key(std::string_view k) {
  return k == "ts" || k == "level" || k == "logger" || k == "msg";
}

}  // namespace

std::string pseudonym(const Sensitive& s) {
  return Redactor(current_pseudonymizer()).token(s.kind, s.value);
}

std::string redact(std::string_view text) {
  return Redactor(current_pseudonymizer()).redact(text);
}

void set_pseudonymizer(std::shared_ptr<const Pseudonymizer> p) {
  std::lock_guard lock(g_pseudonymizer_mutex);
  g_pseudonymizer = std::move(p);
}

std::shared_ptr<const Pseudonymizer> current_pseudonymizer() {
  std::lock_guard lock(g_pseudonymizer_mutex);
  return g_pseudonymizer;
}

LogFields::LogFields(std::initializer_list<std::pair<std::string_view, std::string_view>> fields)
    : count_(fields.size()) {
  for (const auto& [k, v] : fields) t_fields.emplace_back(std::string(k), std::string(v));
}

LogFields::~LogFields() {
  t_fields.resize(t_fields.size() - count_);
}

const std::vector<std::pair<std::string, std::string>>& current_fields() {
  return t_fields;
}

LineFormatter::LineFormatter(config::LogFormat format, std::shared_ptr<const Redactor> redactor)
    : format_(format), redactor_(std::move(redactor)) {}

std::unique_ptr<spdlog::formatter> LineFormatter::clone() const {
  return std::make_unique<LineFormatter>(format_, redactor_);
}

void LineFormatter::format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) {
  const std::string_view payload(msg.payload.data(), msg.payload.size());
  const std::string_view logger(msg.logger_name.data(), msg.logger_name.size());
  const std::string text = redactor_->redact(payload);
  const std::string name = redactor_->redact(logger);
  if (format_ == config::LogFormat::json) {
    append(dest, "{\"ts\":\"");
    append_timestamp(dest, msg.time);
    append(dest, "\",\"level\":\"");
    append(dest, level_name(msg.level));
    append(dest, "\",\"logger\":");
    append_json_string(dest, name);
    append(dest, ",\"msg\":");
    append_json_string(dest, text);
    for (const auto& [k, v] : t_fields) {
      dest.push_back(',');
      append_json_string(dest, reserved_json_key(k) ? "field_" + k : redactor_->redact(k));
      dest.push_back(':');
      append_json_string(dest, redactor_->redact(v));
    }
    append(dest, "}\n");
    return;
  }
  append_timestamp(dest, msg.time);
  dest.push_back(' ');
  const std::string_view level = level_name(msg.level);
  append(dest, level);
  for (std::size_t i = level.size(); i < 5; ++i) dest.push_back(' ');
  dest.push_back(' ');
  append_text(dest, name);
  append(dest, ": ");
  append_text(dest, text);
  for (const auto& [k, v] : t_fields) {
    dest.push_back(' ');
    append_text(dest, redactor_->redact(k));
    dest.push_back('=');
    append_text_value(dest, redactor_->redact(v));
  }
  dest.push_back('\n');
}

RedactingSink::RedactingSink(std::shared_ptr<spdlog::sinks::sink> inner,
                             std::shared_ptr<const Redactor> redactor, config::LogFormat format)
    : inner_(std::move(inner)), redactor_(std::move(redactor)) {
  formatter_ = std::make_unique<LineFormatter>(format, redactor_);
  inner_->set_formatter(std::make_unique<spdlog::pattern_formatter>("%v"));
}

void RedactingSink::sink_it_(const spdlog::details::log_msg& msg) {
  spdlog::memory_buf_t buf;
  formatter_->format(msg, buf);
  std::string_view line(buf.data(), buf.size());
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  const std::string redacted = redactor_->redact(line);
  spdlog::details::log_msg out = msg;
  out.payload = spdlog::string_view_t(redacted.data(), redacted.size());
  inner_->log(out);
}

void RedactingSink::flush_() {
  inner_->flush();
}

spdlog::level::level_enum to_spdlog(config::LogLevel level) {
  switch (level) {
    case config::LogLevel::trace:
      return spdlog::level::trace;
    case config::LogLevel::debug:
      return spdlog::level::debug;
    case config::LogLevel::info:
      return spdlog::level::info;
    case config::LogLevel::warn:
      return spdlog::level::warn;
    case config::LogLevel::error:
      return spdlog::level::err;
  }
  return spdlog::level::info;
}

std::shared_ptr<spdlog::logger> make_logger(const config::LogConfig& cfg,
                                            std::shared_ptr<spdlog::sinks::sink> out,
                                            std::shared_ptr<const Pseudonymizer> p,
                                            std::string logger_name) {
  auto redactor = std::make_shared<const Redactor>(std::move(p));
  auto sink = std::make_shared<RedactingSink>(std::move(out), redactor, cfg.format);
  auto logger = std::make_shared<spdlog::logger>(std::move(logger_name), std::move(sink));
  logger->set_level(to_spdlog(cfg.level));
  logger->flush_on(spdlog::level::warn);
  return logger;
}

cb::Expected<std::shared_ptr<spdlog::logger>, Diagnostic> setup_logging(
    const config::LogConfig& cfg, const LogSetup& setup) {
  if (setup.pseudonym_key.size() < Pseudonymizer::kMinKeyBytes) {
    return cb::Unexpected(Diagnostic::make(
        DiagCode::ConfigBadValue, "the pseudonym key must have at least " +
                                      std::to_string(Pseudonymizer::kMinKeyBytes) + " bytes"));
  }
  std::shared_ptr<spdlog::sinks::sink> out;
  if (cfg.file) {
    std::error_code ec;
    if (cfg.file->has_parent_path())
      std::filesystem::create_directories(cfg.file->parent_path(), ec);
    try {
      out = std::make_shared<spdlog::sinks::basic_file_sink_st>(cfg.file->string(), false);
    } catch (const spdlog::spdlog_ex& e) {
      Location where;
      where.file = cfg.file->string();
      return cb::Unexpected(Diagnostic::make(
          DiagCode::ConfigLogOpen, "cannot open log file: " + std::string(e.what()), where));
    }
  } else {
    out = std::make_shared<spdlog::sinks::stderr_sink_st>();
  }
  auto p = std::make_shared<const Pseudonymizer>(setup.pseudonym_key);
  set_pseudonymizer(p);
  auto logger = make_logger(cfg, std::move(out), std::move(p), setup.logger_name);
  if (setup.make_default) spdlog::set_default_logger(logger);
  return logger;
}

cb::Expected<std::shared_ptr<spdlog::logger>, Diagnostic> setup_logging(const config::Config& cfg,
                                                                         const LogSetup& setup) {
  config::LogConfig log = cfg.log;
  if (log.file) log.file = cfg.resolve(*log.file);
  return setup_logging(log, setup);
}

}  // namespace cb::log

fmt::format_context::iterator fmt::formatter<cb::log::Sensitive>::format(
    const cb::log::Sensitive& s, fmt::format_context& ctx) const {
  const std::string t = cb::log::pseudonym(s);
  return std::copy(t.begin(), t.end(), ctx.out());
}
