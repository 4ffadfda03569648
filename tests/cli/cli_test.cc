// End-to-end tests of the carebridge binary: the commands as a user types
// them, their output and their exit codes.

#include <gtest/gtest.h>

#include "run_binary.h"
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

namespace fs = std::filesystem;

namespace {

using cb::testing::Run;
using cb::testing::run;

class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = fs::temp_directory_path() / ("cb-cli-" + std::to_string(rd()));
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }
  std::string file(const std::string& name, const std::string& content) const {
    std::ofstream(path_ / name) << content;
    return (path_ / name).string();
  }

 private:
  fs::path path_;
};

const std::string kSource = CAREBRIDGE_SOURCE_DIR;

TEST(Cli, FormulaAcceptanceExamples) {
  auto a = run("formula --date 2026-01-31 1M");
  EXPECT_EQ(a.code, 0);
  EXPECT_EQ(a.out, "2026-02-28\n");
  auto b = run("formula --date 2026-03-14 -LM+1M");
  EXPECT_EQ(b.code, 0);
  EXPECT_EQ(b.out, "2026-04-01\n");
  auto c = run("formula --date 2026-03-14 --explain -LM+1M");
  EXPECT_NE(c.out.find("-CM             2026-03-01"), std::string::npos) << c.out;
}

TEST(Cli, FormulaBadInputIsExitOneWithAReason) {
  auto a = run("formula --date 2026-02-30 1M");
  EXPECT_EQ(a.code, 1);
  EXPECT_NE(a.out.find("DAT002"), std::string::npos) << a.out;
  auto b = run("formula --date 2026-03-14 3X");
  EXPECT_EQ(b.code, 1);
  EXPECT_NE(b.out.find("DAT012"), std::string::npos) << b.out;
  EXPECT_EQ(run("formula --date 2026-03-14").code, 2);
}

TEST(Cli, CheckId) {
  auto ik = run("check-id ik 101575519");
  EXPECT_EQ(ik.code, 0);
  EXPECT_NE(ik.out.find("valid"), std::string::npos);
  EXPECT_EQ(ik.out.find("invalid"), std::string::npos);
  auto bad = run("check-id ik 101575518");
  EXPECT_EQ(bad.code, 1);
  EXPECT_NE(bad.out.find("IDN003"), std::string::npos) << bad.out;
  EXPECT_EQ(run("check-id pzn 04773414").code, 0);
  EXPECT_EQ(run("check-id kvnr A123456780").code, 0);
  EXPECT_EQ(run("check-id se-orgnr 556036-0793").code, 0);
  EXPECT_EQ(run("check-id dk-cvr 13585628").code, 0);
  EXPECT_EQ(run("check-id gln 5790000436057").code, 0);
  EXPECT_EQ(run("check-id hmv 2922010001").code, 0);
  EXPECT_EQ(run("check-id iso9999 12.22.03").code, 0);
  EXPECT_EQ(run("check-id passport X").code, 2);
}

TEST(Cli, UsageErrorsAndUnbuiltCommandsExitTwo) {
  EXPECT_EQ(run("").code, 2);
  EXPECT_EQ(run("no-such-command").code, 2);
  auto serve = run("serve");
  EXPECT_EQ(serve.code, 2);
  EXPECT_NE(serve.out.find("--config"), std::string::npos) << serve.out;
  EXPECT_EQ(run("run extend-cases").code, 2);
  EXPECT_EQ(run("--help").code, 0);
  for (const char* sub : {"adapters", "validate", "convert", "import", "demo", "serve", "run",
                          "formula", "check-id", "config"}) {
    auto h = run(std::string(sub) + " --help");
    EXPECT_EQ(h.code, 0) << sub;
    EXPECT_NE(h.out.find("Usage"), std::string::npos) << sub;
  }
}

TEST(Cli, AdaptersListsCanonicalJson) {
  auto r = run("adapters");
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("canonical-json  [read,write,validate,detect]"), std::string::npos) << r.out;
}

TEST(Cli, ValidateAndConvert) {
  TempDir dir;
  const std::string good = kSource + "/fixtures/demo/inbox/01-master-data.json";
  auto v = run("validate --format canonical-json " + good);
  EXPECT_EQ(v.code, 0) << v.out;
  auto detected = run("validate " + good);
  EXPECT_EQ(detected.code, 0) << detected.out;
  auto bad = run("validate --format canonical-json " + kSource +
                 "/fixtures/canonical-json/bad-fields/input.json");
  EXPECT_EQ(bad.code, 1);
  EXPECT_NE(bad.out.find("JSN006"), std::string::npos);
  const std::string out = (dir.path() / "out.json").string();
  auto c = run("convert --to canonical-json " + good + " " + out);
  EXPECT_EQ(c.code, 0) << c.out;
  std::ifstream written(out);
  std::string first_line;
  std::getline(written, first_line);
  EXPECT_EQ(first_line, "{");
  EXPECT_EQ(run("convert --to nope " + good + " " + out).code, 2);
  EXPECT_EQ(run("validate " + (dir.path() / "missing.json").string()).code, 1);
}

TEST(Cli, ImportKeepsRejectsAndRecognisesDuplicates) {
  TempDir dir;
  const std::string wd = "--workdir " + dir.path().string() + " --working-date 2026-11-02";
  const std::string good = kSource + "/fixtures/demo/inbox/01-master-data.json";
  auto first = run("import " + wd + " --log-level info " + good);
  EXPECT_EQ(first.code, 0) << first.out;
  EXPECT_NE(first.out.find("applied [canonical-json]: 3 item 8 party"), std::string::npos)
      << first.out;
  EXPECT_EQ(first.out.find("A123456780"), std::string::npos) << "a KVNR reached the output";
  auto again = run("import " + wd + " " + good);
  EXPECT_EQ(again.code, 0);
  EXPECT_NE(again.out.find("IMP001"), std::string::npos) << again.out;
  auto bad = run("import " + wd + " " + kSource + "/fixtures/canonical-json/syntax-error/input.json");
  EXPECT_EQ(bad.code, 1);
  EXPECT_NE(bad.out.find("rejected"), std::string::npos) << bad.out;
  EXPECT_TRUE(fs::exists(dir.path() / "carebridge.db"));
  EXPECT_TRUE(fs::exists(dir.path() / "pseudonym.key"));
}

TEST(Cli, ConfigCheckNamesFileAndLine) {
  TempDir dir;
  const std::string bad = dir.file("bad.toml", "[store]\nbackend = \"oracle\"\n\n[sever]\nport = 1\n");
  auto r = run("config check " + bad);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find("bad.toml:2"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("bad.toml:4"), std::string::npos) << r.out;
  auto ok = run("config check " + kSource + "/config/demo.toml");
  EXPECT_EQ(ok.code, 0) << ok.out;
  auto schema = run("config schema");
  EXPECT_EQ(schema.code, 0);
  EXPECT_NE(schema.out.find("store.backend"), std::string::npos) << schema.out;
}

TEST(Cli, DemoRunsToCompletion) {
  TempDir dir;
  auto r = run("demo --fresh --workdir " + dir.path().string());
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("summary: messages applied=3 delivered=3 rejected=1; parties=8 items=6"),
            std::string::npos)
      << r.out;
  // The supplied patient: one case blocked by its cost estimate, the other called off.
  EXPECT_NE(r.out.find("case VG000001 (K-ROLLI, released): delivery BLOCKED  VO=20  KV=10"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("case VG000002 (K-STOMA, released): delivery free"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("  fixed     —           VA0"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("Test Patientin"), std::string::npos) << "a patient name reached the output";
  EXPECT_NE(r.out.find("-LM+1M   → 2026-12-01"), std::string::npos) << r.out;
  // Billing: the month-end run invoices the stoma flat rate to the insurer (7 % VAT).
  EXPECT_NE(r.out.find("billing: 1 insurer invoice(s), 0 patient invoice(s)"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("INVOICE RE00000001  posted"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("total net 89.50  VAT 6.27  gross 95.77"), std::string::npos) << r.out;
  // A second run on the same store finds everything already there.
  auto again = run("demo --workdir " + dir.path().string());
  EXPECT_EQ(again.code, 0) << again.out;
  EXPECT_NE(again.out.find("summary: messages applied=3 delivered=3 rejected=1"), std::string::npos)
      << again.out;
  EXPECT_NE(again.out.find("1 sales order(s)"), std::string::npos) << again.out;
  EXPECT_NE(again.out.find("billing: 1 insurer invoice(s)"), std::string::npos) << again.out;
}

// --- rx (issue 3) ---------------------------------------------------------------

TEST(Cli, ScenarioRunPassesTheShippedScenario) {
  auto r = run("scenario run " + kSource + "/fixtures/scenarios/purchase-cost-estimate.toml");
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("PASS "), std::string::npos) << r.out;
}

TEST(Cli, ScenarioFailureExitsOneWithExpectedAndActual) {
  auto r = run("scenario run " + kSource + "/fixtures/scenarios/failing/wrong-expectations.toml");
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("FAIL "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("wrong-expectations.toml:18: SCN006 delivery blocked"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("expected: false"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("actual:   true"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("expected: [2026-04-01]"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("actual:   [2026-03-02]"), std::string::npos) << r.out;
}

TEST(Cli, MalformedScenarioNamesFileAndLine) {
  auto r = run("scenario run " + kSource + "/fixtures/scenarios/failing/malformed.toml");
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("malformed.toml:9"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("SCN002"), std::string::npos) << r.out;
  TempDir dir;
  const std::string broken = dir.file("broken.toml", "[scenario]\nname = \"x\"\nstart = 2026-03-02\n[[step]\n");
  auto b = run("scenario run " + broken);
  EXPECT_EQ(b.code, 1) << b.out;
  EXPECT_NE(b.out.find("broken.toml:4"), std::string::npos) << b.out;
  EXPECT_NE(b.out.find("SCN001"), std::string::npos) << b.out;
}

TEST(Cli, ImportCaseShowCaseAndPlanAndRunJobs) {
  TempDir dir;
  const std::string wd = "--workdir " + dir.path().string() + " --working-date 2026-03-02";
  const std::string data = kSource + "/fixtures/scenarios/data/";
  auto base = run("import " + wd + " " + data + "base.json " + data + "contracts.json");
  ASSERT_EQ(base.code, 0) << base.out;
  const std::string cases = dir.file("cases.json", R"({"format":"carebridge-canonical","version":1,
  "documents":[
   {"kind":"case","ref":"rolli","patient":"P-ADULT","case_type":"HM","contract":"K-ROLLI",
    "lines":[{"contract_line":10000}],"release":true},
   {"kind":"case","ref":"stoma","patient":"P-ADULT","case_type":"ST","contract":"K-STOMA",
    "lines":[{"contract_line":10000},{"contract_line":20000,"item":"STOMA-A"}],"release":true},
   {"kind":"requirement_status","case":"rolli","requirement":"VO","status":"20","date":"2026-03-02"}
  ]})");
  auto imported = run("import " + wd + " " + cases);
  ASSERT_EQ(imported.code, 0) << imported.out;
  EXPECT_NE(imported.out.find("case rolli → VG000001"), std::string::npos) << imported.out;
  EXPECT_NE(imported.out.find("case stoma → VG000002"), std::string::npos) << imported.out;

  auto show = run("show case 1 " + wd);
  EXPECT_EQ(show.code, 0) << show.out;
  EXPECT_NE(show.out.find("case VG000001  patient P-ADULT"), std::string::npos) << show.out;
  EXPECT_NE(show.out.find("delivery light RED"), std::string::npos) << show.out;
  EXPECT_EQ(show.out.find("Test Patientin"), std::string::npos) << show.out;

  // The rx jobs run through `carebridge run`, recorded in job_runs with
  // their counts and log; the same (job, working date, filter) runs once.
  auto job = run("run call-off " + wd);
  EXPECT_EQ(job.code, 0) << job.out;
  EXPECT_NE(job.out.find("call-off for 2026-03-02 (all tenants): succeeded"), std::string::npos)
      << job.out;
  EXPECT_NE(job.out.find("orders=1"), std::string::npos) << job.out;
  EXPECT_NE(job.out.find("1 order(s), 1 line(s), 1 due schedule(s) blocked"), std::string::npos)
      << job.out;
  auto again = run("run call-off " + wd);
  EXPECT_EQ(again.code, 0) << again.out;
  EXPECT_NE(again.out.find("already succeeded at"), std::string::npos) << again.out;
  auto update = run("run plan-update --date 2026-03-03 " + wd);
  EXPECT_EQ(update.code, 0) << update.out;
  EXPECT_NE(update.out.find("plan update 2026-03-03: 2 line(s)"), std::string::npos) << update.out;
  auto runs = run("jobs list --log " + wd);
  EXPECT_EQ(runs.code, 0) << runs.out;
  EXPECT_NE(runs.out.find("plan-update"), std::string::npos) << runs.out;
  EXPECT_NE(runs.out.find("1 order(s), 1 line(s)"), std::string::npos) << runs.out;
  auto plan = run("show plan P-ADULT " + wd);
  EXPECT_EQ(plan.code, 0) << plan.out;
  EXPECT_NE(plan.out.find("  fixed     —           VA0"), std::string::npos) << plan.out;
  EXPECT_NE(plan.out.find("delivery RED"), std::string::npos) << plan.out;
  EXPECT_NE(plan.out.find("delivery GREEN"), std::string::npos) << plan.out;

  auto missing = run("show case 99 " + wd);
  EXPECT_EQ(missing.code, 1) << missing.out;
  EXPECT_NE(missing.out.find("RXS004"), std::string::npos) << missing.out;
  EXPECT_NE(run("rx-job call-off " + wd).code, 0);  // the stopgap command is gone
  auto unknown_job = run("run dance " + wd);
  EXPECT_EQ(unknown_job.code, 2) << unknown_job.out;
}

TEST(Cli, BillingJobsShowInvoiceAndWhyAScheduleWaits) {
  TempDir dir;
  const std::string wd = "--workdir " + dir.path().string() + " --working-date 2026-03-02";
  const std::string data = kSource + "/fixtures/scenarios/data/";
  ASSERT_EQ(run("import " + wd + " " + data + "base.json " + data + "contracts.json " + data +
                "billing.json")
                .code,
            0);
  const std::string cases = dir.file("cases.json", R"({"format":"carebridge-canonical","version":1,
  "documents":[
   {"kind":"case","ref":"rolli","patient":"P-ADULT","case_type":"HM","contract":"K-ROLLI",
    "lines":[{"contract_line":10000}],"release":true},
   {"kind":"case","ref":"stoma","patient":"P-ADULT","case_type":"ST","contract":"K-STOMA",
    "lines":[{"contract_line":10000},{"contract_line":20000,"item":"STOMA-A"}],"release":true},
   {"kind":"requirement_status","case":"rolli","requirement":"VO","status":"20","date":"2026-03-02"},
   {"kind":"requirement_status","case":"rolli","requirement":"KV","status":"20","date":"2026-03-02"}
  ]})");
  ASSERT_EQ(run("import " + wd + " " + cases).code, 0);
  ASSERT_EQ(run("run call-off " + wd).code, 0);
  auto billing = run("run create-billing-data " + wd);
  EXPECT_EQ(billing.code, 0) << billing.out;
  EXPECT_NE(billing.out.find("create billing data 2026-03-02"), std::string::npos) << billing.out;
  auto show = run("show case 1 " + wd);
  EXPECT_NE(show.out.find("billing line 10000"), std::string::npos) << show.out;
  EXPECT_NE(show.out.find("not invoiceable: billing requirement not met: VO status 00; error code "
                          "ABWARTEN: waiting for the delivery of order VA00000001"),
            std::string::npos)
      << show.out;
  const std::string month_end = "--workdir " + dir.path().string() + " --working-date 2026-03-31";
  auto invoices = run("run invoice-call-off " + month_end);
  EXPECT_EQ(invoices.code, 0) << invoices.out;
  EXPECT_NE(invoices.out.find("1 invoice(s)"), std::string::npos) << invoices.out;
  EXPECT_NE(invoices.out.find("not invoiceable: case VG000001"), std::string::npos) << invoices.out;
  auto inv = run("show invoice RE00000001 " + month_end);
  EXPECT_EQ(inv.code, 0) << inv.out;
  EXPECT_NE(inv.out.find("INVOICE RE00000001  posted"), std::string::npos) << inv.out;
  EXPECT_NE(inv.out.find("total net 89.99  VAT 6.30  gross 96.29"), std::string::npos) << inv.out;
  EXPECT_EQ(inv.out.find("Test Patientin"), std::string::npos) << inv.out;
  auto missing = run("show invoice RE99 " + month_end);
  EXPECT_EQ(missing.code, 1) << missing.out;
  EXPECT_NE(missing.out.find("BIL002"), std::string::npos) << missing.out;
}

TEST(Cli, ImportWithBrokenReferenceAppliesNothing) {
  TempDir dir;
  const std::string wd = "--workdir " + dir.path().string() + " --working-date 2026-03-02";
  const std::string data = kSource + "/fixtures/scenarios/data/";
  ASSERT_EQ(run("import " + wd + " " + data + "base.json").code, 0);
  const std::string bad = dir.file("bad.json", R"({"format":"carebridge-canonical","version":1,
  "documents":[
   {"kind":"error_code","code":"NEU"},
   {"kind":"contract","number":"K-X","case_type":"HM","versions":[{"version":1,
     "periods":[{"code":"E1"}],"lines":[{"line":10000,"number":"NO-SUCH-ITEM"}]}]}
  ]})");
  auto r = run("import " + wd + " " + bad);
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_NE(r.out.find("rejected"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("/documents/1/versions/0/lines/0/number"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("RXS001"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("contract 'K-X'"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("NO-SUCH-ITEM"), std::string::npos) << r.out;
}

TEST(Cli, InactiveContractRefusesNewCasesButExistingCasesRun) {
  TempDir dir;
  const std::string wd = "--workdir " + dir.path().string() + " --working-date 2026-03-02";
  const std::string data = kSource + "/fixtures/scenarios/data/";
  ASSERT_EQ(run("import " + wd + " " + data + "base.json").code, 0);
  ASSERT_EQ(run("import " + wd + " " + data + "contracts.json").code, 0);
  const std::string first = dir.file("first.json", R"({"format":"carebridge-canonical","version":1,
  "documents":[
   {"kind":"case","ref":"stoma","patient":"P-ADULT","case_type":"ST","contract":"K-STOMA",
    "lines":[{"contract_line":10000},{"contract_line":20000,"item":"STOMA-A"}],"release":true}
  ]})");
  ASSERT_EQ(run("import " + wd + " " + first).code, 0);
  // The contract becomes inactive (the same contract document, flag set).
  std::string contracts;
  {
    std::ifstream in(data + "contracts.json");
    std::ostringstream ss;
    ss << in.rdbuf();
    contracts = ss.str();
  }
  const std::string marker = R"("number": "K-STOMA",)";
  ASSERT_NE(contracts.find(marker), std::string::npos);
  contracts.replace(contracts.find(marker), marker.size(), marker + R"( "inactive": true,)");
  ASSERT_EQ(run("import " + wd + " " + dir.file("inactive.json", contracts)).code, 0);

  const std::string second = dir.file("second.json", R"({"format":"carebridge-canonical","version":1,
  "documents":[
   {"kind":"case","ref":"again","patient":"P-SOUTH","case_type":"ST","contract":"K-STOMA",
    "lines":[{"contract_line":10000},{"contract_line":20000,"item":"STOMA-A"}],"release":true}
  ]})");
  auto refused = run("import " + wd + " " + second);
  EXPECT_EQ(refused.code, 1) << refused.out;
  EXPECT_NE(refused.out.find("RXP001"), std::string::npos) << refused.out;
  EXPECT_NE(refused.out.find("/documents/0"), std::string::npos) << refused.out;
  EXPECT_NE(refused.out.find("case 'again': contract K-STOMA is inactive"), std::string::npos)
      << refused.out;

  // The existing case keeps running: the plan update and the call-off go on.
  auto update = run("run plan-update --date 2026-04-01 " + wd);
  EXPECT_EQ(update.code, 0) << update.out;
  EXPECT_NE(update.out.find("1 expired"), std::string::npos) << update.out;
  auto calloff = run("run call-off --date 2026-04-01 " + wd);
  EXPECT_EQ(calloff.code, 0) << calloff.out;
  EXPECT_NE(calloff.out.find("call-off 2026-04-01: 1 order(s)"), std::string::npos) << calloff.out;
}

}  // namespace
