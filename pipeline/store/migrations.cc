#include "pipeline/store/migrations.h"

#include "pipeline/store/hash.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>

#include "pipeline/store/timestamp.h"

namespace cb::store {
namespace {

// ---------------------------------------------------------------------------
// The migrations. Released migrations are never edited: add a new one.
//
// Conventions of the schema: timestamps are TEXT in timestamp.h's format
// (UTC, fixed width, so text order is time order) and checked for that shape;
// civil dates are TEXT "YYYY-MM-DD"; every table is STRICT; states are TEXT
// with a CHECK listing them; columns that a UNIQUE constraint covers are NOT
// NULL (NULLs never collide in SQL, which would defeat the constraint).

constexpr std::string_view kMigration0001 = R"sql(
-- Every message in or out: its bytes, where it came from or goes to, its state.
-- Inbound:  received -> parsed -> applied, or rejected / failed / dead.
-- Outbound: emitted -> delivered, or rejected / failed / dead.
CREATE TABLE messages (
  id              INTEGER PRIMARY KEY,
  tenant          TEXT    NOT NULL CHECK (tenant <> ''),
  direction       TEXT    NOT NULL CHECK (direction IN ('in', 'out')),
  route           TEXT    NOT NULL CHECK (route <> ''),
  adapter         TEXT,            -- adapter name; NULL until one is chosen
  source          TEXT    NOT NULL, -- inbound: file name, endpoint, uploader; outbound: destination
  content_hash    TEXT    NOT NULL  -- sha256 of bytes, lowercase hex
                  CHECK (length(content_hash) = 64 AND content_hash NOT GLOB '*[^0-9a-f]*'),
  business_key    TEXT,            -- e.g. invoice or file number, when the reader found one
  bytes           BLOB    NOT NULL,
  byte_size       INTEGER NOT NULL CHECK (byte_size = length(bytes)),
  state           TEXT    NOT NULL,
  attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt_at TEXT    CHECK (next_attempt_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]Z'),
  created_at      TEXT    NOT NULL CHECK (created_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]Z'),
  updated_at      TEXT    NOT NULL CHECK (updated_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]Z'),
  CONSTRAINT messages_state CHECK (state IN
    ('received', 'parsed', 'applied', 'emitted', 'delivered', 'rejected', 'failed', 'dead')),
  CONSTRAINT messages_state_fits_direction CHECK (
    (direction = 'in'  AND state IN ('received', 'parsed', 'applied', 'rejected', 'failed', 'dead')) OR
    (direction = 'out' AND state IN ('emitted', 'delivered', 'rejected', 'failed', 'dead')))
) STRICT;

-- The same bytes arriving twice on a route are one message (inbound duplicates).
CREATE UNIQUE INDEX messages_inbound_content
  ON messages (tenant, route, content_hash) WHERE direction = 'in';
-- Duplicates by business key, and lookups by it.
CREATE INDEX messages_business_key
  ON messages (tenant, business_key) WHERE business_key IS NOT NULL;
-- The retry scheduler: what is due in which state.
CREATE INDEX messages_due ON messages (state, next_attempt_at);
-- Listings per tenant, newest first.
CREATE INDEX messages_by_tenant ON messages (tenant, created_at);

-- The audit trail of a message: every state change, who made it and why.
CREATE TABLE message_events (
  id          INTEGER PRIMARY KEY,
  message_id  INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
  at          TEXT    NOT NULL CHECK (at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]Z'),
  actor       TEXT    NOT NULL CHECK (actor <> ''),  -- "pipeline", "job:dunning", "user:<name>"
  from_state  TEXT    CHECK (from_state IN
    ('received', 'parsed', 'applied', 'emitted', 'delivered', 'rejected', 'failed', 'dead')),
                                                      -- NULL for the event that created the message
  to_state    TEXT    NOT NULL CHECK (to_state IN
    ('received', 'parsed', 'applied', 'emitted', 'delivered', 'rejected', 'failed', 'dead')),
  note        TEXT    NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX message_events_by_message ON message_events (message_id, id);

-- What the readers, writers and the core said about a message (core/diag).
CREATE TABLE message_diagnostics (
  id          INTEGER PRIMARY KEY,
  message_id  INTEGER NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
  at          TEXT    NOT NULL CHECK (at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]Z'),
  severity    TEXT    NOT NULL CHECK (severity IN ('info', 'warning', 'error', 'fatal')),
  code        TEXT    NOT NULL CHECK (length(code) = 6),  -- stable id, e.g. "DEC002"
  location    TEXT    NOT NULL DEFAULT '',                -- Location::to_string()
  message     TEXT    NOT NULL,
  hint        TEXT    NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX message_diagnostics_by_message ON message_diagnostics (message_id, id);
CREATE INDEX message_diagnostics_by_code ON message_diagnostics (code);

-- Transactional outbox: work to do after a commit (write a document with an
-- adapter, deliver a stored message), written in the same transaction as the
-- domain change. Workers claim rows until claimed_until; an expired claim is
-- free again. failed = given up (a dead letter a person looks at).
CREATE TABLE outbox (
  id              INTEGER PRIMARY KEY,
  created_at      TEXT    NOT NULL CHECK (created_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]Z'),
  updated_at      TEXT    NOT NULL CHECK (updated_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]Z'),
  tenant          TEXT    NOT NULL CHECK (tenant <> ''),
  kind            TEXT    NOT NULL CHECK (kind <> ''),         -- e.g. "write", "deliver"
  destination     TEXT    NOT NULL CHECK (destination <> ''),  -- route or endpoint name
  payload         TEXT,                                        -- e.g. canonical JSON
  message_id      INTEGER REFERENCES messages (id) ON DELETE RESTRICT,
  state           TEXT    NOT NULL DEFAULT 'pending'
                  CHECK (state IN ('pending', 'claimed', 'done', 'failed')),
  attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt_at TEXT    NOT NULL CHECK (next_attempt_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]Z'),
  claimed_by      TEXT,                                        -- worker id
  claimed_until   TEXT    CHECK (claimed_until GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]Z'),
  last_error      TEXT,
  CONSTRAINT outbox_has_work CHECK (payload IS NOT NULL OR message_id IS NOT NULL),
  CONSTRAINT outbox_claim CHECK (state <> 'claimed' OR (claimed_by IS NOT NULL AND claimed_until IS NOT NULL))
) STRICT;
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
CREATE INDEX outbox_by_message ON outbox (message_id) WHERE message_id IS NOT NULL;

-- Batch job runs: one row per job, working date and filter, so a job that ran
-- for a date is not run twice by accident. filter_key '' = no filter.
CREATE TABLE job_runs (
  id            INTEGER PRIMARY KEY,
  job           TEXT    NOT NULL CHECK (job <> ''),
  working_date  TEXT    NOT NULL CHECK (working_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  filter_key    TEXT    NOT NULL DEFAULT '',
  state         TEXT    NOT NULL CHECK (state IN ('running', 'succeeded', 'failed')),
  started_at    TEXT    NOT NULL CHECK (started_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]Z'),
  finished_at   TEXT    CHECK (finished_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]Z'),
  counts        TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(counts) AND json_type(counts) = 'object'),
  log           TEXT    NOT NULL DEFAULT '',
  CONSTRAINT job_runs_once UNIQUE (job, working_date, filter_key),
  CONSTRAINT job_runs_finished CHECK ((state = 'running') = (finished_at IS NULL))
) STRICT;
CREATE INDEX job_runs_by_start ON job_runs (started_at);
)sql";


// Master data: parties (patients, insurers, price-finding debtors, prescribers)
// with their own and assigned partner roles, and items. Every row belongs to a
// tenant and remembers the message that last wrote it.
constexpr std::string_view kMigration0002 = R"sql(
CREATE TABLE parties (
  tenant            TEXT    NOT NULL CHECK (tenant <> ''),
  id                TEXT    NOT NULL CHECK (id <> ''),
  name              TEXT    NOT NULL,
  birth_date        TEXT    CHECK (birth_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  insurance_number  TEXT,   -- Versichertennummer (KVNR): personal data
  ik                TEXT    CHECK (length(ik) = 9 AND ik NOT GLOB '*[^0-9]*'),
  street            TEXT    NOT NULL DEFAULT '',
  postal_code       TEXT    NOT NULL DEFAULT '',
  city              TEXT    NOT NULL DEFAULT '',
  country           TEXT    NOT NULL DEFAULT '' CHECK (country = '' OR length(country) = 2),
  has_address       INTEGER NOT NULL DEFAULT 0 CHECK (has_address IN (0, 1)),
  ignore_contract_postal_codes INTEGER NOT NULL DEFAULT 0
                    CHECK (ignore_contract_postal_codes IN (0, 1)),
  extra_fields      TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(extra_fields)),
  source_message_id INTEGER REFERENCES messages (id) ON DELETE SET NULL,
  updated_at        TEXT    NOT NULL CHECK (updated_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]Z'),
  PRIMARY KEY (tenant, id)
) STRICT;
CREATE INDEX parties_by_ik ON parties (tenant, ik) WHERE ik IS NOT NULL;

-- Own partner roles (eigene Partnerrollen), e.g. VS-GK, KK-KV, ARZT.
CREATE TABLE party_roles (
  tenant   TEXT NOT NULL,
  party_id TEXT NOT NULL,
  role     TEXT NOT NULL CHECK (role <> ''),
  PRIMARY KEY (tenant, party_id, role),
  FOREIGN KEY (tenant, party_id) REFERENCES parties (tenant, id) ON DELETE CASCADE
) STRICT;
CREATE INDEX party_roles_by_role ON party_roles (tenant, role);

-- Assigned partner roles (zugeordnete Partnerrollen): a patient's KK-KV is
-- their insurer, PF-DE their price-finding debtor; optionally dated.
CREATE TABLE party_assigned_roles (
  tenant          TEXT    NOT NULL,
  party_id        TEXT    NOT NULL,
  seq             INTEGER NOT NULL CHECK (seq >= 0),
  role            TEXT    NOT NULL CHECK (role <> ''),
  target_party_id TEXT    NOT NULL,
  valid_from      TEXT    CHECK (valid_from GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  valid_to        TEXT    CHECK (valid_to GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  PRIMARY KEY (tenant, party_id, seq),
  FOREIGN KEY (tenant, party_id) REFERENCES parties (tenant, id) ON DELETE CASCADE,
  FOREIGN KEY (tenant, target_party_id) REFERENCES parties (tenant, id),
  CHECK (valid_to IS NULL OR valid_from IS NULL OR valid_to >= valid_from)
) STRICT;
CREATE INDEX party_assigned_roles_by_target ON party_assigned_roles (tenant, target_party_id);

CREATE TABLE items (
  tenant            TEXT    NOT NULL CHECK (tenant <> ''),
  number            TEXT    NOT NULL CHECK (number <> ''),
  variant           TEXT    NOT NULL DEFAULT '',
  description       TEXT    NOT NULL DEFAULT '',
  unit              TEXT    NOT NULL CHECK (unit <> ''),
  aid_number        TEXT    CHECK (length(aid_number) = 10 AND aid_number NOT GLOB '*[^0-9]*'),
  pzn               TEXT    CHECK (length(pzn) = 8 AND pzn NOT GLOB '*[^0-9]*'),
  iso9999           TEXT,
  vat_product_group TEXT    NOT NULL DEFAULT '',
  serial_tracking   INTEGER NOT NULL DEFAULT 0 CHECK (serial_tracking IN (0, 1)),
  extra_fields      TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(extra_fields)),
  source_message_id INTEGER REFERENCES messages (id) ON DELETE SET NULL,
  updated_at        TEXT    NOT NULL CHECK (updated_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]Z'),
  PRIMARY KEY (tenant, number, variant)
) STRICT;
CREATE INDEX items_by_aid_number ON items (tenant, aid_number) WHERE aid_number IS NOT NULL;
)sql";


// Message bodies are stored compressed (store/body_codec.h): `encoding` says
// how, `raw_size` is the decoded length, and retention prunes a body to an
// empty blob, setting `pruned_at`. Business keys become a duplicate check per
// tenant, route and key for inbound messages; reprocessing may name another
// destination.
constexpr std::string_view kMigration0003 = R"sql(
ALTER TABLE messages ADD COLUMN encoding TEXT NOT NULL DEFAULT 'identity'
  CHECK (encoding IN ('identity', 'zlib'));
ALTER TABLE messages ADD COLUMN raw_size INTEGER CHECK (raw_size >= 0);
ALTER TABLE messages ADD COLUMN pruned_at TEXT
  CHECK (pruned_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]Z');
UPDATE messages SET raw_size = byte_size WHERE raw_size IS NULL;
)sql";

// The daemon's message flow: a reprocess may send a message's outputs to a
// chosen destination instead of the route's (kept until it is routed again),
// and the router and delivery find due work by direction and state quickly.
constexpr std::string_view kMigrationDaemonFlow = R"sql(
ALTER TABLE messages ADD COLUMN reprocess_destination TEXT CHECK (reprocess_destination <> '');
CREATE INDEX messages_work ON messages (direction, state, id);
CREATE INDEX outbox_pending ON outbox (next_attempt_at, id) WHERE state = 'pending';
)sql";

// Job runs per tenant (pipeline/ops/job_runner.h): the run key becomes
// (job, tenant, working date, filter), and a run remembers how often it was
// started (a failed run may be run again) and who started it. SQLite cannot
// change a UNIQUE constraint in place, so the table is rebuilt.
constexpr std::string_view kMigrationJobRunsTenant = R"sql(
CREATE TABLE job_runs_new (
  id            INTEGER PRIMARY KEY,
  job           TEXT    NOT NULL CHECK (job <> ''),
  tenant        TEXT    NOT NULL DEFAULT '',  -- '' = all tenants
  working_date  TEXT    NOT NULL CHECK (working_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  filter_key    TEXT    NOT NULL DEFAULT '',
  state         TEXT    NOT NULL CHECK (state IN ('running', 'succeeded', 'failed')),
  started_at    TEXT    NOT NULL CHECK (started_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]Z'),
  finished_at   TEXT    CHECK (finished_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]Z'),
  counts        TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(counts) AND json_type(counts) = 'object'),
  log           TEXT    NOT NULL DEFAULT '',
  attempts      INTEGER NOT NULL DEFAULT 1 CHECK (attempts >= 1),
  actor         TEXT    NOT NULL DEFAULT '',
  CONSTRAINT job_runs_once UNIQUE (job, tenant, working_date, filter_key),
  CONSTRAINT job_runs_finished CHECK ((state = 'running') = (finished_at IS NULL))
) STRICT;
INSERT INTO job_runs_new (id, job, tenant, working_date, filter_key, state, started_at,
                          finished_at, counts, log)
  SELECT id, job, '', working_date, filter_key, state, started_at, finished_at, counts, log
  FROM job_runs;
DROP TABLE job_runs;
ALTER TABLE job_runs_new RENAME TO job_runs;
CREATE INDEX job_runs_by_start ON job_runs (started_at);
CREATE INDEX job_runs_by_tenant ON job_runs (tenant, started_at);
)sql";

// The supply side of the domain core (issue 3, rx): contracts, master-data
// extensions, cases with their periods and requirements, delivery plans, sales
// orders and delivery notes. Each aggregate is one row: the key columns that
// queries filter on, and the aggregate itself as its canonical JSON document
// (adapters/canonical_json), so that the model can grow without a migration per
// field. Application-log entries (Anwendungsprotokoll) are aggregates too
// (kind app_log); job runs are plain rows. Self-contained: no other migration
// refers to these tables.
constexpr std::string_view kMigrationRx = R"sql(
CREATE TABLE rx_aggregates (
  tenant            TEXT    NOT NULL CHECK (tenant <> ''),
  kind              TEXT    NOT NULL CHECK (kind <> ''),  -- contract, case, delivery_plan, resource …
  key               TEXT    NOT NULL CHECK (key <> ''),
  patient_id        TEXT,   -- cases, plans, orders, delivery notes: the patient's party id
  status            TEXT    NOT NULL DEFAULT '',
  body              TEXT    NOT NULL CHECK (json_valid(body)),
  revision          INTEGER NOT NULL DEFAULT 1 CHECK (revision >= 1),
  source_message_id INTEGER REFERENCES messages (id) ON DELETE SET NULL,
  updated_at        TEXT    NOT NULL CHECK (updated_at GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]Z'),
  PRIMARY KEY (tenant, kind, key)
) STRICT;
CREATE INDEX rx_aggregates_by_patient ON rx_aggregates (tenant, patient_id, kind)
  WHERE patient_id IS NOT NULL;

-- One row per job run (plan update, call-off …) with its counts.
CREATE TABLE rx_job_runs (
  id           INTEGER PRIMARY KEY,
  tenant       TEXT    NOT NULL CHECK (tenant <> ''),
  job          TEXT    NOT NULL CHECK (job <> ''),
  working_date TEXT    NOT NULL CHECK (working_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
  counts       TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(counts)),
  created_at   TEXT    NOT NULL
) STRICT;
)sql";

// The rx jobs run through the ops job runner, which records every run in
// job_runs (counts, log, idempotent per job, tenant, working date and filter);
// rx_job_runs duplicated that and is no longer written.
constexpr std::string_view kMigrationDropRxJobRuns = R"sql(
DROP TABLE IF EXISTS rx_job_runs;
)sql";

constexpr std::array kSqliteMigrations = {
    Migration{1, "message_store_and_outbox", kMigration0001},
    Migration{2, "master_data", kMigration0002},
    Migration{3, "message_bodies", kMigration0003},
    Migration{4, "job_runs_tenant", kMigrationJobRunsTenant},
    Migration{5, "rx_supply_side", kMigrationRx},
    Migration{6, "daemon_flow", kMigrationDaemonFlow},
    Migration{7, "drop_rx_job_runs", kMigrationDropRxJobRuns},
};


// ---------------------------------------------------------------------------
// The runner.

std::string_view schema_migrations_sql(Dialect d) {
  if (d == Dialect::sqlite) {
    return "CREATE TABLE IF NOT EXISTS schema_migrations ("
           " version INTEGER PRIMARY KEY CHECK (version > 0),"
           " name TEXT NOT NULL CHECK (name <> ''),"
           " checksum TEXT NOT NULL CHECK (length(checksum) = 64),"
           " applied_at TEXT NOT NULL"
           ") STRICT";
  }
  return "CREATE TABLE IF NOT EXISTS schema_migrations ("
         " version INTEGER PRIMARY KEY CHECK (version > 0),"
         " name TEXT NOT NULL CHECK (name <> ''),"
         " checksum TEXT NOT NULL CHECK (length(checksum) = 64),"
         " applied_at TEXT NOT NULL)";
}

std::string label(int version, std::string_view name) {
  std::string v = std::to_string(version);
  if (v.size() < 4) v.insert(0, 4 - v.size(), '0');
  return v + " '" + std::string(name) + "'";
}

void validate_list(std::span<const Migration> migrations) {
  int expected = 1;
  for (const Migration& m : migrations) {
    if (m.version != expected) {
      throw std::logic_error("migration list: expected version " + std::to_string(expected) +
                             ", found " + std::to_string(m.version));
    }
    if (m.name.empty() || m.sql.empty()) {
      throw std::logic_error("migration list: version " + std::to_string(m.version) +
                             " has no name or no SQL");
    }
    ++expected;
  }
}

Result<bool> table_exists(Database& db) {
  auto st = db.prepare(db.dialect() == Dialect::sqlite
                           ? "SELECT count(*) FROM sqlite_master "
                             "WHERE type = 'table' AND name = 'schema_migrations'"
                           : "SELECT count(*) FROM information_schema.tables "
                             "WHERE table_schema = current_schema() "
                             "AND table_name = 'schema_migrations'");
  auto s = st->step();
  if (!s) return cb::Unexpected(std::move(s.error()));
  return *s == Step::row && st->column_int(0) > 0;
}

Result<std::vector<AppliedMigration>> read_applied(Database& db) {
  auto st = db.prepare(
      "SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version");
  std::vector<AppliedMigration> out;
  for (;;) {
    auto s = st->step();
    if (!s) return cb::Unexpected(std::move(s.error()));
    if (*s == Step::done) return out;
    out.push_back(AppliedMigration{static_cast<int>(st->column_int(0)), st->column_text(1),
                                   st->column_text(2), st->column_text(3)});
  }
}

/// Checks what the store records against the program's list. Returns the
/// recorded versions.
Result<std::map<int, std::string>> check_recorded(const std::vector<AppliedMigration>& applied,
                                                  std::span<const Migration> migrations,
                                                  const Location& where) {
  const int newest_known = migrations.empty() ? 0 : migrations.back().version;
  const int newest_applied = applied.empty() ? 0 : applied.back().version;
  if (newest_applied > newest_known) {
    auto d = Diagnostic::make(
        DiagCode::StoreSchemaTooNew,
        "store schema is at migration " + label(newest_applied, applied.back().name) +
            ", this program knows migrations up to " + std::to_string(newest_known),
        where);
    d.hint = "run a carebridge version at least as new as the one that last opened this store";
    return cb::Unexpected(std::move(d));
  }
  std::map<int, std::string> recorded;
  for (const AppliedMigration& a : applied) {
    // validate_list guarantees migrations[v - 1] has version v.
    if (a.version < 1) {
      return fail(DiagCode::StoreMigration,
                  "schema_migrations records an invalid version " + std::to_string(a.version),
                  where);
    }
    const Migration& m = migrations[static_cast<std::size_t>(a.version - 1)];
    const std::string checksum = migration_checksum(m.sql);
    if (a.checksum != checksum) {
      auto d = Diagnostic::make(DiagCode::StoreMigration,
                                "migration " + label(a.version, a.name) +
                                    " was changed after it was applied: recorded checksum " +
                                    a.checksum + ", this program has " + checksum,
                                where);
      d.hint = "restore the released migration text; change the schema with a new migration";
      return cb::Unexpected(std::move(d));
    }
    recorded.emplace(a.version, a.checksum);
  }
  for (const Migration& m : migrations) {
    if (m.version < newest_applied && !recorded.contains(m.version)) {
      return fail(DiagCode::StoreMigration,
                  "migration " + label(m.version, m.name) +
                      " was never applied, but the newer migration " +
                      std::to_string(newest_applied) + " was",
                  where);
    }
  }
  return recorded;
}

/// Applies one migration in its own transaction unless another process has
/// applied it meanwhile. Returns whether it was applied now.
Result<bool> apply_one(Database& db, const Migration& m, const std::string& checksum,
                       const std::function<std::string()>& now) {
  bool applied_now = false;
  auto result = db.transaction([&](Transaction& tx) -> Result<void> {
    auto check = tx.prepare("SELECT checksum FROM schema_migrations WHERE version = ?1");
    check->bind_int(1, m.version);
    auto s = check->step();
    if (!s) return cb::Unexpected(std::move(s.error()));
    if (*s == Step::row) {
      if (check->column_text(0) == checksum) return {};  // applied by another process
      return fail(DiagCode::StoreMigration,
                  "migration " + label(m.version, m.name) +
                      " was applied concurrently with a different checksum",
                  store_location(db));
    }
    if (auto r = tx.exec(m.sql); !r) return r;
    if (tx.dialect() == Dialect::sqlite) {
      auto fk = tx.prepare("PRAGMA foreign_key_check");
      auto row = fk->step();
      if (!row) return cb::Unexpected(std::move(row.error()));
      if (*row == Step::row) {
        return fail(DiagCode::StoreMigration,
                    "leaves a row in " + fk->column_text(0) + " that violates a foreign key",
                    store_location(db));
      }
    }
    const std::string applied_at = now();
    if (!is_timestamp(applied_at)) {
      throw std::invalid_argument("store clock returned '" + applied_at +
                                  "', expected YYYY-MM-DDTHH:MM:SS.mmmZ");
    }
    auto insert = tx.prepare(
        "INSERT INTO schema_migrations (version, name, checksum, applied_at) "
        "VALUES (?1, ?2, ?3, ?4)");
    insert->bind_int(1, m.version)
        .bind_text(2, m.name)
        .bind_text(3, checksum)
        .bind_text(4, applied_at);
    if (auto r = insert->run(); !r) return r;
    applied_now = true;
    return {};
  });
  if (!result) return cb::Unexpected(std::move(result.error()));
  return applied_now;
}

}  // namespace

std::span<const Migration> builtin_migrations(Dialect d) {
  if (d == Dialect::sqlite) return kSqliteMigrations;
  throw std::logic_error("no migrations for " + std::string(to_string(d)) + " yet");
}

std::string migration_checksum(std::string_view sql) {
  return sha256_hex(sql);
}

Result<std::vector<int>> migrate(Database& db, std::span<const Migration> migrations,
                                 const std::function<std::string()>& now) {
  validate_list(migrations);
  if (!now) throw std::invalid_argument("migrate: a clock is required");
  const Location where = store_location(db);

  std::map<int, std::string> recorded;
  auto checked = db.transaction([&](Transaction& tx) -> Result<void> {
    if (auto r = tx.exec(schema_migrations_sql(tx.dialect())); !r) return r;
    auto applied = read_applied(db);
    if (!applied) return cb::Unexpected(std::move(applied.error()));
    auto ok = check_recorded(*applied, migrations, where);
    if (!ok) return cb::Unexpected(std::move(ok.error()));
    recorded = std::move(*ok);
    return {};
  });
  if (!checked) return cb::Unexpected(std::move(checked.error()));

  std::vector<int> applied_now;
  for (const Migration& m : migrations) {
    if (recorded.contains(m.version)) continue;
    Result<bool> r;
    try {
      r = apply_one(db, m, migration_checksum(m.sql), now);
    } catch (const SqlError& e) {
      return fail(DiagCode::StoreMigration,
                  "migration " + label(m.version, m.name) + " failed: " + e.what(), where);
    }
    if (!r) {
      Diagnostic d = std::move(r.error());
      if (d.code != DiagCode::StoreBusy) {
        d.message = "migration " + label(m.version, m.name) + " failed: " + d.message;
        d.code = DiagCode::StoreMigration;
      }
      return cb::Unexpected(std::move(d));
    }
    if (*r) applied_now.push_back(m.version);
  }
  return applied_now;
}

Result<int> schema_version(Database& db) {
  auto exists = table_exists(db);
  if (!exists) return cb::Unexpected(std::move(exists.error()));
  if (!*exists) return 0;
  auto st = db.prepare("SELECT coalesce(max(version), 0) FROM schema_migrations");
  auto s = st->step();
  if (!s) return cb::Unexpected(std::move(s.error()));
  return static_cast<int>(st->column_int(0));
}

Result<std::vector<AppliedMigration>> applied_migrations(Database& db) {
  auto exists = table_exists(db);
  if (!exists) return cb::Unexpected(std::move(exists.error()));
  if (!*exists) return std::vector<AppliedMigration>{};
  return read_applied(db);
}

}  // namespace cb::store
