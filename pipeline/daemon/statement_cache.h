#pragma once
// Prepared statements kept per connection: the daemon runs the same dozen
// statements for every message, and preparing them each time (parsing the SQL)
// costs more than running them. One cache per connection and thread.

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "pipeline/store/database.h"

namespace cb::daemon {

class StatementCache {
 public:
  explicit StatementCache(store::Database& db) : db_(db) {}
  /// The statement for `sql`, reset (no bindings) and ready to bind.
  store::Statement& get(std::string_view sql) {
    auto it = cache_.find(sql);
    if (it == cache_.end()) {
      it = cache_.emplace(std::string(sql), db_.prepare(sql)).first;
    } else {
      it->second->reset();
    }
    return *it->second;
  }
  store::Database& db() const { return db_; }

 private:
  store::Database& db_;
  std::map<std::string, std::unique_ptr<store::Statement>, std::less<>> cache_;
};

}  // namespace cb::daemon
