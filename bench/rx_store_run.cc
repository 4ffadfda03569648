// The delivery-plan benchmark through the store: the daily plan update and
// call-off as `carebridge run` executes them (pipeline/app/rx_jobs.h:
// run_plan_update / run_call_off on a SQLite file, walking the tenant in
// patient ranges inside one transaction), with CPU time, wall time and peak
// memory of each job measured in its own process (fork + exec of this
// program, rusage from wait4), so that the generation does not count.
//
//   rx_store_run [--db FILE] [--patients N] [--chunk N] [--fresh]
//
// Without the file (or with --fresh) the data set of rx_bench_data.h is
// generated first, 10,000 patients per workspace, released on 2026-03-14 and
// written through RxRepository / MasterDataRepository. Then plan-update and
// call-off run on 2026-04-01 on a copy (FILE.run), each in a child process. Figures go to
// bench/RESULTS.md. Not a timed test: `scripts/run-bench` runs it.

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "bench/rx_bench_data.h"
#include "core/model/document.h"
#include "pipeline/app/master_data_repository.h"
#include "pipeline/app/rx_jobs.h"
#include "pipeline/app/rx_repository.h"
#include "pipeline/store/sqlite_database.h"

namespace {

using namespace cb;
using namespace cb::rx::bench_data;

const char* kNow = "2026-04-01T02:00:00.000Z";

struct Options {
  std::string db = "rx_store_bench.db";
  int patients = kPatients;
  std::size_t chunk = cb::app::kJobChunkPatients;
  bool fresh = false;
  std::string job;  // child mode
};

std::unique_ptr<store::SqliteDatabase> open_db(const std::string& path) {
  store::SqliteOptions o;
  o.path = path;
  o.synchronous = store::Synchronous::normal;
  o.now = [] { return std::string(kNow); };
  auto db = store::SqliteDatabase::open(o);
  if (!db) {
    std::cerr << db.error().to_string() << "\n";
    std::exit(2);
  }
  return std::move(*db);
}

double seconds(const timeval& t) {
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
}

/// Generates the data set into the store, 10,000 patients per workspace.
void generate(const Options& o) {
  auto db = open_db(o.db);
  const auto t0 = std::chrono::steady_clock::now();
  constexpr int kGenChunk = 10000;
  std::size_t cases = 0;
  for (int first = 0; first < o.patients; first += kGenChunk) {
    auto ok = db->transaction([&](store::Transaction& tx) -> Result<void> {
      rx::Workspace ws;
      app::RxRepository repo(tx, "default", kNow);
      add_contracts(ws);
      if (first > 0) ws.clear_changes();  // stored with the first chunk
      if (auto a = repo.load_number_anchors(ws); !a) return a;
      cases += add_patients(ws, first, std::min(kGenChunk, o.patients - first));
      release_all(ws);
      DocumentSet md;
      for (const auto& c : ws.changes()) {
        if (c.kind == rx::AggregateKind::party) md.documents.emplace_back(*ws.parties.find(c.key));
        if (c.kind == rx::AggregateKind::item) md.documents.emplace_back(*ws.items.find(c.key));
      }
      app::MasterDataRepository mdr(tx, "default", kNow);
      if (auto u = mdr.upsert(md, std::nullopt); !u) return u;
      return repo.save_changes(ws);
    });
    if (!ok) {
      std::cerr << ok.error().to_string() << "\n";
      std::exit(2);
    }
  }
  const double s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("generated %d patients, %zu cases into %s in %.1f s\n", o.patients, cases,
              o.db.c_str(), s);
}

/// Child mode: runs one job and prints its counts.
int run_job(const Options& o) {
  auto db = open_db(o.db);
  const Date date = day("2026-04-01");
  const auto clock = [] { return std::string(kNow); };
  auto r = o.job == "plan-update" ? app::run_plan_update(*db, "default", date, clock, o.chunk)
                                  : app::run_call_off(*db, "default", date, clock, o.chunk);
  if (!r) {
    std::cerr << r.error().to_string() << "\n";
    return 2;
  }
  std::string counts;
  for (const auto& [k, v] : r->counts) counts += " " + k + "=" + std::to_string(v);
  std::printf("  %s:%s\n", o.job.c_str(), counts.c_str());
  return 0;
}

/// Runs `self --job NAME` as a child and reports its resource use.
bool measure(const char* self, const Options& o, const std::string& job) {
  const auto t0 = std::chrono::steady_clock::now();
  const pid_t pid = fork();
  if (pid < 0) return false;
  if (pid == 0) {
    const std::string chunk = std::to_string(o.chunk);
    execl(self, self, "--db", o.db.c_str(), "--chunk", chunk.c_str(), "--job", job.c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  rusage u{};
  if (wait4(pid, &status, 0, &u) != pid) return false;
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("  %-12s cpu %.2f s (user %.2f, sys %.2f)  wall %.2f s  max RSS %.0f MiB  exit %d\n",
              job.c_str(), seconds(u.ru_utime) + seconds(u.ru_stime), seconds(u.ru_utime),
              seconds(u.ru_stime), wall, static_cast<double>(u.ru_maxrss) / 1024.0,
              WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << a << " needs a value\n";
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--db") o.db = value();
    else if (a == "--patients") o.patients = std::max(1, std::atoi(value().c_str()));
    else if (a == "--chunk") o.chunk = static_cast<std::size_t>(std::max(1, std::atoi(value().c_str())));
    else if (a == "--fresh") o.fresh = true;
    else if (a == "--job") o.job = value();
    else {
      std::cerr << "usage: rx_store_run [--db FILE] [--patients N] [--chunk N] [--fresh]\n";
      return 2;
    }
  }
  if (!o.job.empty()) return run_job(o);

  namespace fs = std::filesystem;
  if (o.fresh) {
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(o.db + suffix);
  }
  if (!fs::exists(o.db)) generate(o);
  // The jobs change the store: they run on a copy, so every run starts from
  // the same day (the generated file is closed, its WAL checkpointed).
  Options work = o;
  work.db = o.db + ".run";
  for (const char* suffix : {"-wal", "-shm"}) fs::remove(work.db + suffix);
  fs::copy_file(o.db, work.db, fs::copy_options::overwrite_existing);
  std::printf("store %s (%.0f MiB), %zu patients per range, working date 2026-04-01\n",
              work.db.c_str(), static_cast<double>(fs::file_size(work.db)) / 1048576.0, o.chunk);
  bool ok = measure("/proc/self/exe", work, "plan-update");
  ok = measure("/proc/self/exe", work, "call-off") && ok;
  return ok ? 0 : 1;
}
