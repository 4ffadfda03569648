#include "pipeline/cli/tools.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "adapters/registry.h"
#include "core/value/date.h"
#include "core/value/date_formula.h"
#include "core/value/identifiers.h"

namespace cb::cli {

bool read_file(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  out = ss.str();
  return !in.bad();
}

bool write_file_atomic(const std::string& path, const std::string& bytes, std::string& error) {
  namespace fs = std::filesystem;
  const fs::path target(path);
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::string tmpl = (dir / ("." + target.filename().string() + ".XXXXXX")).string();
  const int fd = ::mkstemp(tmpl.data());
  if (fd < 0) {
    error = "cannot create a temporary file in " + dir.string() + ": " + std::strerror(errno);
    return false;
  }
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      error = std::string("write failed: ") + std::strerror(errno);
      ::close(fd);
      ::unlink(tmpl.c_str());
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    error = std::string("cannot flush ") + tmpl + ": " + std::strerror(errno);
    ::unlink(tmpl.c_str());
    return false;
  }
  if (::rename(tmpl.c_str(), path.c_str()) != 0) {
    error = "cannot rename into " + path + ": " + std::strerror(errno);
    ::unlink(tmpl.c_str());
    return false;
  }
  return true;
}

int formula(const std::string& date_text, const std::string& formula_text, bool explain,
            std::ostream& out, std::ostream& err) {
  auto date = Date::parse(date_text);
  if (!date) {
    err << "--date: " << date.error().to_string() << "\n";
    return kInvalidInput;
  }
  auto f = DateFormula::parse(formula_text);
  if (!f) {
    err << "formula: " << f.error().to_string() << "\n";
    return kInvalidInput;
  }
  if (explain) {
    out << "start           " << date->to_string() << "\n";
    const auto steps = f->steps(*date);
    for (std::size_t i = 0; i < steps.size(); ++i) {
      std::string label = f->term_to_string(i);
      label.resize(std::max<std::size_t>(label.size(), 15), ' ');
      out << label << " " << steps[i].to_string() << "\n";
    }
    out << "result          ";
  }
  out << f->apply(*date).to_string() << "\n";
  return kOk;
}

int check_id(const std::string& kind_name, const std::string& value, std::ostream& out,
             std::ostream& err) {
  auto kind = id_kind_from_name(kind_name);
  if (!kind) {
    err << kind.error().to_string() << "\n";
    return kUsage;
  }
  const IdCheck check = cb::check_id(*kind, value);
  out << id_kind_title(*kind) << ": " << (check.valid ? "valid" : "invalid") << "\n";
  if (check.valid) out << "  normalized: " << check.normalized << "\n";
  for (const auto& fact : check.facts) out << "  " << fact << "\n";
  if (check.problem) out << "  " << check.problem->to_string() << "\n";
  return check.valid ? kOk : kInvalidInput;
}

namespace {

std::string capabilities(const adapters::AdapterInfo& info) {
  std::string s;
  auto add = [&](adapters::Capability c, const char* name) {
    if (info.can(c)) s += (s.empty() ? "" : ",") + std::string(name);
  };
  add(adapters::Capability::read, "read");
  add(adapters::Capability::write, "write");
  add(adapters::Capability::validate, "validate");
  add(adapters::Capability::detect, "detect");
  return s;
}

void print_diagnostics(const Diagnostics& ds, std::ostream& out) {
  for (const auto& d : ds) out << d.to_string() << "\n";
}

const adapters::Adapter* pick_adapter(const std::string& name, const std::string& bytes,
                                      std::ostream& err) {
  const auto& registry = adapters::default_registry();
  if (name.empty()) {
    const auto* a = registry.detect(bytes);
    if (a == nullptr) err << "no adapter recognises this input; name one with --format\n";
    return a;
  }
  auto a = registry.require(name);
  if (!a) {
    err << a.error().to_string() << "\n";
    return nullptr;
  }
  return *a;
}

}  // namespace

int list_adapters(std::ostream& out) {
  for (const auto* a : adapters::default_registry().list()) {
    const auto& info = a->info();
    out << info.name << "  [" << capabilities(info) << "]  " << info.spec_version << "\n"
        << "    " << info.title << "\n";
    for (const auto& o : info.options) {
      out << "    option " << o.key << (o.required ? " (required)" : "")
          << (o.default_value.empty() ? "" : " default=" + o.default_value) << ": "
          << o.description << "\n";
    }
  }
  return kOk;
}

int validate(const std::string& format, const std::string& file, std::ostream& out,
             std::ostream& err) {
  std::string bytes;
  if (!read_file(file, bytes)) {
    err << file << ": " << Diagnostic::make(DiagCode::ImportFileUnreadable, "cannot read " + file).to_string() << "\n";
    return kInvalidInput;
  }
  const auto* adapter = pick_adapter(format, bytes, err);
  if (adapter == nullptr) return kUsage;
  if (!adapter->info().can(adapters::Capability::validate)) {
    err << "adapter '" << adapter->info().name << "' cannot validate\n";
    return kUsage;
  }
  adapters::Context ctx;
  ctx.source_name = file;
  const Diagnostics ds = adapter->validate(bytes, ctx);
  print_diagnostics(ds, out);
  if (has_errors(ds)) {
    out << file << ": invalid (" << ds.size() << " diagnostic(s))\n";
    return kInvalidInput;
  }
  out << file << ": valid " << adapter->info().name << "\n";
  return kOk;
}

int convert(const std::string& from, const std::string& to, const std::string& input,
            const std::string& output, std::ostream& out, std::ostream& err) {
  std::string bytes;
  if (!read_file(input, bytes)) {
    err << Diagnostic::make(DiagCode::ImportFileUnreadable, "cannot read " + input).to_string() << "\n";
    return kInvalidInput;
  }
  const auto* reader = pick_adapter(from, bytes, err);
  if (reader == nullptr) return kUsage;
  auto writer = adapters::default_registry().require(to);
  if (!writer) {
    err << writer.error().to_string() << "\n";
    return kUsage;
  }
  if (!reader->info().can(adapters::Capability::read) ||
      !(*writer)->info().can(adapters::Capability::write)) {
    err << "adapter '" << reader->info().name << "' must read and '" << (*writer)->info().name
        << "' must write\n";
    return kUsage;
  }
  adapters::Context ctx;
  ctx.source_name = input;
  const auto read = reader->read(bytes, ctx);
  print_diagnostics(read.diagnostics, err);
  if (read.outcome != adapters::Outcome::ok) return kInvalidInput;
  const auto written = (*writer)->write(read.documents, ctx);
  print_diagnostics(written.diagnostics, err);
  if (written.outcome != adapters::Outcome::ok) return kInvalidInput;
  std::string error;
  if (!write_file_atomic(output, written.bytes, error)) {
    err << error << "\n";
    return kInvalidInput;
  }
  out << "converted " << read.documents.documents.size() << " document(s) from "
      << reader->info().name << " to " << (*writer)->info().name << ": " << output << "\n";
  return kOk;
}

}  // namespace cb::cli
