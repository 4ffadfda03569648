#pragma once
// The daemon's named metrics, so wiring is one line per event:
//
//   metrics::Registry registry;
//   metrics::PipelineMetrics m(registry);
//   m.message_state(route, "received");                 // each state change
//   m.processing_latency(route, "delivered", seconds);  // intake → that state
//   m.retry(route, destination);                        // each delivery retry scheduled
//   m.dead_letter(route);                               // each message given up
//   m.job_run(job, "succeeded", seconds);               // JobRunner does this itself
//   registry.add_collector([&] { metrics::refresh_store_gauges(db, m); });  // store_gauges.h
//   Backend::metrics_text() → registry.render()
//
// Metric names (all prefixed carebridge_):
//   messages_total{route,state}                 counter  state changes since start
//   messages_stored{route,state}                gauge    messages in the store now
//   message_processing_seconds{route,stage}     histogram intake → stage (applied, delivered…)
//   queue_depth{queue}                          gauge    intake, outbox (pending), retry (due later)
//   delivery_retries_total{route,destination}   counter
//   dead_letters_total{route}                   counter  messages that became dead since start
//   dead_letters_stored{route}                  gauge    dead messages in the store now
//   job_runs_total{job,state}                   counter  finished runs by outcome
//   job_duration_seconds{job}                   histogram
//   job_last_success_timestamp_seconds{job}     gauge    unix time of the last successful run
//   retention_pruned_bytes_total                counter
//   health_ready                                gauge    1 ready, 0 not
//   build_info{version}                         gauge    always 1

#include <string>
#include <string_view>

#include "pipeline/metrics/metrics_registry.h"

namespace cb::metrics {

class PipelineMetrics {
 public:
  /// Declares every family in `registry` (which must outlive this object).
  explicit PipelineMetrics(Registry& registry, std::string_view version = "0.1.0");

  void message_state(std::string_view route, std::string_view state);
  void processing_latency(std::string_view route, std::string_view stage, double seconds);
  void set_queue_depth(std::string_view queue, double depth);
  void retry(std::string_view route, std::string_view destination);
  void dead_letter(std::string_view route);
  /// A finished job run: state "succeeded" or "failed"; `unix_seconds_now`
  /// stamps the last-success gauge on success.
  void job_run(std::string_view job, std::string_view state, double seconds,
               double unix_seconds_now = 0.0);
  void retention_pruned(double bytes);
  void set_ready(bool ready);

  Registry& registry() { return registry_; }

  CounterFamily& messages_total;
  GaugeFamily& messages;
  HistogramFamily& processing_seconds;
  GaugeFamily& queue_depth;
  CounterFamily& retries_total;
  CounterFamily& dead_letters_total;
  GaugeFamily& dead_letters;
  CounterFamily& job_runs_total;
  HistogramFamily& job_duration_seconds;
  GaugeFamily& job_last_success;
  CounterFamily& retention_pruned_bytes_total;
  GaugeFamily& health_ready;
  GaugeFamily& build_info;

 private:
  Registry& registry_;
};

}  // namespace cb::metrics
