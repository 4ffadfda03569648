// carebridge: the command line of the integration hub. Exit codes: 0 ok,
// 1 invalid input, 2 usage or configuration error.

#include <CLI/CLI.hpp>

#include <iostream>
#include <string>

#include "pipeline/cli/commands.h"
#include "pipeline/cli/daemon_commands.h"
#include "pipeline/cli/tools.h"
#include "pipeline/cli/ops_commands.h"  // ops: run, jobs
#include "pipeline/http/server.h"  // token hash / token new (pipeline/http)

int main(int argc, char** argv) {
  CLI::App app{"carebridge — integration hub for the billing of medical aids"};
  app.require_subcommand(1);
  app.fallthrough();  // global options may also follow the subcommand
  app.set_version_flag("--version", "carebridge 0.1.0");

  cb::cli::GlobalOptions global;
  app.add_option("--config", global.config_file, "configuration file (TOML)");
  app.add_option("--workdir", global.workdir, "working directory holding the store");
  app.add_option("--working-date", global.working_date,
                 "the working date (YYYY-MM-DD) instead of today");
  app.add_option("--log-level", global.log_level, "trace, debug, info, warn, error");
  app.add_option("--log-format", global.log_format, "text or json");

  int rc = 0;

  auto* adapters = app.add_subcommand("adapters", "list the registered adapters and what each can do");
  adapters->callback([&] { rc = cb::cli::list_adapters(std::cout); });

  std::string format, file;
  auto* validate = app.add_subcommand("validate", "check a file against a format's rules");
  validate->add_option("--format", format, "adapter name (default: detect)");
  validate->add_option("FILE", file, "the file to check")->required();
  validate->callback([&] { rc = cb::cli::validate(format, file, std::cout, std::cerr); });

  std::string from, to, input, output;
  auto* convert = app.add_subcommand("convert", "read with one adapter and write with another");
  convert->add_option("--from", from, "reading adapter (default: detect)");
  convert->add_option("--to", to, "writing adapter")->required();
  convert->add_option("INPUT", input, "input file")->required();
  convert->add_option("OUTPUT", output, "output file (written atomically)")->required();
  convert->callback([&] { rc = cb::cli::convert(from, to, input, output, std::cout, std::cerr); });

  std::string import_format, import_tenant = "default";
  std::vector<std::string> import_files;
  auto* import = app.add_subcommand(
      "import", "store files as messages and apply their documents, one transaction per file");
  import->add_option("--format", import_format, "adapter name (default: detect)");
  import->add_option("--tenant", import_tenant, "tenant the data belongs to");
  import->add_option("FILE", import_files, "files to import")->required();
  import->callback([&] {
    rc = cb::cli::import_files(global, import_files, import_format, import_tenant, std::cout,
                               std::cerr);
  });

  bool demo_fresh = false;
  std::string demo_fixtures;
  auto* demo = app.add_subcommand("demo", "import the bundled demo data into a store and summarise");
  demo->add_flag("--fresh", demo_fresh, "start from an empty store");
  demo->add_option("--fixtures", demo_fixtures, "fixtures folder (default: the source tree's)");
  demo->callback([&] { rc = cb::cli::demo(global, demo_fresh, demo_fixtures, std::cout, std::cerr); });

  // ---- pipeline daemon (issue 8): serve, messages list|show|reprocess, route test ----
  auto* serve = app.add_subcommand("serve", "run the daemon: intake, routes, delivery, HTTP API");
  serve->callback([&] { rc = cb::cli::serve(global, std::cout, std::cerr); });

  cb::cli::MessagesQuery messages_query;
  cb::cli::ReprocessArgs reprocess_args;
  std::int64_t message_id = 0;
  bool show_bytes = false;
  auto* messages = app.add_subcommand("messages", "the message store: list, show, reprocess");
  messages->require_subcommand(1);
  auto add_filter = [](CLI::App* c, cb::cli::MessagesQuery& q) {
    c->add_option("--tenant", q.tenant, "only this tenant");
    c->add_option("--route", q.route, "only this route");
    c->add_option("--state", q.state, "received, parsed, applied, emitted, delivered, rejected, failed, dead");
    c->add_option("--direction", q.direction, "in or out");
    c->add_option("--text", q.text, "text in the source, business key or a diagnostic (or a code)");
    c->add_option("--limit", q.limit, "at most this many (default 50)");
  };
  auto* messages_list = messages->add_subcommand("list", "list messages, newest first");
  add_filter(messages_list, messages_query);
  messages_list->callback(
      [&] { rc = cb::cli::messages_list(global, messages_query, std::cout, std::cerr); });
  auto* messages_show = messages->add_subcommand("show", "one message with its events and diagnostics");
  messages_show->add_option("ID", message_id, "message id")->required();
  messages_show->add_flag("--bytes", show_bytes, "print the message body too");
  messages_show->callback(
      [&] { rc = cb::cli::messages_show(global, message_id, show_bytes, std::cout, std::cerr); });
  auto* messages_reprocess = messages->add_subcommand(
      "reprocess", "route inbound messages again / deliver outbound ones again (audited)");
  messages_reprocess->add_option("ID", reprocess_args.ids, "message ids (or use a filter)");
  add_filter(messages_reprocess, reprocess_args.filter);
  messages_reprocess->add_option("--to", reprocess_args.destination,
                                 "deliver to this destination instead of the route's");
  messages_reprocess->add_option("--reason", reprocess_args.reason, "why (kept in the audit trail)");
  messages_reprocess->add_option("--actor", reprocess_args.actor, "who (default: cli)");
  messages_reprocess->callback(
      [&] { rc = cb::cli::messages_reprocess(global, reprocess_args, std::cout, std::cerr); });

  std::string test_route, test_file;
  auto* route = app.add_subcommand("route", "route tools");
  route->require_subcommand(1);
  auto* route_test = route->add_subcommand(
      "test", "run one file through a route without side effects and show what would be written");
  route_test->add_option("ROUTE", test_route, "route name")->required();
  route_test->add_option("FILE", test_file, "input file")->required();
  route_test->callback(
      [&] { rc = cb::cli::route_test(global, test_route, test_file, std::cout, std::cerr); });
  // ---- end of pipeline daemon commands ----

  std::string job;
  auto* run = app.add_subcommand("run", "run one batch job now");
  // ---- ops (issue 8): run JOB, jobs list|available ----
  cb::cli::RunJobArgs run_args;
  run->add_option("JOB", job, "a registered job (see `jobs available`) or a [[jobs]] entry")
      ->required();
  run->add_option("--date", run_args.date, "working date YYYY-MM-DD (default: today)");
  auto* run_tenant = run->add_option("--tenant", run_args.tenant, "tenant (default: all)");
  auto* run_filter = run->add_option("--filter", run_args.filter, "job-specific filter");
  run->callback([&] {
    run_args.job = job;
    run_args.tenant_set = run_tenant->count() > 0;
    run_args.filter_set = run_filter->count() > 0;
    rc = cb::cli::run_job(global, run_args, std::cout, std::cerr);
  });

  cb::cli::JobsListArgs jobs_args;
  auto* jobs = app.add_subcommand("jobs", "batch jobs: recorded runs and what can run");
  jobs->require_subcommand(1);
  auto* jobs_list = jobs->add_subcommand("list", "recorded job runs, newest first");
  jobs_list->add_option("--job", jobs_args.job, "only this job");
  jobs_list->add_option("--tenant", jobs_args.tenant, "only this tenant's runs");
  jobs_list->add_option("--state", jobs_args.state, "running, succeeded or failed");
  jobs_list->add_option("--limit", jobs_args.limit, "at most this many (default 20)");
  jobs_list->add_flag("--log", jobs_args.log, "print each run's log");
  jobs_list->callback([&] { rc = cb::cli::jobs_list(global, jobs_args, std::cout, std::cerr); });
  auto* jobs_available = jobs->add_subcommand("available", "registered jobs and [[jobs]] entries");
  jobs_available->callback([&] { rc = cb::cli::jobs_available(global, std::cout, std::cerr); });
  // ---- end of ops commands ----

  std::string date, formula;
  bool explain = false;
  auto* f = app.add_subcommand("formula", "apply a date formula to a date, e.g. -LM+1M");
  f->add_option("--date", date, "the start date, YYYY-MM-DD (or DD.MM.YYYY)")->required();
  f->add_flag("--explain", explain, "print every step");
  // Formulas start with '-' (e.g. -LM+1M): they are taken from the extra arguments.
  f->allow_extras();
  f->fallthrough(false);
  f->callback([&] {
    const auto extras = f->remaining();
    if (extras.size() != 1) {
      std::cerr << "formula: give exactly one FORMULA, e.g. carebridge formula --date 2026-03-14 -LM+1M\n";
      rc = cb::cli::kUsage;
      return;
    }
    formula = extras.front();
    rc = cb::cli::formula(date, formula, explain, std::cout, std::cerr);
  });

  std::string id_kind, id_value;
  auto* check = app.add_subcommand(
      "check-id", "check an identifier: ik, pzn, kvnr, hmv, se-orgnr, dk-cvr, gln, iso9999");
  check->add_option("KIND", id_kind, "identifier kind")->required();
  check->add_option("VALUE", id_value, "the identifier")->required();
  check->callback([&] { rc = cb::cli::check_id(id_kind, id_value, std::cout, std::cerr); });

  auto* config = app.add_subcommand("config", "configuration tools");
  config->require_subcommand(1);
  std::string config_file;
  auto* config_check = config->add_subcommand("check", "validate a configuration file");
  config_check->add_option("FILE", config_file, "the TOML file")->required();
  config_check->callback([&] { rc = cb::cli::config_check(config_file, std::cout, std::cerr); });
  auto* config_schema = config->add_subcommand("schema", "print every configuration key");
  config_schema->callback([&] { rc = cb::cli::config_schema(std::cout); });

  // --- rx (issue 3): show case/plan, scenario run, rx jobs -------------------
  std::string show_tenant = "default", show_case_no, show_patient;
  auto* show = app.add_subcommand("show", "show a case or a patient's delivery plan");
  show->require_subcommand(1);
  show->add_option("--tenant", show_tenant, "tenant the data belongs to");
  auto* show_case = show->add_subcommand("case", "a case: periods, requirements (traffic light), lines");
  show_case->add_option("N", show_case_no, "case number, e.g. VG000001 or 1")->required();
  show_case->callback([&] {
    rc = cb::cli::show_case(global, show_case_no, show_tenant, std::cout, std::cerr);
  });
  auto* show_plan = show->add_subcommand("plan", "a patient's delivery plan with its schedules");
  show_plan->add_option("PATIENT", show_patient, "the patient's party id")->required();
  show_plan->callback([&] {
    rc = cb::cli::show_plan(global, show_patient, show_tenant, std::cout, std::cerr);
  });
  std::string show_invoice_no;
  auto* show_invoice = show->add_subcommand("invoice", "an invoice or credit note with its lines");
  show_invoice->add_option("NUMBER", show_invoice_no, "invoice number, e.g. RE00000001")->required();
  show_invoice->callback([&] {
    rc = cb::cli::show_invoice(global, show_invoice_no, show_tenant, std::cout, std::cerr);
  });

  std::vector<std::string> scenario_files;
  bool scenario_verbose = false;
  auto* scenario = app.add_subcommand("scenario", "acceptance scenarios (fixtures/scenarios/README.md)");
  scenario->require_subcommand(1);
  auto* scenario_run = scenario->add_subcommand(
      "run", "run scenario files in fresh in-memory stores; exit 1 on any failed expectation");
  scenario_run->add_option("FILE", scenario_files, "scenario files (TOML)")->required();
  scenario_run->add_flag("-v,--verbose", scenario_verbose, "print every step");
  scenario_run->callback([&] {
    rc = cb::cli::scenario_run(scenario_files, scenario_verbose, std::cout, std::cerr);
  });

  // --- end rx ------------------------------------------------------------------
  // --- token: API bearer tokens for [[server.tokens]] (pipeline/http) ---------
  auto* token = app.add_subcommand("token", "API tokens for [[server.tokens]]");
  token->require_subcommand(1);
  std::string token_value;
  auto* token_hash = token->add_subcommand(
      "hash", "print the sha256 to configure for a token (read from standard input if not given)");
  token_hash->add_option("TOKEN", token_value, "the token (better: on standard input)");
  token_hash->callback([&] {
    if (token_value.empty() && !std::getline(std::cin, token_value)) token_value.clear();
    while (!token_value.empty() && (token_value.back() == '\r' || token_value.back() == ' ')) {
      token_value.pop_back();
    }
    if (token_value.empty()) {
      std::cerr << "carebridge token hash: no token given\n";
      rc = cb::cli::kUsage;
      return;
    }
    std::cout << cb::http::hash_token(token_value) << "\n";
  });
  auto* token_new = token->add_subcommand(
      "new", "make a random token; prints it once and the [[server.tokens]] entry to configure");
  std::string token_name = "ops", token_role = "operator", token_tenant;
  token_new->add_option("--name", token_name, "token name (audit trail: token:<name>)");
  token_new->add_option("--role", token_role, "viewer, operator or admin");
  token_new->add_option("--tenant", token_tenant, "tenant id (required unless admin)");
  token_new->callback([&] {
    cb::http::Role role{};
    if (!cb::http::parse_role(token_role, role)) {
      std::cerr << "carebridge token new: role is viewer, operator or admin\n";
      rc = cb::cli::kUsage;
      return;
    }
    if (token_tenant.empty() && role != cb::http::Role::admin) {
      std::cerr << "carebridge token new: --tenant is required unless --role admin\n";
      rc = cb::cli::kUsage;
      return;
    }
    const std::string t = cb::http::new_token();
    std::cerr << "token (shown once, keep it in a secret store): " << t << "\n";
    std::cout << "[[server.tokens]]\nname = \"" << token_name << "\"\nrole = \"" << token_role
              << "\"\n";
    if (!token_tenant.empty()) std::cout << "tenant = \"" << token_tenant << "\"\n";
    std::cout << "sha256 = \"" << cb::http::hash_token(t) << "\"\n";
  });
  // --- end token --------------------------------------------------------------

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return cb::cli::kUsage;
  } catch (const std::exception& e) {
    std::cerr << "carebridge: " << e.what() << "\n";
    return cb::cli::kUsage;
  }
  return rc;
}
