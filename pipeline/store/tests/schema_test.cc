// Migration 0001: the message store, outbox and job-run tables keep bad rows out.

#include <gtest/gtest.h>

#include "pipeline/store/tests/test_support.h"

namespace cb::store {
namespace {

using testing::fake_hash;
using testing::insert_message;
using testing::open_ok;
using testing::options_for;
using testing::query_int;

class Schema : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = open_ok(options_for(":memory:"));
    ASSERT_TRUE(db_);
  }

  /// Expects STO004 whose message contains `text`.
  static void expect_constraint(const Result<void>& r, const std::string& text) {
    ASSERT_FALSE(r) << "accepted, expected: " << text;
    EXPECT_EQ(r.error().code, DiagCode::StoreConstraint) << r.error().to_string();
    EXPECT_NE(r.error().message.find(text), std::string::npos) << r.error().message;
  }
  template <class T>
  static void expect_constraint(const Result<T>& r, const std::string& text) {
    if (r) {
      ADD_FAILURE() << "accepted, expected: " << text;
      return;
    }
    expect_constraint(Result<void>(cb::Unexpected(r.error())), text);
  }

  Result<void> event(std::int64_t message_id, const std::string& from, const std::string& to) {
    auto st = db_->prepare(
        "INSERT INTO message_events (message_id, at, actor, from_state, to_state, note) "
        "VALUES (?1, '2026-01-31T09:30:01.000Z', 'pipeline', ?2, ?3, '')");
    st->bind_int(1, message_id).bind_text(3, to);
    if (from.empty()) {
      st->bind_null(2);
    } else {
      st->bind_text(2, from);
    }
    return st->run();
  }

  Result<void> outbox(const std::string& columns, const std::string& values) {
    return db_->exec(
        "INSERT INTO outbox (created_at, updated_at, tenant, kind, destination, "
        "next_attempt_at" +
        columns +
        ") VALUES ('2026-01-31T09:30:00.000Z', "
        "'2026-01-31T09:30:00.000Z', 't1', 'deliver', 'dta-out', '2026-01-31T09:30:00.000Z'" +
        values + ")");
  }

  Result<void> job_run(const std::string& filter, const std::string& state,
                       const std::string& finished, const std::string& counts) {
    auto st = db_->prepare(
        "INSERT INTO job_runs (job, working_date, filter_key, state, started_at, finished_at, "
        "counts) VALUES ('monthly_invoicing', '2026-01-31', ?1, ?2, "
        "'2026-01-31T02:00:00.000Z', ?3, ?4)");
    st->bind_text(1, filter).bind_text(2, state).bind_text(4, counts);
    if (finished.empty()) {
      st->bind_null(3);
    } else {
      st->bind_text(3, finished);
    }
    return st->run();
  }

  std::unique_ptr<SqliteDatabase> db_;
};

TEST_F(Schema, UnknownMessageStateIsRejected) {
  expect_constraint(insert_message(*db_, "t1", "dta-in", fake_hash(1), "lost"),
                    "CHECK constraint failed: messages_state");
  EXPECT_EQ(query_int(*db_, "SELECT count(*) FROM messages"), 0);
}

TEST_F(Schema, StateMustFitTheDirection) {
  expect_constraint(insert_message(*db_, "t1", "dta-in", fake_hash(1), "delivered", "in"),
                    "messages_state_fits_direction");
  expect_constraint(insert_message(*db_, "t1", "dta-out", fake_hash(2), "received", "out"),
                    "messages_state_fits_direction");
  EXPECT_TRUE(insert_message(*db_, "t1", "dta-out", fake_hash(3), "emitted", "out"));
  expect_constraint(insert_message(*db_, "t1", "dta-in", fake_hash(4), "received", "sideways"),
                    "CHECK constraint failed");
}

TEST_F(Schema, InboundDuplicateByContentHashIsSto004NamingTheColumns) {
  ASSERT_TRUE(insert_message(*db_, "t1", "dta-in", fake_hash(1)));
  expect_constraint(insert_message(*db_, "t1", "dta-in", fake_hash(1)),
                    "UNIQUE constraint failed: messages.tenant, messages.route, "
                    "messages.content_hash");
  // Same bytes on another route or for another tenant are other messages.
  EXPECT_TRUE(insert_message(*db_, "t1", "ekv-in", fake_hash(1)));
  EXPECT_TRUE(insert_message(*db_, "t2", "dta-in", fake_hash(1)));
  // Outbound: the same bytes may be sent twice (a resend is a new message).
  EXPECT_TRUE(insert_message(*db_, "t1", "dta-in", fake_hash(1), "emitted", "out"));
  EXPECT_TRUE(insert_message(*db_, "t1", "dta-in", fake_hash(1), "emitted", "out"));
}

TEST_F(Schema, HashSizeAndTimestampsAreChecked) {
  expect_constraint(insert_message(*db_, "t1", "dta-in", "ABC"), "content_hash");
  expect_constraint(insert_message(*db_, "t1", "dta-in", std::string(64, 'F')), "content_hash");
  expect_constraint(
      db_->exec("INSERT INTO messages (tenant, direction, route, source, content_hash, bytes, "
                "byte_size, state, created_at, updated_at) VALUES ('t1', 'in', 'r', 's', '" +
                fake_hash(1) +
                "', x'00ff', 3, 'received', '2026-01-31T09:30:00.000Z', "
                "'2026-01-31T09:30:00.000Z')"),
      "byte_size");
  expect_constraint(
      db_->exec("INSERT INTO messages (tenant, direction, route, source, content_hash, bytes, "
                "byte_size, state, created_at, updated_at) VALUES ('t1', 'in', 'r', 's', '" +
                fake_hash(1) +
                "', x'00ff', 2, 'received', '2026-01-31 09:30:00', "
                "'2026-01-31T09:30:00.000Z')"),
      "created_at");
  // STRICT: an integer column does not take text.
  expect_constraint(
      db_->exec("INSERT INTO messages (tenant, direction, route, source, content_hash, bytes, "
                "byte_size, state, attempts, created_at, updated_at) VALUES ('t1', 'in', 'r', "
                "'s', '" +
                fake_hash(1) +
                "', x'00ff', 2, 'received', 'many', "
                "'2026-01-31T09:30:00.000Z', '2026-01-31T09:30:00.000Z')"),
      "cannot store TEXT value in INTEGER column messages.attempts");
}

TEST_F(Schema, EventsAndDiagnosticsNeedAMessageAndGoWithIt) {
  expect_constraint(event(4711, "", "received"), "FOREIGN KEY constraint failed");
  auto id = insert_message(*db_, "t1", "dta-in", fake_hash(1));
  ASSERT_TRUE(id);
  ASSERT_TRUE(event(*id, "", "received"));
  ASSERT_TRUE(event(*id, "received", "rejected"));
  expect_constraint(event(*id, "rejected", "lost"), "CHECK constraint failed");
  auto diag = db_->prepare(
      "INSERT INTO message_diagnostics (message_id, at, severity, code, location, message) "
      "VALUES (?1, '2026-01-31T09:30:01.000Z', ?2, ?3, 'in/file.dat:3:14', 'bad')");
  diag->bind_int(1, *id).bind_text(2, "error").bind_text(3, "DEC002");
  ASSERT_TRUE(diag->run());
  diag->bind_int(1, *id).bind_text(2, "catastrophe").bind_text(3, "DEC002");
  expect_constraint(diag->run(), "severity");

  ASSERT_TRUE(db_->exec("DELETE FROM messages"));
  EXPECT_EQ(query_int(*db_, "SELECT count(*) FROM message_events"), 0);
  EXPECT_EQ(query_int(*db_, "SELECT count(*) FROM message_diagnostics"), 0);
}

TEST_F(Schema, OutboxRowsNeedWorkAndAValidClaim) {
  expect_constraint(outbox("", ""), "outbox_has_work");
  ASSERT_TRUE(outbox(", payload", ", '{\"kind\":\"invoice\"}'"));
  EXPECT_EQ(query_int(*db_, "SELECT count(*) FROM outbox WHERE state = 'pending'"), 1);
  expect_constraint(outbox(", payload, state", ", '{}', 'claimed'"), "outbox_claim");
  ASSERT_TRUE(outbox(", payload, state, claimed_by, claimed_until",
                     ", '{}', 'claimed', 'worker-1', '2026-01-31T09:35:00.000Z'"));
  expect_constraint(outbox(", payload, state", ", '{}', 'sent'"), "CHECK constraint failed");
  expect_constraint(outbox(", message_id", ", 4711"), "FOREIGN KEY constraint failed");
}

TEST_F(Schema, MessageWithPendingOutboxWorkCannotBeDeleted) {
  auto id = insert_message(*db_, "t1", "dta-out", fake_hash(1), "emitted", "out");
  ASSERT_TRUE(id);
  ASSERT_TRUE(outbox(", message_id", ", " + std::to_string(*id)));
  expect_constraint(db_->exec("DELETE FROM messages"), "FOREIGN KEY constraint failed");
}

TEST_F(Schema, JobRunsOncePerJobDateAndFilter) {
  ASSERT_TRUE(job_run("", "running", "", "{}"));
  expect_constraint(job_run("", "succeeded", "2026-01-31T02:05:00.000Z", "{}"),
                    "UNIQUE constraint failed: job_runs.job, job_runs.tenant, "
                    "job_runs.working_date, job_runs.filter_key");
  ASSERT_TRUE(job_run("tenant=t2", "succeeded", "2026-01-31T02:05:00.000Z",
                      R"({"invoices": 12, "rejected": 0})"));
  expect_constraint(job_run("tenant=t3", "succeeded", "", "{}"), "job_runs_finished");
  expect_constraint(job_run("tenant=t4", "running", "", "not json"), "counts");
  expect_constraint(job_run("tenant=t5", "running", "", "[1, 2]"), "counts");
}

}  // namespace
}  // namespace cb::store
