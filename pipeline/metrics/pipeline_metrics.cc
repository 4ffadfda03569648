#include "pipeline/metrics/pipeline_metrics.h"

namespace cb::metrics {

PipelineMetrics::PipelineMetrics(Registry& registry, std::string_view version)
    : messages_total(registry.counter("carebridge_messages_total",
                                      "Message state changes since the daemon started.",
                                      {"route", "state"})),
      messages(registry.gauge("carebridge_messages_stored",
                              "Messages in the store now, by route and state.",
                              {"route", "state"})),
      processing_seconds(registry.histogram(
          "carebridge_message_processing_seconds",
          "Seconds from intake until a message reached the stage.", {"route", "stage"},
          kLatencyBuckets)),
      queue_depth(registry.gauge("carebridge_queue_depth", "Work waiting, by queue.", {"queue"})),
      retries_total(registry.counter("carebridge_delivery_retries_total",
                                     "Delivery retries scheduled.", {"route", "destination"})),
      dead_letters_total(registry.counter("carebridge_dead_letters_total",
                                          "Messages given up (dead) since the daemon started.",
                                          {"route"})),
      dead_letters(registry.gauge("carebridge_dead_letters_stored",
                                  "Dead messages in the store waiting for an operator.",
                                  {"route"})),
      job_runs_total(registry.counter("carebridge_job_runs_total", "Finished job runs by outcome.",
                                      {"job", "state"})),
      job_duration_seconds(registry.histogram("carebridge_job_duration_seconds",
                                              "Seconds a job run took.", {"job"},
                                              kJobDurationBuckets)),
      job_last_success(registry.gauge("carebridge_job_last_success_timestamp_seconds",
                                      "Unix time of the last successful run of a job.", {"job"})),
      retention_pruned_bytes_total(registry.counter(
          "carebridge_retention_pruned_bytes_total", "Stored message bytes pruned by retention.")),
      health_ready(registry.gauge("carebridge_health_ready",
                                  "1 when every readiness check passes, else 0.")),
      build_info(registry.gauge("carebridge_build_info", "The running version; always 1.",
                                {"version"})),
      registry_(registry) {
  build_info.with({version}).set(1);
  health_ready.get().set(1);
}

void PipelineMetrics::message_state(std::string_view route, std::string_view state) {
  messages_total.with({route, state}).inc();
}

void PipelineMetrics::processing_latency(std::string_view route, std::string_view stage,
                                         double seconds) {
  processing_seconds.with({route, stage}).observe(seconds);
}

void PipelineMetrics::set_queue_depth(std::string_view queue, double depth) {
  queue_depth.with({queue}).set(depth);
}

void PipelineMetrics::retry(std::string_view route, std::string_view destination) {
  retries_total.with({route, destination}).inc();
}

void PipelineMetrics::dead_letter(std::string_view route) { dead_letters_total.with({route}).inc(); }

void PipelineMetrics::job_run(std::string_view job, std::string_view state, double seconds,
                              double unix_seconds_now) {
  job_runs_total.with({job, state}).inc();
  job_duration_seconds.with({job}).observe(seconds);
  if (state == "succeeded" && unix_seconds_now > 0) job_last_success.with({job}).set(unix_seconds_now);
}

void PipelineMetrics::retention_pruned(double bytes) { retention_pruned_bytes_total.get().inc(bytes); }

void PipelineMetrics::set_ready(bool ready) { health_ready.get().set(ready ? 1 : 0); }

}  // namespace cb::metrics
