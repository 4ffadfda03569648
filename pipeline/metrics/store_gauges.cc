#include "pipeline/metrics/store_gauges.h"

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace cb::metrics {
namespace {

struct Row {
  std::vector<std::string> labels;
  double value = 0;
};

/// Runs a query whose last column is a count and the others labels.
Result<std::vector<Row>> query(store::Database& db, std::string_view sql, int label_columns) {
  auto st = db.prepare(sql);
  std::vector<Row> rows;
  for (;;) {
    auto s = st->step();
    if (!s) return cb::Unexpected(std::move(s.error()));
    if (*s == store::Step::done) return rows;
    Row r;
    for (int i = 0; i < label_columns; ++i) r.labels.push_back(st->column_text(i));
    r.value = static_cast<double>(st->column_int(label_columns));
    rows.push_back(std::move(r));
  }
}

}  // namespace

Result<void> refresh_store_gauges(store::Database& db, PipelineMetrics& m) {
  // Read everything first, so a failure leaves the previous values.
  auto by_state = query(db, "SELECT route, state, count(*) FROM messages GROUP BY route, state", 2);
  if (!by_state) return cb::Unexpected(std::move(by_state.error()));
  auto dead = query(db,
                    "SELECT route, count(*) FROM messages WHERE state = 'dead' GROUP BY route", 1);
  if (!dead) return cb::Unexpected(std::move(dead.error()));
  auto queues = query(
      db,
      "SELECT 'intake', count(*) FROM messages WHERE direction = 'in' AND state = 'received' "
      "UNION ALL SELECT 'outbox', count(*) FROM outbox WHERE state IN ('pending', 'claimed') "
      "UNION ALL SELECT 'retry', count(*) FROM messages WHERE state = 'failed'",
      1);
  if (!queues) return cb::Unexpected(std::move(queues.error()));

  m.messages.clear();
  for (const auto& r : *by_state) m.messages.with(r.labels).set(r.value);
  m.dead_letters.clear();
  for (const auto& r : *dead) m.dead_letters.with(r.labels).set(r.value);
  for (const auto& r : *queues) m.queue_depth.with(r.labels).set(r.value);
  return {};
}

}  // namespace cb::metrics
