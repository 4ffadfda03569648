#include "pipeline/daemon/delivery.h"

#include "pipeline/daemon/message_log.h"
#include "pipeline/store/body_codec.h"

namespace cb::daemon {
namespace {

struct Due {
  std::int64_t outbox_id = 0;
  std::int64_t message_id = 0;
  std::string destination, file_name, state, created_at, route;
  int attempts = 0;
  Parcel parcel;
  DeliveryResult result;
};

}  // namespace

Result<std::optional<std::string>> next_delivery_due(store::Database& db) {
  auto st = db.prepare("SELECT min(next_attempt_at) FROM outbox WHERE state = 'pending'");
  auto s = st->step();
  if (!s) return Unexpected(s.error());
  std::optional<std::string> out;
  if (*s == store::Step::row && !st->is_null(0)) out = st->column_text(0);
  st->reset();
  return out;
}

Result<DeliveryRound> deliver_due(store::Database& db, const DestinationResolver& resolve,
                                  store::Timestamp now, int limit, const RetryPolicy& retry,
                                  std::mutex* write_lock) {
  const std::string now_text = store::format_timestamp(now);
  std::vector<Due> due;
  {
    auto st = db.prepare(
        "SELECT o.id, o.message_id, o.destination, coalesce(o.payload, ''), o.attempts, m.state, "
        "m.bytes, m.encoding, coalesce(m.raw_size, m.byte_size), m.created_at, m.route "
        "FROM outbox o JOIN messages m ON m.id = o.message_id "
        "WHERE o.state = 'pending' AND o.next_attempt_at <= ?1 AND o.kind = 'deliver' "
        "ORDER BY o.next_attempt_at, o.id LIMIT ?2");
    st->bind_text(1, now_text).bind_int(2, limit);
    for (;;) {
      auto s = st->step();
      if (!s) return Unexpected(s.error());
      if (*s == store::Step::done) break;
      Due d;
      d.outbox_id = st->column_int(0);
      d.message_id = st->column_int(1);
      d.destination = st->column_text(2);
      d.file_name = st->column_text(3);
      d.attempts = static_cast<int>(st->column_int(4));
      d.state = st->column_text(5);
      d.created_at = st->column_text(9);
      d.route = st->column_text(10);
      auto body = store::decode_body(st->column_text(7), st->column_text(6), st->column_int(8));
      d.parcel.message_id = d.message_id;
      d.parcel.file_name =
          d.file_name.empty() ? "message-" + std::to_string(d.message_id) : d.file_name;
      d.parcel.idempotency_key = "carebridge-" + std::to_string(d.message_id);
      if (!body) {
        d.result = {false, true, body.error().message};
      } else {
        d.parcel.bytes = std::move(*body);
        d.result.ok = false;  // filled below
      }
      due.push_back(std::move(d));
    }
  }
  DeliveryRound round;
  if (due.empty()) return round;

  // Deliver, batched per destination, outside any transaction.
  std::map<std::string, std::vector<std::size_t>> by_dest;
  for (std::size_t i = 0; i < due.size(); ++i) {
    if (due[i].result.permanent) continue;
    by_dest[due[i].destination].push_back(i);
  }
  for (const auto& [dest, idx] : by_dest) {
    auto target = resolve(dest);
    if (!target) {
      for (std::size_t i : idx) due[i].result = {false, true, "destination '" + dest + "' is not valid"};
      round.destination_status[dest] = "destination is not valid";
      continue;
    }
    std::vector<Parcel> parcels;
    parcels.reserve(idx.size());
    for (std::size_t i : idx) parcels.push_back(due[i].parcel);
    auto results = target->deliver(parcels);
    for (std::size_t k = 0; k < idx.size(); ++k) {
      due[idx[k]].result = k < results.size() ? results[k] : DeliveryResult{false, false, "no result"};
      round.destination_status[dest] = due[idx[k]].result.ok ? "" : due[idx[k]].result.error;
    }
  }

  // Record every outcome in one transaction.
  std::unique_lock<std::mutex> guard;
  if (write_lock != nullptr) guard = std::unique_lock(*write_lock);
  auto ok = db.transaction([&](store::Transaction& tx) -> Result<void> {
    MessageLog log(tx, now_text);
    auto done = tx.prepare(
        "UPDATE outbox SET state = 'done', attempts = attempts + 1, updated_at = ?2, "
        "last_error = NULL WHERE id = ?1");
    auto again = tx.prepare(
        "UPDATE outbox SET attempts = ?2, next_attempt_at = ?3, updated_at = ?4, last_error = ?5 "
        "WHERE id = ?1");
    auto give_up = tx.prepare(
        "UPDATE outbox SET state = 'failed', attempts = ?2, updated_at = ?3, last_error = ?4 "
        "WHERE id = ?1");
    for (auto& d : due) {
      if (d.result.ok) {
        done->reset();
        done->bind_int(1, d.outbox_id).bind_text(2, now_text);
        if (auto r = done->run(); !r) return r;
        auto moved = log.move(d.message_id, d.state, "delivered", "delivery",
                              "to " + d.destination + " as " + d.parcel.file_name);
        if (!moved) return Unexpected(moved.error());
        if (d.attempts > 0) {
          if (auto r = log.set_retry(d.message_id, d.attempts + 1, std::nullopt); !r) return r;
        }
        ++round.delivered;
        round.delivered_created_at.push_back(d.created_at);
        round.delivered_routes.push_back(d.route);
        continue;
      }
      const int attempts = d.attempts + 1;
      if (d.result.permanent || retry.exhausted(attempts)) {
        give_up->reset();
        give_up->bind_int(1, d.outbox_id).bind_int(2, attempts).bind_text(3, now_text);
        give_up->bind_text(4, d.result.error);
        if (auto r = give_up->run(); !r) return r;
        Diagnostics ds{Diagnostic::make(DiagCode::DaemonDelivery, d.result.error,
                                        Location{.file = d.destination})};
        ds.push_back(Diagnostic::make(
            DiagCode::DaemonDead,
            d.result.permanent ? "the destination refused the message"
                               : "gave up after " + std::to_string(attempts) + " attempts",
            Location{.file = d.destination}));
        if (auto r = log.add_diagnostics(d.message_id, ds); !r) return r;
        if (auto r = log.set_retry(d.message_id, attempts, std::nullopt); !r) return r;
        auto moved = log.move(d.message_id, d.state, "dead", "delivery", d.result.error);
        if (!moved) return Unexpected(moved.error());
        ++round.dead;
        round.dead_routes.push_back(d.route);
        continue;
      }
      const std::string next = store::format_timestamp(now + retry.delay(attempts));
      again->reset();
      again->bind_int(1, d.outbox_id).bind_int(2, attempts).bind_text(3, next);
      again->bind_text(4, now_text).bind_text(5, d.result.error);
      if (auto r = again->run(); !r) return r;
      if (auto r = log.set_retry(d.message_id, attempts, next); !r) return r;
      const std::string note =
          "attempt " + std::to_string(attempts) + " failed: " + d.result.error + "; next at " + next;
      if (d.state == "failed") {
        if (auto r = log.note(d.message_id, "failed", "delivery", note); !r) return r;
      } else {
        auto moved = log.move(d.message_id, d.state, "failed", "delivery", note);
        if (!moved) return Unexpected(moved.error());
      }
      ++round.retried;
      round.retried_routes.emplace_back(d.route, d.destination);
    }
    return {};
  });
  if (!ok) return Unexpected(ok.error());
  return round;
}

}  // namespace cb::daemon
