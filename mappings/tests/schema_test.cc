#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "mappings/builtin_tables.h"
#include "mappings/table_loader.h"
#include "test_support.h"

namespace cb::mappings {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::summary;

TEST(TableSchema, ValidityAddsTwoDateColumns) {
  auto s = TableSchema::make("t", {Column::key_column("k", ColumnType::code)}, true);
  ASSERT_TRUE(s);
  ASSERT_EQ(s->columns().size(), 3u);
  EXPECT_EQ(s->column(s->valid_from_index()).name, "valid_from");
  EXPECT_TRUE(s->is_mandatory(s->valid_from_index()));
  EXPECT_EQ(s->column(s->valid_to_index()).name, "valid_to");
  EXPECT_FALSE(s->is_mandatory(s->valid_to_index()));
  EXPECT_EQ(s->key_columns(), std::vector<std::size_t>{0});
}

TEST(TableSchema, DeclarationErrors) {
  auto s = TableSchema::make("Bad-Name",
                             {
                                 Column::optional_column("x", ColumnType::integer, "", "abc"),
                                 Column::optional_column("x", ColumnType::string),
                                 Column::optional_column("valid_to", ColumnType::date),
                             },
                             false);
  ASSERT_FALSE(s);
  std::string all;
  for (const auto& d : s.error()) {
    EXPECT_EQ(d.code, DiagCode::MapBadSchema);
    all += d.message + "\n";
  }
  EXPECT_THAT(all, HasSubstr("table name"));
  EXPECT_THAT(all, HasSubstr("'x' is declared twice"));
  EXPECT_THAT(all, HasSubstr("'valid_to' is reserved"));
  EXPECT_THAT(all, HasSubstr("default of column 'x'"));
  EXPECT_THAT(all, HasSubstr("no key column"));
}

TEST(TableSchema, KeyColumnCannotHaveADefault) {
  auto c = Column::key_column("k", ColumnType::code);
  c.default_text = "A";
  EXPECT_FALSE(TableSchema::make("t", {c}, false));
}

TEST(TableSchema, ParseValueTypes) {
  EXPECT_EQ(std::get<std::int64_t>(*parse_value("+42", ColumnType::integer)), 42);
  EXPECT_EQ(std::get<std::int64_t>(*parse_value("-9223372036854775808", ColumnType::integer)),
            INT64_MIN);
  EXPECT_FALSE(parse_value("9223372036854775808", ColumnType::integer));
  EXPECT_FALSE(parse_value("+-1", ColumnType::integer));
  EXPECT_FALSE(parse_value("1 000", ColumnType::integer));
  EXPECT_TRUE(std::get<bool>(*parse_value("YES", ColumnType::boolean)));
  EXPECT_FALSE(std::get<bool>(*parse_value("0", ColumnType::boolean)));
  EXPECT_TRUE(std::holds_alternative<std::monostate>(*parse_value("", ColumnType::decimal)));
  EXPECT_EQ(canonical_text(*parse_value("19.00", ColumnType::decimal)), "19");
  EXPECT_EQ(canonical_text(*parse_value("31.01.2026", ColumnType::date)), "2026-01-31");
  EXPECT_FALSE(parse_value("a b", ColumnType::code));
  EXPECT_FALSE(parse_value("ä", ColumnType::code));
  EXPECT_EQ(to_string(ColumnType::boolean), "bool");
  EXPECT_EQ(column_type_from_string("code"), ColumnType::code);
  EXPECT_EQ(column_type_from_string("float"), std::nullopt);
}

TEST(SchemaRegistry, DuplicateNameIsAnError) {
  SchemaRegistry r = builtin_registry();
  EXPECT_EQ(r.size(), 6u);
  auto again =
      TableSchema::make("vat_product_group", {Column::key_column("k", ColumnType::code)}, false);
  ASSERT_TRUE(again);
  auto added = r.add(std::move(*again));
  ASSERT_FALSE(added);
  EXPECT_EQ(added.error().code, DiagCode::MapBadSchema);
  EXPECT_NE(r.find("iso9999_device_area"), nullptr);
  EXPECT_EQ(r.find("nope"), nullptr);
}

TEST(SchemaToml, ParsesADeclaration) {
  auto s = parse_schema_toml(R"(name = "cost_center"
description = "unit → cost center"
validity = true

[[column]]
name = "unit"
type = "code"
key = true

[[column]]
name = "cost_center"
type = "code"
required = true
description = "Kostenstelle"

[[column]]
name = "weight"
type = "integer"
default = 1
)",
                             "cost_center.schema.toml");
  ASSERT_TRUE(s) << testing::all_text(s.error());
  EXPECT_EQ(s->name(), "cost_center");
  EXPECT_TRUE(s->has_validity());
  ASSERT_EQ(s->columns().size(), 5u);
  EXPECT_TRUE(s->column(0).key);
  EXPECT_TRUE(s->column(1).required);
  EXPECT_EQ(std::get<std::int64_t>(s->column(2).default_value), 1);
}

TEST(SchemaToml, Errors) {
  auto s = parse_schema_toml(R"(name = "x"
colour = "red"
[[column]]
name = "k"
type = "text"
key = "yes"
[[column]]
type = "code"
unique = true
)",
                             "x.schema.toml");
  ASSERT_FALSE(s);
  EXPECT_THAT(summary(s.error()),
              ElementsAre("MAP012 x.schema.toml:2:1", "MAP012 x.schema.toml:6:7",
                          "MAP012 x.schema.toml:5:8", "MAP012 x.schema.toml:9:1",
                          "MAP012 x.schema.toml:7:1"));
  auto syntax = parse_schema_toml("name = \n", "y.schema.toml");
  ASSERT_FALSE(syntax);
  EXPECT_EQ(syntax.error()[0].code, DiagCode::MapTomlSyntax);
  EXPECT_EQ(syntax.error()[0].where.line, 1u);
  auto nameless =
      parse_schema_toml("[[column]]\nname = \"k\"\ntype = \"code\"\nkey = true\n", "z.schema.toml");
  ASSERT_FALSE(nameless);
  EXPECT_THAT(nameless.error()[0].message, HasSubstr("no 'name'"));
  auto inconsistent = parse_schema_toml("name = \"z\"\n[[column]]\nname = \"k\"\ntype = \"code\"\n",
                                        "z.schema.toml");
  ASSERT_FALSE(inconsistent);
  EXPECT_THAT(inconsistent.error()[0].message, HasSubstr("no key column"));
  EXPECT_EQ(inconsistent.error()[0].where.line, 1u);
}

}  // namespace
}  // namespace cb::mappings
