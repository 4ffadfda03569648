#include "pipeline/store/database.h"

#include <utility>

namespace cb::store {

std::string_view to_string(Dialect d) {
  switch (d) {
    case Dialect::sqlite:
      return "sqlite";
    case Dialect::postgresql:
      return "postgresql";
  }
  return "sqlite";
}

SqlError::SqlError(const std::string& what, std::string sql)
    : std::logic_error(sql.empty() ? what : what + " in SQL: " + sql), sql_(std::move(sql)) {}

Result<void> Statement::run() {
  for (;;) {
    auto s = step();
    if (!s) return cb::Unexpected(std::move(s.error()));
    if (*s == Step::done) return {};
  }
}

Result<void> Database::transaction(const TransactionFn& fn) {
  if (!fn) throw std::invalid_argument("Database::transaction: empty function");
  return depth_ == 0 ? run_outermost(fn) : run_savepoint(fn);
}

Result<void> Database::run_outermost(const TransactionFn& fn) {
  if (auto begun = begin_transaction(); !begun) return begun;
  depth_ = 1;
  Transaction tx(*this, 1);
  Result<void> result;
  try {
    result = fn(tx);
  } catch (...) {
    depth_ = 0;
    rollback_transaction();
    throw;
  }
  depth_ = 0;
  if (!result) {
    rollback_transaction();
    return result;
  }
  if (!transaction_active()) {
    // The database rolled back on its own after an error that fn chose to
    // ignore; committing now would apply only what came after it.
    rollback_transaction();
    return fail(DiagCode::StoreFailed,
                "the transaction was rolled back by the database after an earlier error; "
                "nothing of it was applied",
                store_location(*this));
  }
  if (auto committed = commit_transaction(); !committed) {
    rollback_transaction();
    return committed;
  }
  return {};
}

Result<void> Database::run_savepoint(const TransactionFn& fn) {
  const int level = depth_ + 1;
  const std::string name = "cb_savepoint_" + std::to_string(level);
  if (auto opened = exec("SAVEPOINT " + name); !opened) return opened;
  depth_ = level;
  Transaction tx(*this, level);
  Result<void> result;
  try {
    result = fn(tx);
  } catch (...) {
    depth_ = level - 1;
    rollback_savepoint(name);
    throw;
  }
  depth_ = level - 1;
  if (!result) {
    rollback_savepoint(name);
    return result;
  }
  if (auto released = exec("RELEASE SAVEPOINT " + name); !released) {
    rollback_savepoint(name);
    return released;
  }
  return {};
}

void Database::rollback_savepoint(const std::string& name) noexcept {
  // Undo the inner work and drop the savepoint; the outer transaction goes on.
  // When the database has already ended the whole transaction there is nothing
  // to undo here, and the outer level reports it.
  if (!transaction_active()) return;
  try {
    (void)exec("ROLLBACK TO SAVEPOINT " + name + "; RELEASE SAVEPOINT " + name);
  } catch (...) {  // NOLINT(bugprone-empty-catch): a rollback must not throw
  }
}

}  // namespace cb::store
