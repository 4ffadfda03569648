#include "pipeline/metrics/metrics_registry.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>
#include <string_view>
#include <variant>

namespace cb::metrics {
namespace {

void atomic_add(std::atomic<double>& a, double by) {
  double cur = a.load(std::memory_order_relaxed);
  while (!a.compare_exchange_weak(cur, cur + by, std::memory_order_relaxed)) {
  }
}

bool valid_metric_name(std::string_view n) {
  if (n.empty()) return false;
  for (std::size_t i = 0; i < n.size(); ++i) {
    const char c = n[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
    const bool digit = c >= '0' && c <= '9';
    if (!(alpha || (i > 0 && digit))) return false;
  }
  return true;
}

bool valid_label_name(std::string_view n) {
  if (n.empty() || n.starts_with("__")) return false;
  for (std::size_t i = 0; i < n.size(); ++i) {
    const char c = n[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    const bool digit = c >= '0' && c <= '9';
    if (!(alpha || (i > 0 && digit))) return false;
  }
  return true;
}

std::string escape_help(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

/// `{a="x",b="y"}` with an optional extra label appended; "" without labels.
std::string label_set(const std::vector<std::string>& names, const std::vector<std::string>& values,
                      std::string_view extra_name = {}, std::string_view extra_value = {}) {
  if (names.empty() && extra_name.empty()) return {};
  std::string out = "{";
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i) out += ',';
    out += names[i];
    out += "=\"";
    out += escape_label_value(values[i]);
    out += '"';
  }
  if (!extra_name.empty()) {
    if (!names.empty()) out += ',';
    out += extra_name;
    out += "=\"";
    out += extra_value;
    out += '"';
  }
  out += '}';
  return out;
}

}  // namespace

std::string format_value(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    return std::to_string(static_cast<long long>(v));
  }
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

std::string escape_label_value(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

// --- values ----------------------------------------------------------------

void Counter::inc(double by) {
  if (!(by > 0)) return;  // also drops NaN
  atomic_add(value_, by);
}

void Gauge::inc(double by) { atomic_add(value_, by); }

Histogram::Histogram(std::span<const double> bounds)
    : bounds_(bounds.begin(), bounds.end()),
      buckets_(std::make_unique<std::atomic<std::uint64_t>[]>(bounds.size() + 1)) {
  for (std::size_t i = 0; i <= bounds_.size(); ++i) buckets_[i].store(0);
}

void Histogram::observe(double v) {
  if (std::isnan(v)) return;
  const auto it = std::lower_bound(bounds_.begin(), bounds_.end(), v);  // first bound >= v
  const auto idx = static_cast<std::size_t>(it - bounds_.begin());
  buckets_[idx].fetch_add(1, std::memory_order_relaxed);
  atomic_add(sum_, v);
  count_.fetch_add(1, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::snapshot() const {
  Snapshot s;
  s.bounds = bounds_;
  std::uint64_t running = 0;
  for (std::size_t i = 0; i <= bounds_.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    s.cumulative.push_back(running);
  }
  // The count is the +Inf bucket, so the two always agree in one scrape.
  s.count = running;
  s.sum = sum_.load(std::memory_order_relaxed);
  return s;
}

// --- families --------------------------------------------------------------

template <class M>
Family<M>::Family(std::string name, std::string help, std::vector<std::string> labels,
                  std::vector<double> bounds)
    : name_(std::move(name)),
      help_(std::move(help)),
      labels_(std::move(labels)),
      bounds_(std::move(bounds)) {}

template <class M>
std::unique_ptr<M> Family<M>::make() const {
  if constexpr (std::is_same_v<M, Histogram>) {
    return std::make_unique<Histogram>(bounds_);
  } else {
    return std::make_unique<M>();
  }
}

template <class M>
M& Family<M>::with(std::initializer_list<std::string_view> values) {
  std::vector<std::string> v;
  v.reserve(values.size());
  for (auto s : values) v.emplace_back(s);
  return with(v);
}

template <class M>
M& Family<M>::with(const std::vector<std::string>& values) {
  if (values.size() != labels_.size()) {
    throw std::invalid_argument("metric " + name_ + " has " + std::to_string(labels_.size()) +
                                " labels, got " + std::to_string(values.size()) + " values");
  }
  std::lock_guard lock(mutex_);
  auto it = series_.find(values);
  if (it == series_.end()) it = series_.emplace(values, make()).first;
  return *it->second;
}

template <class M>
void Family<M>::clear() {
  std::lock_guard lock(mutex_);
  series_.clear();
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

// --- registry --------------------------------------------------------------

struct Registry::Entry {
  MetricType type;
  std::variant<std::unique_ptr<CounterFamily>, std::unique_ptr<GaugeFamily>,
               std::unique_ptr<HistogramFamily>>
      family;
  std::vector<std::string> labels;
  std::vector<double> bounds;
  std::string help;
};

Registry::Registry() = default;
Registry::~Registry() = default;

namespace {

/// The family name as OpenMetrics parsers see it: counters without "_total".
std::string family_base(const std::string& name, MetricType type) {
  constexpr std::string_view kTotal = "_total";
  if (type == MetricType::counter && name.ends_with(kTotal)) {
    return name.substr(0, name.size() - kTotal.size());
  }
  return name;
}

/// The names of the sample lines a family renders.
std::vector<std::string> sample_names(const std::string& name, MetricType type) {
  if (type == MetricType::histogram) return {name + "_bucket", name + "_sum", name + "_count"};
  return {name};
}

}  // namespace

Registry::Entry& Registry::declare(const std::string& name, MetricType type,
                                   const std::vector<std::string>& labels,
                                   std::span<const double> bounds, const std::string& help) {
  if (!valid_metric_name(name)) throw std::logic_error("invalid metric name '" + name + "'");
  for (const auto& l : labels) {
    if (!valid_label_name(l) || (type == MetricType::histogram && l == "le")) {
      throw std::logic_error("metric " + name + ": invalid label name '" + l + "'");
    }
  }
  std::vector<double> b(bounds.begin(), bounds.end());
  if (type == MetricType::histogram) {
    if (b.empty() || !std::is_sorted(b.begin(), b.end()) ||
        std::adjacent_find(b.begin(), b.end()) != b.end() || std::isinf(b.back())) {
      throw std::logic_error("metric " + name + ": buckets must be finite and strictly increasing");
    }
  }
  auto it = families_.find(name);
  if (it != families_.end()) {
    Entry& e = *it->second;
    if (e.type != type || e.labels != labels || e.bounds != b) {
      throw std::logic_error("metric " + name + " declared twice with different type or labels");
    }
    return e;
  }
  // Names must stay apart also as a scraper reads them: a counter's family is
  // its name without "_total" (OpenMetrics), a histogram's samples add
  // _bucket, _sum and _count. "x_total" (counter) next to "x" (gauge), or a
  // family named "h_count" next to histogram "h", would be one name twice.
  for (const auto& [other, entry] : families_) {
    if (family_base(other, entry->type) == family_base(name, type)) {
      throw std::logic_error("metric " + name + " clashes with " + other +
                             " (the same family name for a scraper)");
    }
    for (const auto& mine : sample_names(name, type)) {
      for (const auto& theirs : sample_names(other, entry->type)) {
        if (mine == theirs) {
          throw std::logic_error("metric " + name + " clashes with " + other +
                                 ": both have samples named " + mine);
        }
      }
    }
  }
  auto e = std::make_unique<Entry>();
  e->type = type;
  e->labels = labels;
  e->bounds = b;
  e->help = help;
  switch (type) {
    case MetricType::counter:
      e->family = std::unique_ptr<CounterFamily>(new CounterFamily(name, help, labels, {}));
      break;
    case MetricType::gauge:
      e->family = std::unique_ptr<GaugeFamily>(new GaugeFamily(name, help, labels, {}));
      break;
    case MetricType::histogram:
      e->family = std::unique_ptr<HistogramFamily>(new HistogramFamily(name, help, labels, b));
      break;
  }
  return *families_.emplace(name, std::move(e)).first->second;
}

CounterFamily& Registry::counter(const std::string& name, const std::string& help,
                                 const std::vector<std::string>& labels) {
  std::lock_guard lock(mutex_);
  return *std::get<std::unique_ptr<CounterFamily>>(
      declare(name, MetricType::counter, labels, {}, help).family);
}

GaugeFamily& Registry::gauge(const std::string& name, const std::string& help,
                             const std::vector<std::string>& labels) {
  std::lock_guard lock(mutex_);
  return *std::get<std::unique_ptr<GaugeFamily>>(
      declare(name, MetricType::gauge, labels, {}, help).family);
}

HistogramFamily& Registry::histogram(const std::string& name, const std::string& help,
                                     const std::vector<std::string>& labels,
                                     std::span<const double> bounds) {
  std::lock_guard lock(mutex_);
  return *std::get<std::unique_ptr<HistogramFamily>>(
      declare(name, MetricType::histogram, labels, bounds, help).family);
}

void Registry::add_collector(std::function<void()> collect) {
  std::lock_guard lock(mutex_);
  collectors_.push_back(std::move(collect));
}

std::string Registry::render() const {
  std::vector<std::function<void()>> collectors;
  {
    std::lock_guard lock(mutex_);
    collectors = collectors_;
  }
  for (const auto& c : collectors) c();

  std::lock_guard lock(mutex_);
  std::string out;
  for (const auto& [name, entry] : families_) {
    // A family without series is left out (nothing to say yet), so two
    // registries rendered into one scrape only clash on names both use.
    const bool empty = std::visit(
        [](const auto& f) {
          std::lock_guard series_lock(f->mutex_);
          return f->series_.empty();
        },
        entry->family);
    if (empty) continue;
    out += "# HELP " + name + " " + escape_help(entry->help) + "\n";
    switch (entry->type) {
      case MetricType::counter: {
        out += "# TYPE " + name + " counter\n";
        auto& f = *std::get<std::unique_ptr<CounterFamily>>(entry->family);
        std::lock_guard series_lock(f.mutex_);
        for (const auto& [values, c] : f.series_)
          out += name + label_set(f.labels_, values) + " " + format_value(c->value()) + "\n";
        break;
      }
      case MetricType::gauge: {
        out += "# TYPE " + name + " gauge\n";
        auto& f = *std::get<std::unique_ptr<GaugeFamily>>(entry->family);
        std::lock_guard series_lock(f.mutex_);
        for (const auto& [values, g] : f.series_)
          out += name + label_set(f.labels_, values) + " " + format_value(g->value()) + "\n";
        break;
      }
      case MetricType::histogram: {
        out += "# TYPE " + name + " histogram\n";
        auto& f = *std::get<std::unique_ptr<HistogramFamily>>(entry->family);
        std::lock_guard series_lock(f.mutex_);
        for (const auto& [values, h] : f.series_) {
          const auto s = h->snapshot();
          for (std::size_t i = 0; i < s.bounds.size(); ++i) {
            out += name + "_bucket" + label_set(f.labels_, values, "le", format_value(s.bounds[i])) +
                   " " + std::to_string(s.cumulative[i]) + "\n";
          }
          out += name + "_bucket" + label_set(f.labels_, values, "le", "+Inf") + " " +
                 std::to_string(s.cumulative.back()) + "\n";
          out += name + "_sum" + label_set(f.labels_, values) + " " + format_value(s.sum) + "\n";
          out += name + "_count" + label_set(f.labels_, values) + " " + std::to_string(s.count) +
                 "\n";
        }
        break;
      }
    }
  }
  return out;
}

}  // namespace cb::metrics
