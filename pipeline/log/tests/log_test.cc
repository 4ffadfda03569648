#include "pipeline/log/log.h"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace cb::log {
namespace {

const std::string kKeyText = "test-installation-key-0123456789";

struct Capture {
  std::ostringstream out;
  std::shared_ptr<spdlog::logger> logger;

  explicit Capture(config::LogFormat format, config::LogLevel level = config::LogLevel::info) {
    config::LogConfig cfg;
    cfg.format = format;
    cfg.level = level;
    auto p = std::make_shared<const Pseudonymizer>(kKeyText);
    set_pseudonymizer(p);  // for PatientName / Sensitive
    logger = make_logger(cfg, std::make_shared<spdlog::sinks::ostream_sink_st>(out), p, "test");
  }
  std::string text() {
    logger->flush();
    return out.str();
  }
  std::vector<std::string> lines() {
    std::vector<std::string> v;
    std::istringstream in(text());
    for (std::string l; std::getline(in, l);) v.push_back(l);
    return v;
  }
};

bool contains(const std::string& s, std::string_view part) {
  return s.find(part) != std::string::npos;
}

std::string token(IdKind k, std::string_view v) {
  return Pseudonymizer(kKeyText).token(k, v);
}

TEST(Log, TextLinesRedactIdentifiersAndNames) {
  Capture c(config::LogFormat::text);
  c.logger->info("eKV answer for {} ({}) received", "A123456780", PatientName{"Erika Mustermann"});
  c.logger->warn("order for pnr 811218-9876 and 19811218-9876, cpr 241245-1234");
  c.logger->info("again {} and {}", "A123456780", PatientName{"erika  mustermann"});
  const std::string out = c.text();
  for (const char* secret : {"A123456780", "811218-9876", "19811218-9876", "241245-1234", "Erika",
                             "Mustermann", "mustermann"}) {
    EXPECT_FALSE(contains(out, secret)) << secret << " in\n" << out;
  }
  const auto lines = c.lines();
  ASSERT_EQ(lines.size(), 3u);
  const std::string kvnr = token(IdKind::kvnr, "A123456780");
  const std::string name = token(IdKind::name, "Erika Mustermann");
  const std::string pnr = token(IdKind::personnummer, "811218-9876");
  EXPECT_TRUE(contains(lines[0], kvnr + " (" + name + ")")) << lines[0];
  EXPECT_TRUE(contains(lines[2], kvnr)) << lines[2];  // stable
  EXPECT_TRUE(contains(lines[2], name)) << lines[2];  // same person, other spelling
  EXPECT_TRUE(contains(lines[1], "pnr " + pnr + " and " + pnr + ", cpr [cpr:")) << lines[1];
  EXPECT_TRUE(contains(lines[1], " warn  test: ")) << lines[1];
}

TEST(Log, TextLinesKeepBusinessNumbers) {
  Capture c(config::LogFormat::text);
  c.logger->info(
      "IK 261101015 invoice 2026-000123 dated 2026-01-31 total EUR 1234.56 "
      "message msg-3f6c9a2e-1b4d-4e8f-9a7c-2d5e8f1a3b6c file BK06Q325.ke0");
  const auto lines = c.lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_TRUE(contains(lines[0],
                       "IK 261101015 invoice 2026-000123 dated 2026-01-31 total EUR 1234.56 "
                       "message msg-3f6c9a2e-1b4d-4e8f-9a7c-2d5e8f1a3b6c file BK06Q325.ke0"))
      << lines[0];
  // 2026-01-31T09:15:02.123Z info  test: ...
  ASSERT_GE(lines[0].size(), 24u);
  EXPECT_EQ(lines[0][10], 'T');
  EXPECT_EQ(lines[0][23], 'Z');
}

TEST(Log, TextLinesStayOneLine) {
  Capture c(config::LogFormat::text);
  c.logger->info("first\nforged 2026-01-31 error: A123456780\tx\x01");
  const auto lines = c.lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_TRUE(contains(lines[0], "first\\nforged 2026-01-31 error: [kvnr:")) << lines[0];
  EXPECT_TRUE(contains(lines[0], "\\tx\\x01")) << lines[0];
  EXPECT_FALSE(contains(lines[0], "A123456780"));
}

TEST(Log, StructuredFieldsInText) {
  Capture c(config::LogFormat::text);
  {
    LogFields f{{"route", "dta302-out"}, {"insured", "A123456780"}};
    LogFields g{{"note", "two words"}};
    c.logger->info("applied");
  }
  c.logger->info("no fields");
  const auto lines = c.lines();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_TRUE(contains(lines[0], "applied route=dta302-out insured=[kvnr:")) << lines[0];
  EXPECT_TRUE(contains(lines[0], " note=\"two words\"")) << lines[0];
  EXPECT_FALSE(contains(lines[0], "A123456780"));
  EXPECT_TRUE(lines[1].ends_with("test: no fields")) << lines[1];
}

TEST(Log, JsonLinesParseAndCarryFields) {
  Capture c(config::LogFormat::json, config::LogLevel::debug);
  {
    LogFields f{{"route", "websesam-orders"}, {"message_id", "msg-0042"}, {"msg", "clash"}};
    c.logger->debug("read {} lines for {}", 12, PatientName{"Anna Svensson"});
  }
  c.logger->error("pnr {} rejected", "811218-9876");
  const auto lines = c.lines();
  ASSERT_EQ(lines.size(), 2u);
  const auto j0 = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(j0.at("level"), "debug");
  EXPECT_EQ(j0.at("logger"), "test");
  EXPECT_EQ(j0.at("msg"), "read 12 lines for " + token(IdKind::name, "Anna Svensson"));
  EXPECT_EQ(j0.at("route"), "websesam-orders");
  EXPECT_EQ(j0.at("message_id"), "msg-0042");
  EXPECT_EQ(j0.at("field_msg"), "clash");
  const std::string ts = j0.at("ts");
  EXPECT_EQ(ts.size(), 24u);
  EXPECT_TRUE(ts.ends_with("Z"));
  const auto j1 = nlohmann::json::parse(lines[1]);
  EXPECT_EQ(j1.at("level"), "error");
  EXPECT_EQ(j1.at("msg"), "pnr " + token(IdKind::personnummer, "8112189876") + " rejected");
  EXPECT_FALSE(j1.contains("route"));
  EXPECT_FALSE(contains(c.text(), "Svensson"));
}

TEST(Log, JsonEscapingIsCorrect) {
  Capture c(config::LogFormat::json);
  const std::string nasty =
      std::string("quote \" backslash \\ newline \n tab \t bell \x07 del \x7f ") +
      "Müller € 🙂 bad \xff\xfe end";
  c.logger->info("{}", nasty);
  const auto lines = c.lines();
  ASSERT_EQ(lines.size(), 1u);
  const auto j = nlohmann::json::parse(lines[0]);
  const std::string expected =
      std::string("quote \" backslash \\ newline \n tab \t bell \x07 del \x7f ") +
      "Müller € 🙂 bad \xEF\xBF\xBD\xEF\xBF\xBD end";
  EXPECT_EQ(j.at("msg").get<std::string>(), expected);
}

TEST(Log, EscapesCannotHideIdentifiers) {
  Capture c(config::LogFormat::json);
  c.logger->info(
      "x\nA123456780 \x01"
      "811218-9876 \"241245-1234\"");
  const std::string out = c.text();
  EXPECT_FALSE(contains(out, "A123456780")) << out;
  EXPECT_FALSE(contains(out, "811218-9876")) << out;
  EXPECT_FALSE(contains(out, "241245-1234")) << out;
  const auto j = nlohmann::json::parse(c.lines().at(0));
  EXPECT_TRUE(contains(j.at("msg"), "[kvnr:"));
  EXPECT_TRUE(contains(j.at("msg"), "[pnr:"));
  EXPECT_TRUE(contains(j.at("msg"), "[cpr:"));
}

TEST(Log, SetPatternCannotDisableRedaction) {
  Capture c(config::LogFormat::text);
  c.logger->set_pattern("%v");
  c.logger->info("raw A123456780");
  const auto lines = c.lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0], "raw " + token(IdKind::kvnr, "A123456780"));
}

TEST(Log, LevelFilters) {
  Capture c(config::LogFormat::text, config::LogLevel::warn);
  c.logger->info("hidden");
  c.logger->warn("shown");
  const auto lines = c.lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_TRUE(contains(lines[0], "shown"));
}

TEST(Log, SensitiveWrapperMatchesPatternToken) {
  set_pseudonymizer(std::make_shared<const Pseudonymizer>(kKeyText));
  EXPECT_EQ(fmt::format("{}", Sensitive{IdKind::kvnr, "A123456780"}), redact("A123456780"));
  EXPECT_EQ(fmt::format("{}", Sensitive{IdKind::personnummer, "19811218-9876"}),
            redact("811218-9876"));
  EXPECT_EQ(fmt::format("{}", PatientName{"Anna Svensson"}),
            pseudonym(PatientName{"ANNA SVENSSON"}));
  set_pseudonymizer(nullptr);
  EXPECT_EQ(fmt::format("{}", PatientName{"Anna Svensson"}), "[name:redacted]");
}

class LogFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("cb_log_test_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
            "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override {
    spdlog::drop_all();
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("", spdlog::sinks_init_list{}));
    std::filesystem::remove_all(dir_);
  }
  static std::string read(const std::filesystem::path& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  std::filesystem::path dir_;
};

TEST_F(LogFile, SetupFromConfigWritesJsonFileUnderWorkdir) {
  auto cfg = config::load_config_text("workdir = \"" + dir_.string() + "\"\n" + R"([log]
format = "json"
file = "logs/carebridge.log"
)",
                                      "t.toml");
  ASSERT_TRUE(cfg) << config::format_diagnostics(cfg.error());
  auto logger = setup_logging(*cfg, {.pseudonym_key = kKeyText});
  ASSERT_TRUE(logger) << logger.error().to_string();
  spdlog::info("billing {} for {}", "A123456780", PatientName{"Lars Jensen"});
  spdlog::default_logger()->flush();
  const std::string text = read(dir_ / "logs/carebridge.log");
  EXPECT_FALSE(contains(text, "A123456780"));
  EXPECT_FALSE(contains(text, "Jensen"));
  const auto j = nlohmann::json::parse(text.substr(0, text.find('\n')));
  EXPECT_EQ(j.at("msg"), "billing " + token(IdKind::kvnr, "A123456780") + " for " +
                             token(IdKind::name, "Lars Jensen"));
  EXPECT_EQ(j.at("logger"), "carebridge");
}

TEST_F(LogFile, ShortKeyIsRefused) {
  config::LogConfig cfg;
  auto r = setup_logging(cfg, {.pseudonym_key = "short"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, DiagCode::ConfigBadValue);
}

TEST_F(LogFile, UnopenableFileIsCfg010) {
  std::filesystem::create_directories(dir_);
  std::ofstream(dir_ / "plain") << "x";
  config::LogConfig cfg;
  cfg.file = dir_ / "plain" / "cannot.log";
  auto r = setup_logging(cfg, {.pseudonym_key = kKeyText, .make_default = false});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, DiagCode::ConfigLogOpen);
  EXPECT_EQ(r.error().where.file, cfg.file->string());
}

}  // namespace
}  // namespace cb::log
