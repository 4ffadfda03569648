#pragma once
// A strict reader of the Prometheus text exposition format (0.0.4) for tests:
// returns every problem a scraper could trip over — a metric's HELP or TYPE
// given twice, TYPE after its samples, a family's lines not together, the same
// series twice, two families a scraper sees as one name (a counter "x_total"
// next to a gauge "x"; a family "h_count" next to a histogram "h"), bad names,
// labels or values. Empty when the text is valid.

#include <cctype>
#include <cstdlib>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace cb::metrics::testing {

inline std::vector<std::string> exposition_problems(std::string_view text) {
  std::vector<std::string> problems;
  std::map<std::string, std::string> type_of;  // family → type
  std::set<std::string> helped, sampled_families, closed_families, series;
  std::string current;  // the family whose lines are being read
  auto valid_name = [](std::string_view n) {
    if (n.empty() || std::isdigit(static_cast<unsigned char>(n[0])) != 0) return false;
    for (char c : n) {
      if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '_' && c != ':') return false;
    }
    return true;
  };
  auto enter = [&](const std::string& family, std::size_t line_no) {
    if (family == current) return;
    if (!current.empty()) closed_families.insert(current);
    if (closed_families.contains(family)) {
      problems.push_back("line " + std::to_string(line_no) + ": lines of " + family +
                         " are not together");
    }
    current = family;
  };
  // The family a sample line belongs to.
  auto family_of = [&](const std::string& sample) {
    for (std::string_view suffix : {"_bucket", "_sum", "_count"}) {
      if (sample.size() > suffix.size() && sample.ends_with(suffix)) {
        const std::string base = sample.substr(0, sample.size() - suffix.size());
        auto it = type_of.find(base);
        if (it != type_of.end() && (it->second == "histogram" || it->second == "summary")) {
          return base;
        }
      }
    }
    return sample;
  };

  std::size_t line_no = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) {
      problems.push_back("the text does not end with a newline");
      end = text.size();
    }
    const std::string line(text.substr(pos, end - pos));
    pos = end + 1;
    ++line_no;
    const std::string at = "line " + std::to_string(line_no) + ": ";
    if (line.empty()) continue;
    if (line.starts_with("# HELP ") || line.starts_with("# TYPE ")) {
      const bool is_type = line[2] == 'T';
      const std::string rest = line.substr(7);
      const std::size_t sp = rest.find(' ');
      const std::string name = rest.substr(0, sp);
      if (!valid_name(name)) problems.push_back(at + "bad metric name '" + name + "'");
      enter(name, line_no);
      if (is_type) {
        const std::string type = sp == std::string::npos ? "" : rest.substr(sp + 1);
        if (type != "counter" && type != "gauge" && type != "histogram" && type != "summary" &&
            type != "untyped") {
          problems.push_back(at + "unknown type '" + type + "' of " + name);
        }
        if (!type_of.emplace(name, type).second) problems.push_back(at + "TYPE of " + name + " twice");
        if (sampled_families.contains(name)) {
          problems.push_back(at + "TYPE of " + name + " after its samples");
        }
      } else if (!helped.insert(name).second) {
        problems.push_back(at + "HELP of " + name + " twice");
      }
      continue;
    }
    if (line.starts_with("#")) continue;  // a comment
    // name{labels} value
    std::size_t i = 0;
    while (i < line.size() && line[i] != '{' && line[i] != ' ') ++i;
    const std::string name = line.substr(0, i);
    if (!valid_name(name)) problems.push_back(at + "bad metric name '" + name + "'");
    std::map<std::string, std::string> labels;
    if (i < line.size() && line[i] == '{') {
      ++i;
      while (i < line.size() && line[i] != '}') {
        std::size_t eq = line.find('=', i);
        if (eq == std::string::npos || eq + 1 >= line.size() || line[eq + 1] != '"') {
          problems.push_back(at + "bad label list");
          break;
        }
        const std::string label = line.substr(i, eq - i);
        std::string value;
        std::size_t j = eq + 2;
        for (; j < line.size() && line[j] != '"'; ++j) {
          if (line[j] == '\\' && j + 1 < line.size()) ++j;
          value += line[j];
        }
        if (j >= line.size()) {
          problems.push_back(at + "unterminated label value");
          break;
        }
        if (!valid_name(label) || label.find(':') != std::string::npos) {
          problems.push_back(at + "bad label name '" + label + "'");
        }
        if (!labels.emplace(label, value).second) problems.push_back(at + "label " + label + " twice");
        i = j + 1;
        if (i < line.size() && line[i] == ',') ++i;
      }
      ++i;  // '}'
    }
    if (i >= line.size() || line[i] != ' ') {
      problems.push_back(at + "no value");
      continue;
    }
    const std::string value = line.substr(i + 1, line.find(' ', i + 1) - (i + 1));
    if (value != "+Inf" && value != "-Inf" && value != "NaN") {
      char* parsed_end = nullptr;
      std::strtod(value.c_str(), &parsed_end);
      if (value.empty() || parsed_end == nullptr || *parsed_end != '\0') {
        problems.push_back(at + "bad value '" + value + "'");
      }
    }
    const std::string family = family_of(name);
    enter(family, line_no);
    sampled_families.insert(family);
    std::string key = name + "{";
    for (const auto& [k, v] : labels) key += k + "=\"" + v + "\",";
    if (!series.insert(key + "}").second) problems.push_back(at + "series " + key + "} twice");
  }
  // Families a scraper would read as one name.
  std::map<std::string, std::string> seen_base;  // base name → family
  std::set<std::string> all_families = sampled_families;
  for (const auto& [f, t] : type_of) all_families.insert(f);
  for (const auto& f : all_families) {
    auto t = type_of.find(f);
    std::string base = f;
    if (t != type_of.end() && t->second == "counter" && f.ends_with("_total")) {
      base = f.substr(0, f.size() - 6);
    }
    auto [it, fresh] = seen_base.emplace(base, f);
    if (!fresh) problems.push_back("families " + it->second + " and " + f + " are one name (" + base + ")");
    if (t != type_of.end() && (t->second == "histogram" || t->second == "summary")) {
      for (std::string_view suffix : {"_bucket", "_sum", "_count"}) {
        const std::string sample = f + std::string(suffix);
        if (all_families.contains(sample)) {
          problems.push_back("family " + sample + " clashes with the samples of histogram " + f);
        }
      }
    }
  }
  return problems;
}

}  // namespace cb::metrics::testing
