#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "mappings/table_loader.h"
#include "test_support.h"

namespace cb::mappings {
namespace {

Date d(std::string_view s) {
  return *Date::parse(s);
}

Table rates() {
  auto schema = TableSchema::make("rates",
                                  {
                                      Column::key_column("country", ColumnType::code),
                                      Column::key_column("group", ColumnType::code),
                                      Column::required_column("rate", ColumnType::decimal),
                                  },
                                  true);
  auto t = load_csv_text(
      "country,group,rate,valid_from,valid_to\n"
      "DE,standard,19.00,2007-01-01,2020-06-30\n"
      "DE,standard,16.00,2020-07-01,2020-12-31\n"
      "DE,standard,19.00,2021-01-01,\n"
      "SE,standard,25.00,2007-01-01,\n",
      "rates.csv", *schema);
  if (!t) throw std::runtime_error(testing::all_text(t.error()));
  return std::move(*t);
}

std::string rate_on(const Table& t, std::string_view country, std::string_view date) {
  const Row* row = lookup(t, country, "standard", d(date));
  return row ? row->get_decimal("rate")->to_string() : "none";
}

TEST(Lookup, ValidityBoundaries) {
  const Table t = rates();
  EXPECT_EQ(rate_on(t, "DE", "2006-12-31"), "none");   // before the first valid_from
  EXPECT_EQ(rate_on(t, "DE", "2007-01-01"), "19.00");  // valid_from is inclusive
  EXPECT_EQ(rate_on(t, "DE", "2020-06-30"), "19.00");  // valid_to is inclusive
  EXPECT_EQ(rate_on(t, "DE", "2020-07-01"), "16.00");  // the day after
  EXPECT_EQ(rate_on(t, "DE", "2020-12-31"), "16.00");
  EXPECT_EQ(rate_on(t, "DE", "2021-01-01"), "19.00");
  EXPECT_EQ(rate_on(t, "DE", "9999-12-31"), "19.00");  // open end
  EXPECT_EQ(rate_on(t, "SE", "2020-07-01"), "25.00");
  EXPECT_EQ(rate_on(t, "DK", "2020-07-01"), "none");
}

TEST(Lookup, RowKnowsItsRangeAndPlace) {
  const Table t = rates();
  const Row* row = t.find({"DE", "standard"}, d("2020-08-15"));
  ASSERT_NE(row, nullptr);
  EXPECT_EQ(row->valid_from(), d("2020-07-01"));
  EXPECT_EQ(row->valid_to(), d("2020-12-31"));
  EXPECT_TRUE(row->valid_on(d("2020-12-31")));
  EXPECT_FALSE(row->valid_on(d("2021-01-01")));
  EXPECT_EQ(row->line(), 3u);
  EXPECT_EQ(row->key(), (std::vector<std::string>{"DE", "standard"}));
}

TEST(Lookup, HistoryIsOrderedByValidFrom) {
  const Table t = rates();
  const std::string_view key[] = {"DE", "standard"};
  const auto h = t.history(key);
  ASSERT_EQ(h.size(), 3u);
  EXPECT_EQ(h[0]->line(), 2u);
  EXPECT_EQ(h[1]->line(), 3u);
  EXPECT_EQ(h[2]->line(), 4u);
}

TEST(Lookup, MisuseIsADefect) {
  const Table t = rates();
  EXPECT_THROW((void)t.find({"DE", "standard"}), std::logic_error);       // needs a date
  EXPECT_THROW((void)t.find({"DE"}, d("2020-01-01")), std::logic_error);  // key arity
  const Row* row = t.find({"DE", "standard"}, d("2020-01-01"));
  ASSERT_NE(row, nullptr);
  EXPECT_THROW((void)row->get_decimal("rte"), std::logic_error);
  EXPECT_THROW((void)row->get_string("rate"), std::logic_error);
  EXPECT_THROW((void)row->get_int("rate"), std::logic_error);
}

TEST(Lookup, WithoutValidityAndTypedKeys) {
  auto schema = TableSchema::make("kinds",
                                  {
                                      Column::key_column("kind", ColumnType::integer),
                                      Column::required_column("account", ColumnType::code),
                                  },
                                  false);
  auto t = load_csv_text("kind;account\n7;1910\n12;7200\n", "kinds.csv", *schema);
  ASSERT_TRUE(t);
  EXPECT_EQ(lookup(*t, "007")->get_string("account"), "1910");  // parsed by the key's type
  EXPECT_EQ(lookup(*t, std::string("12"))->get_string("account"), "7200");
  EXPECT_EQ(lookup(*t, "x"), nullptr);
  EXPECT_EQ(lookup(*t, ""), nullptr);
  // A date is ignored for a table without validity.
  EXPECT_NE(lookup(*t, "7", d("1990-01-01")), nullptr);
}

TEST(Lookup, CopiedTablesStayUsable) {
  std::vector<Table> tables;
  tables.push_back(rates());
  tables.push_back(rates());  // reallocation moves the first table
  const Table copy = tables[0];
  EXPECT_EQ(rate_on(copy, "DE", "2020-07-01"), "16.00");
  EXPECT_EQ(rate_on(tables[1], "DE", "2020-07-01"), "16.00");
}

}  // namespace
}  // namespace cb::mappings
