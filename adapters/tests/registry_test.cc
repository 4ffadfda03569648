#include <gtest/gtest.h>

#include "adapters/registry.h"

namespace cb::adapters {
namespace {

class FakeAdapter final : public Adapter {
 public:
  FakeAdapter(std::string name, int score) {
    info_.name = std::move(name);
    info_.capabilities = Capability::read | Capability::detect;
    score_ = score;
  }
  const AdapterInfo& info() const override { return info_; }
  int detect(std::string_view) const override { return score_; }

 private:
  AdapterInfo info_;
  int score_ = 0;
};

TEST(Registry, DuplicateNameIsAStartUpError) {
  Registry r;
  ASSERT_TRUE(r.add(std::make_unique<FakeAdapter>("x", 10)));
  auto again = r.add(std::make_unique<FakeAdapter>("x", 20));
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, DiagCode::AdapterDuplicate);
  EXPECT_EQ(again.error().severity, Severity::fatal);
  EXPECT_EQ(r.list().size(), 1u);
}

TEST(Registry, RequireNamesTheKnownAdapters) {
  Registry r;
  ASSERT_TRUE(r.add(std::make_unique<FakeAdapter>("alpha", 0)));
  ASSERT_TRUE(r.add(std::make_unique<FakeAdapter>("beta", 0)));
  auto missing = r.require("gamma");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, DiagCode::AdapterUnknown);
  EXPECT_NE(missing.error().message.find("alpha, beta"), std::string::npos);
  EXPECT_EQ(*r.require("beta"), r.find("beta"));
}

TEST(Registry, DetectPicksTheMostCertain) {
  Registry r;
  ASSERT_TRUE(r.add(std::make_unique<FakeAdapter>("low", 10)));
  ASSERT_TRUE(r.add(std::make_unique<FakeAdapter>("high", 80)));
  ASSERT_TRUE(r.add(std::make_unique<FakeAdapter>("none", 0)));
  EXPECT_EQ(r.detect("anything")->info().name, "high");
  Registry empty;
  EXPECT_EQ(empty.detect("anything"), nullptr);
}

TEST(Registry, DefaultRegistryHoldsCanonicalJson) {
  const auto& r = default_registry();
  const auto* a = r.find("canonical-json");
  ASSERT_NE(a, nullptr);
  EXPECT_TRUE(a->info().can(Capability::read));
  EXPECT_TRUE(a->info().can(Capability::write));
  EXPECT_TRUE(a->info().can(Capability::validate));
  EXPECT_TRUE(a->info().can(Capability::detect));
}

TEST(Registry, DefaultCapabilitiesRejectWithAReason) {
  FakeAdapter a("reader-only", 0);
  auto w = a.write(DocumentSet{}, Context{});
  EXPECT_EQ(w.outcome, Outcome::reject);
  ASSERT_EQ(w.diagnostics.size(), 1u);
  EXPECT_EQ(w.diagnostics[0].code, DiagCode::AdapterCannot);
}

AdapterInfo info_with_options() {
  AdapterInfo info;
  info.name = "opts";
  info.options = {
      OptionSpec{.key = "charset", .type = OptionType::choice, .default_value = "UNOC",
                 .choices = {"UNOC", "I8"}, .description = "character set"},
      OptionSpec{.key = "strict", .type = OptionType::boolean, .default_value = "false"},
      OptionSpec{.key = "max_lines", .type = OptionType::integer, .default_value = "100",
                 .min = 1, .max = 1000},
      OptionSpec{.key = "sender", .type = OptionType::string, .required = true,
                 .description = "sender IK"},
  };
  return info;
}

TEST(Options, DefaultsFillAbsentKeys) {
  auto o = validate_options(info_with_options(), {{"sender", "101575519"}});
  ASSERT_TRUE(o);
  EXPECT_EQ(o->get("charset"), "UNOC");
  EXPECT_FALSE(o->get_bool("strict"));
  EXPECT_EQ(o->get_int("max_lines"), 100);
  EXPECT_EQ(o->get("sender"), "101575519");
}

TEST(Options, EveryProblemIsReported) {
  Location where;
  where.file = "carebridge.toml";
  where.line = 12;
  auto o = validate_options(info_with_options(),
                            {{"charset", "UTF8"}, {"strict", "yes"}, {"max_lines", "5000"},
                             {"colour", "red"}},
                            where);
  ASSERT_FALSE(o);
  const auto& ds = o.error();
  ASSERT_EQ(ds.size(), 5u);  // unknown key, 3 bad values, missing required
  int unknown = 0, bad = 0;
  for (const auto& d : ds) {
    EXPECT_EQ(d.where.line, 12u);
    unknown += d.code == DiagCode::AdapterOptionUnknown ? 1 : 0;
    bad += d.code == DiagCode::AdapterOptionBad ? 1 : 0;
  }
  EXPECT_EQ(unknown, 1);
  EXPECT_EQ(bad, 4);
  EXPECT_NE(ds[0].message.find("colour"), std::string::npos);
}

TEST(Options, IntegerMustBeWhole) {
  auto o = validate_options(info_with_options(), {{"sender", "x"}, {"max_lines", "12a"}});
  ASSERT_FALSE(o);
  EXPECT_NE(o.error()[0].message.find("whole number"), std::string::npos);
}

}  // namespace
}  // namespace cb::adapters
