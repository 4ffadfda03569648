#pragma once
// Gauges whose truth is the store: messages by route and state, dead letters
// by route, and queue depths (intake: inbound messages received but not yet
// parsed; outbox: pending or claimed outbox rows; retry: failed messages
// waiting for their next attempt). Refreshed at scrape time:
//
//   registry.add_collector([&] { metrics::refresh_store_gauges(metrics_db, m); });
//
// Use a connection of its own (the collector runs on the HTTP thread). A store
// failure leaves the previous values and is returned.

#include "core/diag/diagnostic.h"
#include "pipeline/metrics/pipeline_metrics.h"
#include "pipeline/store/database.h"

namespace cb::metrics {

Result<void> refresh_store_gauges(store::Database& db, PipelineMetrics& m);

}  // namespace cb::metrics
