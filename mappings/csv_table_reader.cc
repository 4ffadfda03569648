// CSV loader for mapping tables. Positions: `line` is the physical line (1-based)
// where a field starts, `column` the character column (1-based, counted in
// Unicode code points, the BOM not counted) of the field's first non-blank
// character (its opening quote when quoted).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mappings/table_loader.h"

namespace cb::mappings {
namespace {

struct Field {
  std::string text;
  bool quoted = false;
  std::uint32_t line = 0;
  std::uint32_t column = 0;
};

struct Record {
  std::uint32_t line = 0;
  std::vector<Field> fields;
  bool bad = false;
};

bool is_blank(char c) {
  return c == ' ' || c == '\t';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
  return s;
}

/// Offset of the first byte that is not part of well-formed UTF-8, or nullopt.
std::optional<std::size_t> invalid_utf8(std::string_view s) {
  std::size_t i = 0;
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  while (i < s.size()) {
    const unsigned char c = byte(i);
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    std::uint32_t cp = 0;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
      cp = c & 0x1Fu;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      cp = c & 0x0Fu;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      cp = c & 0x07u;
    } else {
      return i;
    }
    if (i + len > s.size()) return i;
    for (std::size_t k = 1; k < len; ++k) {
      if ((byte(i + k) & 0xC0u) != 0x80u) return i;
      cp = (cp << 6) | (byte(i + k) & 0x3Fu);
    }
    if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (len == 4 && (cp < 0x10000 || cp > 0x10FFFF))) {
      return i;
    }
    i += len;
  }
  return std::nullopt;
}

class CsvScanner {
 public:
  CsvScanner(std::string_view text, std::string_view file, Diagnostics& errors)
      : s_(text), file_(file), errors_(errors) {
    if (s_.starts_with("\xEF\xBB\xBF")) pos_ = 3;
  }

  Location here() const { return at(line_, col_); }
  Location at(std::uint32_t line, std::uint32_t column) const {
    Location l;
    l.file = std::string(file_);
    l.line = line;
    l.column = column;
    return l;
  }
  std::uint32_t line() const { return line_; }

  /// Reports the first byte that is not UTF-8; false when there is one.
  bool check_utf8() {
    const auto bad = invalid_utf8(s_);
    if (!bad) return true;
    while (pos_ < *bad) advance();
    error(here(), "invalid UTF-8 byte 0x" + hex(static_cast<unsigned char>(s_[*bad])) +
                      ": save the file as UTF-8");
    return false;
  }

  /// Skips blank lines, blank-only lines and `#` comment lines; false at the end.
  bool skip_to_record() {
    while (pos_ < s_.size()) {
      std::size_t p = pos_;
      while (p < s_.size() && is_blank(s_[p])) ++p;
      const bool blank = p >= s_.size() || s_[p] == '\n' ||
                         (s_[p] == '\r' && p + 1 < s_.size() && s_[p + 1] == '\n');
      if (!blank && s_[pos_] != '#') return true;
      while (pos_ < s_.size() && s_[pos_] != '\n') advance();
      if (pos_ < s_.size()) advance();
    }
    return false;
  }

  /// The separator of the line at the current position: `;` when it has more
  /// semicolons than commas outside quotes, `,` otherwise.
  char detect_separator() const {
    std::size_t commas = 0, semicolons = 0;
    bool in_quotes = false;
    for (std::size_t p = pos_; p < s_.size(); ++p) {
      const char c = s_[p];
      if (c == '"') in_quotes = !in_quotes;
      if (in_quotes) continue;
      if (c == '\n') break;
      if (c == ',') ++commas;
      if (c == ';') ++semicolons;
    }
    return semicolons > commas ? ';' : ',';
  }

  /// Reads one record. False after a fatal error (an unterminated quote: the rest
  /// of the file cannot be split into records).
  bool read_record(char sep, Record& rec) {
    rec = Record{};
    rec.line = line_;
    while (true) {
      Field f;
      while (pos_ < s_.size() && is_blank(s_[pos_])) advance();
      f.line = line_;
      f.column = col_;
      if (pos_ < s_.size() && s_[pos_] == '"') {
        f.quoted = true;
        advance();
        while (true) {
          if (pos_ >= s_.size()) {
            error(at(f.line, f.column), "quoted field is not closed: a quote is missing");
            return false;
          }
          const char c = s_[pos_];
          if (c == '"') {
            if (pos_ + 1 < s_.size() && s_[pos_ + 1] == '"') {
              f.text += '"';
              advance();
              advance();
              continue;
            }
            advance();
            break;
          }
          if (!(c == '\r' && pos_ + 1 < s_.size() && s_[pos_ + 1] == '\n'))
            f.text += c;  // CRLF → LF
          advance();
        }
        while (pos_ < s_.size() && is_blank(s_[pos_])) advance();
        if (pos_ < s_.size() && s_[pos_] != sep && !at_newline()) {
          error(here(), "unexpected text after the closing quote of the field at column " +
                            std::to_string(f.column) +
                            ": double a quote inside a quoted field (\"\")");
          rec.bad = true;
          while (pos_ < s_.size() && s_[pos_] != sep && !at_newline()) advance();
        }
      } else {
        const std::size_t start = pos_;
        bool reported = false;
        while (pos_ < s_.size() && s_[pos_] != sep && !at_newline()) {
          if (s_[pos_] == '"' && !reported) {
            error(here(),
                  "quote inside an unquoted field: quote the whole field and double the quote "
                  "(\"\")");
            rec.bad = true;
            reported = true;
          }
          advance();
        }
        f.text = std::string(trim(s_.substr(start, pos_ - start)));
      }
      rec.fields.push_back(std::move(f));
      if (pos_ >= s_.size()) return true;
      if (s_[pos_] == sep) {
        advance();
        continue;
      }
      if (s_[pos_] == '\r') advance();
      advance();  // '\n'
      return true;
    }
  }

  void error(Location where, std::string message) {
    errors_.push_back(
        Diagnostic::make(DiagCode::MapCsvSyntax, std::move(message), std::move(where)));
  }

 private:
  static std::string hex(unsigned char c) {
    const char* digits = "0123456789ABCDEF";
    return {digits[c >> 4], digits[c & 0x0F]};
  }
  bool at_newline() const {
    return s_[pos_] == '\n' || (s_[pos_] == '\r' && pos_ + 1 < s_.size() && s_[pos_ + 1] == '\n');
  }
  void advance() {
    const auto c = static_cast<unsigned char>(s_[pos_++]);
    if (c == '\n') {
      ++line_;
      col_ = 1;
    } else if ((c & 0xC0u) != 0x80u) {
      ++col_;
    }
  }

  std::string_view s_;
  std::string_view file_;
  Diagnostics& errors_;
  std::size_t pos_ = 0;
  std::uint32_t line_ = 1;
  std::uint32_t col_ = 1;
};

std::string column_list(const TableSchema& schema) {
  std::string out;
  for (const auto& c : schema.columns()) {
    if (!out.empty()) out += ", ";
    out += c.name;
  }
  return out;
}

}  // namespace

cb::Expected<Table, Diagnostics> load_csv_text(std::string_view text, std::string_view file,
                                                const TableSchema& schema) {
  Diagnostics errors;
  CsvScanner sc(text, file, errors);
  if (!sc.check_utf8()) return cb::Unexpected(std::move(errors));
  if (!sc.skip_to_record()) {
    sc.error(sc.at(sc.line(), 0),
             "no header line: the first line that is not blank or a # comment names the columns");
    return cb::Unexpected(std::move(errors));
  }
  const char sep = sc.detect_separator();
  Record header;
  if (!sc.read_record(sep, header)) return cb::Unexpected(std::move(errors));

  const std::size_t ncols = schema.columns().size();
  std::vector<std::optional<std::size_t>> column_of(header.fields.size());
  std::vector<bool> present(ncols, false);
  for (std::size_t i = 0; i < header.fields.size(); ++i) {
    const Field& f = header.fields[i];
    const std::string name(trim(f.text));
    const auto idx = schema.column_index(name);
    if (!idx) {
      errors.push_back(Diagnostic::make(DiagCode::MapUnknownColumn,
                                        "unknown column '" + name + "' in table '" + schema.name() +
                                            "' (its columns: " + column_list(schema) + ")",
                                        sc.at(f.line, f.column)));
    } else if (present[*idx]) {
      sc.error(sc.at(f.line, f.column), "column '" + name + "' appears twice in the header");
    } else {
      present[*idx] = true;
      column_of[i] = *idx;
    }
  }
  bool columns_missing = false;
  for (std::size_t c = 0; c < ncols; ++c) {
    if (schema.is_mandatory(c) && !present[c]) {
      errors.push_back(Diagnostic::make(DiagCode::MapMissingColumn,
                                        "mandatory column '" + schema.column(c).name +
                                            "' of table '" + schema.name() +
                                            "' is missing from the header",
                                        sc.at(header.line, 0)));
      columns_missing = true;
    }
  }

  std::vector<RowDraft> drafts;
  while (sc.skip_to_record()) {
    Record rec;
    if (!sc.read_record(sep, rec)) break;
    if (rec.fields.size() != header.fields.size()) {
      const bool more = rec.fields.size() > header.fields.size();
      const Field& f = more ? rec.fields[header.fields.size()] : rec.fields.front();
      sc.error(sc.at(f.line, f.column), "record has " + std::to_string(rec.fields.size()) +
                                            " fields, the header has " +
                                            std::to_string(header.fields.size()));
      continue;
    }
    if (rec.bad) continue;
    RowDraft draft;
    draft.line = rec.line;
    draft.cells.resize(ncols);
    draft.where.assign(ncols, sc.at(rec.line, 0));
    bool ok = true;
    for (std::size_t i = 0; i < rec.fields.size(); ++i) {
      if (!column_of[i]) continue;
      const std::size_t c = *column_of[i];
      const Field& f = rec.fields[i];
      const Column& col = schema.column(c);
      draft.where[c] = sc.at(f.line, f.column);
      const std::string_view value =
          col.type == ColumnType::string ? std::string_view(f.text) : trim(f.text);
      auto v = parse_value(value, col.type);
      if (!v) {
        errors.push_back(Diagnostic::make(
            DiagCode::MapBadValue, "column '" + col.name + "': " + v.error(), draft.where[c]));
        ok = false;
        continue;
      }
      draft.cells[c] = std::move(*v);
    }
    if (ok) drafts.push_back(std::move(draft));
  }

  if (!columns_missing) {
    auto table = Table::build(std::make_shared<const TableSchema>(schema), std::string(file),
                              std::move(drafts), errors);
    if (table && errors.empty()) return std::move(*table);
  }
  return cb::Unexpected(std::move(errors));
}

}  // namespace cb::mappings
