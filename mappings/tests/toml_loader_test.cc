#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "mappings/table_loader.h"
#include "test_support.h"

namespace cb::mappings {
namespace {

using testing::all_text;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::summary;

TableSchema unit_schema() {
  auto s = TableSchema::make("unit_test_table",
                             {
                                 Column::key_column("unit", ColumnType::code),
                                 Column::required_column("account", ColumnType::code),
                                 Column::optional_column("share", ColumnType::decimal),
                                 Column::optional_column("count", ColumnType::integer, "", "0"),
                                 Column::optional_column("internal", ColumnType::boolean),
                                 Column::optional_column("note", ColumnType::string),
                             },
                             true);
  EXPECT_TRUE(s.has_value());
  return *s;
}

Table load_ok(std::string_view text) {
  auto t = load_toml_text(text, "t.toml", unit_schema());
  if (!t) throw std::runtime_error("unexpected diagnostics:\n" + all_text(t.error()));
  return std::move(*t);
}

Diagnostics load_err(std::string_view text) {
  auto t = load_toml_text(text, "t.toml", unit_schema());
  EXPECT_FALSE(t.has_value()) << "loaded although errors were expected";
  return t ? Diagnostics{} : t.error();
}

Date d(std::string_view s) {
  return *Date::parse(s);
}

TEST(TomlLoader, RowsWithNativeAndStringValues) {
  const auto t = load_ok(R"(# units
[[row]]
unit = "U1"
account = 4010          # an integer is accepted for a code
share = 0.50            # exact: the text, not a binary double
count = 3
internal = true
valid_from = 2026-01-01
valid_to = "2026-12-31"

[[row]]
unit = "U2"
account = "4020"
share = "12,5"
valid_from = "01.01.2026"
)");
  ASSERT_EQ(t.size(), 2u);
  const Row* u1 = lookup(t, "U1", d("2026-06-01"));
  ASSERT_NE(u1, nullptr);
  EXPECT_EQ(u1->line(), 2u);
  EXPECT_EQ(u1->get_string("account"), "4010");
  EXPECT_EQ(u1->get_decimal("share")->to_string(), "0.50");
  EXPECT_EQ(u1->get_int("count"), 3);
  EXPECT_EQ(u1->get_bool("internal"), true);
  EXPECT_EQ(u1->valid_to(), d("2026-12-31"));
  const Row* u2 = lookup(t, "U2", d("2030-01-01"));
  ASSERT_NE(u2, nullptr);
  EXPECT_EQ(u2->line(), 11u);
  EXPECT_EQ(u2->get_decimal("share")->to_string(), "12.5");
  EXPECT_EQ(u2->get_int("count"), 0);  // default
  EXPECT_EQ(u2->get_bool("internal"), std::nullopt);
  EXPECT_EQ(u2->valid_to(), std::nullopt);
}

TEST(TomlLoader, EmptyDocumentIsAnEmptyTable) {
  EXPECT_TRUE(load_ok("# nothing yet\n").empty());
}

TEST(TomlLoader, SyntaxError) {
  const auto errors = load_err("[[row]]\nunit = \"U1\nacc = 1\n");
  EXPECT_THAT(summary(errors), ElementsAre(::testing::StartsWith("MAP008 t.toml:2:")));
}

TEST(TomlLoader, RowMustBeAnArrayOfTables) {
  EXPECT_THAT(summary(load_err("row = 5\n")), ElementsAre("MAP008 t.toml:1:7"));
}

TEST(TomlLoader, UnknownTopLevelKeyAndColumn) {
  const auto errors = load_err(
      "title = \"x\"\n[[row]]\nunit = \"U1\"\naccount = \"1\"\nacount = \"2\"\nvalid_from = "
      "2026-01-01\n");
  EXPECT_THAT(summary(errors), ElementsAre("MAP002 t.toml:5:1", "MAP002 t.toml:1:1"));
  EXPECT_THAT(errors[0].message, HasSubstr("'acount'"));
}

TEST(TomlLoader, ValueNotOfTheColumnType) {
  const auto errors = load_err(R"([[row]]
unit = "U 1"
account = true
share = 1.5e3
count = "many"
internal = "perhaps"
valid_from = 2026-01-01T10:00:00
)");
  EXPECT_THAT(summary(errors),
              ElementsAre("MAP004 t.toml:3:11", "MAP004 t.toml:5:9", "MAP004 t.toml:6:12",
                          "MAP004 t.toml:4:9", "MAP004 t.toml:2:8", "MAP004 t.toml:7:14"));
  EXPECT_THAT(errors[0].message, HasSubstr("TOML boolean true is not a valid code"));
  EXPECT_THAT(errors[3].message, HasSubstr("1.5e3"));
  EXPECT_THAT(errors[4].message, HasSubstr("'U 1' is not a valid code"));
  EXPECT_THAT(errors[5].message, HasSubstr("no time of day"));
}

TEST(TomlLoader, MissingMandatoryValueNamesTheRow) {
  const auto errors = load_err(
      "[[row]]\nunit = \"U1\"\nvalid_from = 2026-01-01\n\n[[row]]\nunit = \"\"\naccount = "
      "\"1\"\nvalid_from = 2026-01-01\n");
  EXPECT_THAT(summary(errors), ElementsAre("MAP009 t.toml:1:1", "MAP009 t.toml:6:8"));
  EXPECT_THAT(errors[0].message, HasSubstr("'account'"));
  EXPECT_THAT(errors[1].message, HasSubstr("'unit'"));
}

TEST(TomlLoader, DuplicateAndOverlap) {
  const auto errors = load_err(R"([[row]]
unit = "U1"
account = "1"
valid_from = 2026-01-01

[[row]]
unit = "U1"
account = "2"
valid_from = 2026-06-01
valid_to = 2026-05-31
)");
  EXPECT_THAT(summary(errors), ElementsAre("MAP011 t.toml:10:12"));
  const auto overlap = load_err(R"([[row]]
unit = "U1"
account = "1"
valid_from = 2026-01-01

[[row]]
unit = "U1"
account = "2"
valid_from = 2026-06-01
)");
  EXPECT_THAT(summary(overlap), ElementsAre("MAP006 t.toml:7:8"));
  EXPECT_THAT(overlap[0].message, HasSubstr("on line 1"));
}

TEST(TomlLoader, DuplicateKeyWithoutValidity) {
  auto schema = TableSchema::make("plain", {Column::key_column("k", ColumnType::integer)}, false);
  ASSERT_TRUE(schema);
  auto t = load_toml_text("[[row]]\nk = 7\n[[row]]\nk = \"007\"\n", "p.toml", *schema);
  ASSERT_FALSE(t);
  EXPECT_THAT(summary(t.error()), ElementsAre("MAP005 p.toml:4:5"));
  EXPECT_THAT(t.error()[0].message, HasSubstr("(7) is already defined on line 1"));
}

}  // namespace
}  // namespace cb::mappings
