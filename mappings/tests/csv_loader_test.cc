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

TableSchema price_schema() {
  auto s = TableSchema::make("item_price",
                             {
                                 Column::key_column("item", ColumnType::code),
                                 Column::required_column("price", ColumnType::decimal),
                                 Column::optional_column("label", ColumnType::string),
                                 Column::optional_column("pieces", ColumnType::integer, "", "1"),
                                 Column::optional_column("active", ColumnType::boolean, "", "yes"),
                                 Column::optional_column("since", ColumnType::date),
                             },
                             false);
  EXPECT_TRUE(s.has_value());
  return *s;
}

TableSchema rate_schema() {
  auto s = TableSchema::make("rates",
                             {
                                 Column::key_column("country", ColumnType::code),
                                 Column::key_column("group", ColumnType::code),
                                 Column::required_column("rate", ColumnType::decimal),
                             },
                             true);
  EXPECT_TRUE(s.has_value());
  return *s;
}

Table load_ok(std::string_view text, const TableSchema& schema) {
  auto t = load_csv_text(text, "t.csv", schema);
  if (!t) throw std::runtime_error("unexpected diagnostics:\n" + all_text(t.error()));
  return std::move(*t);
}

Diagnostics load_err(std::string_view text, const TableSchema& schema) {
  auto t = load_csv_text(text, "t.csv", schema);
  EXPECT_FALSE(t.has_value()) << "loaded although errors were expected";
  return t ? Diagnostics{} : t.error();
}

TEST(CsvLoader, TypedValuesAndDefaults) {
  const auto t = load_ok(
      "item,price,label,pieces,active,since\n"
      "A-1,12.50,Rollator,4,no,2026-01-31\n"
      "B/2,7,,,,\n",
      price_schema());
  ASSERT_EQ(t.size(), 2u);
  const Row* a = t.find({"A-1"});
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->get_decimal("price")->to_string(), "12.50");
  EXPECT_EQ(a->get_string("label"), "Rollator");
  EXPECT_EQ(a->get_int("pieces"), 4);
  EXPECT_EQ(a->get_bool("active"), false);
  EXPECT_EQ(a->get_date("since")->to_string(), "2026-01-31");
  EXPECT_EQ(a->line(), 2u);
  EXPECT_EQ(a->file(), "t.csv");
  const Row* b = t.find({"B/2"});
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->get_string("label"), std::nullopt);  // empty, no default
  EXPECT_EQ(b->get_int("pieces"), 1);               // default
  EXPECT_EQ(b->get_bool("active"), true);           // default
  EXPECT_TRUE(b->is_empty("pieces"));
  EXPECT_EQ(b->get_date("since"), std::nullopt);
  EXPECT_EQ(t.find({"C"}), nullptr);
}

TEST(CsvLoader, OptionalColumnsMayBeLeftOut) {
  const auto t = load_ok("price,item\n3,X\n", price_schema());
  EXPECT_EQ(t.find({"X"})->get_int("pieces"), 1);
}

TEST(CsvLoader, QuotingEdgeCases) {
  const auto t = load_ok(
      "item,label,price\n"
      "q1,\"a, b\",1\n"            // separator inside quotes
      "q2,\"say \"\"hi\"\"\",1\n"  // doubled quotes
      "q3,\"two\nlines\",1\n"      // newline inside quotes
      "q4,\"\",1\n"                // empty quoted field
      "q5,  \"padded\"  ,1\n"      // blanks around a quoted field
      "q6,  unquoted  ,1\n"        // unquoted fields are trimmed
      "q7,\"  kept  \",1\n"        // quoted blanks are kept
      "\"q8\",\"\"\"\",\"2\"\n",   // only a quote; quoted number
      price_schema());
  EXPECT_EQ(t.find({"q1"})->get_string("label"), "a, b");
  EXPECT_EQ(t.find({"q2"})->get_string("label"), "say \"hi\"");
  EXPECT_EQ(t.find({"q3"})->get_string("label"), "two\nlines");
  EXPECT_EQ(t.find({"q4"})->get_string("label"), std::nullopt);
  EXPECT_EQ(t.find({"q5"})->get_string("label"), "padded");
  EXPECT_EQ(t.find({"q6"})->get_string("label"), "unquoted");
  EXPECT_EQ(t.find({"q7"})->get_string("label"), "  kept  ");
  EXPECT_EQ(t.find({"q8"})->get_string("label"), "\"");
  EXPECT_EQ(t.find({"q8"})->get_decimal("price")->to_string(), "2");
  // The record after the two-line field starts on line 6.
  EXPECT_EQ(t.find({"q4"})->line(), 6u);
}

TEST(CsvLoader, BomCrlfAndSemicolon) {
  const auto t = load_ok(
      "\xEF\xBB\xBFitem;price;label\r\n"
      "A;12,50;\"x;y\r\nz\"\r\n"
      "B;3.5;plain\r\n",
      price_schema());
  EXPECT_EQ(t.find({"A"})->get_decimal("price")->to_string(), "12.50");
  EXPECT_EQ(t.find({"A"})->get_string("label"), "x;y\nz");  // CRLF inside quotes → LF
  EXPECT_EQ(t.find({"B"})->get_string("label"), "plain");   // no trailing CR
  EXPECT_EQ(t.find({"B"})->line(), 4u);
}

TEST(CsvLoader, SeparatorIsDetectedFromTheHeaderOnly) {
  // The header decides: ';' here, so the commas of the data rows are text.
  const auto t = load_ok("item;price;label\nA;1;x,y,z\n", price_schema());
  EXPECT_EQ(t.find({"A"})->get_string("label"), "x,y,z");
  // A comma header keeps semicolons as text.
  const auto u = load_ok("item,price,label\nA,1,x;y\n", price_schema());
  EXPECT_EQ(u.find({"A"})->get_string("label"), "x;y");
}

TEST(CsvLoader, CommentAndBlankLines) {
  const auto t = load_ok(
      "# item prices\n"
      "\n"
      "item,price\n"
      "# a comment between rows\n"
      "   \n"
      "A,1\n",
      price_schema());
  EXPECT_EQ(t.size(), 1u);
  EXPECT_EQ(t.find({"A"})->line(), 6u);
  // Only a '#' at the start of a line opens a comment: a quoted "#B" is a record
  // (and not a valid code).
  const auto errors = load_err("item,price\n\"#B\",2\n", price_schema());
  EXPECT_THAT(summary(errors), ElementsAre("MAP004 t.csv:2:1"));
}

TEST(CsvLoader, HeaderOnlyIsAnEmptyTable) {
  EXPECT_TRUE(load_ok("item,price\n", price_schema()).empty());
}

TEST(CsvLoader, EmptyFileHasNoHeader) {
  const auto errors = load_err("# only a comment\n", price_schema());
  EXPECT_THAT(summary(errors), ElementsAre("MAP007 t.csv:2"));
}

TEST(CsvLoader, UnterminatedQuoteNamesTheOpeningQuote) {
  const auto errors =
      load_err("item,price,label\nA,1,ok\nB,2,\"never closed\nC,3,x\n", price_schema());
  EXPECT_THAT(summary(errors), ElementsAre("MAP007 t.csv:3:5"));
  EXPECT_THAT(errors[0].message, HasSubstr("not closed"));
}

TEST(CsvLoader, TextAfterClosingQuote) {
  const auto errors = load_err("item,label,price\nA,\"ab\"c,1\nB,ok,1\n", price_schema());
  EXPECT_THAT(summary(errors), ElementsAre("MAP007 t.csv:2:7"));
}

TEST(CsvLoader, QuoteInsideUnquotedField) {
  const auto errors = load_err("item,label,price\nA,5\" tube,1\n", price_schema());
  EXPECT_THAT(summary(errors), ElementsAre("MAP007 t.csv:2:4"));
}

TEST(CsvLoader, WrongFieldCount) {
  const auto errors = load_err("item,price\nA,1,extra\nB\nC,3\n", price_schema());
  // Too many: the first surplus field; too few: the record's start.
  EXPECT_THAT(summary(errors), ElementsAre("MAP007 t.csv:2:5", "MAP007 t.csv:3:1"));
  EXPECT_THAT(errors[0].message, HasSubstr("3 fields, the header has 2"));
}

TEST(CsvLoader, DuplicateHeaderColumn) {
  const auto errors = load_err("item,price,price\n", price_schema());
  EXPECT_THAT(summary(errors), ElementsAre("MAP007 t.csv:1:12"));
}

TEST(CsvLoader, UnknownColumn) {
  const auto errors = load_err("item,prise,price\nA,1,2\n", price_schema());
  EXPECT_THAT(summary(errors), ElementsAre("MAP002 t.csv:1:6"));
  EXPECT_THAT(errors[0].message, HasSubstr("'prise'"));
}

TEST(CsvLoader, MissingMandatoryColumn) {
  const auto errors = load_err("# c\nitem,label\nA,x\n", price_schema());
  EXPECT_THAT(summary(errors), ElementsAre("MAP003 t.csv:2"));
  EXPECT_THAT(errors[0].message, HasSubstr("'price'"));
}

TEST(CsvLoader, ValueNotOfTheColumnType) {
  const auto errors = load_err(
      "item,price,pieces,active,since\n"
      "A,1.2.3,x,maybe,2026-02-30\n"
      "B C,1,,,\n",
      price_schema());
  EXPECT_THAT(summary(errors),
              ElementsAre("MAP004 t.csv:2:3", "MAP004 t.csv:2:9", "MAP004 t.csv:2:11",
                          "MAP004 t.csv:2:17", "MAP004 t.csv:3:1"));
  EXPECT_THAT(errors[0].message, HasSubstr("'1.2.3' is not a valid decimal"));
  EXPECT_THAT(errors[1].message, HasSubstr("'x' is not a valid integer"));
  EXPECT_THAT(errors[2].message, HasSubstr("'maybe' is not a valid bool"));
  EXPECT_THAT(errors[3].message, HasSubstr("'2026-02-30' is not a valid date"));
  EXPECT_THAT(errors[4].message, HasSubstr("'B C' is not a valid code"));
}

TEST(CsvLoader, CodeTokenAcceptsParagraphSign) {
  EXPECT_NE(load_ok("item,price\n§4-14:a/b.c_d,0\n", price_schema()).find({"§4-14:a/b.c_d"}),
            nullptr);
}

TEST(CsvLoader, ColumnCountsCharactersNotBytes) {
  // "Gehstütze" has 9 characters and 10 bytes: the price field starts at column 13.
  const auto errors = load_err("item,label,price\nA,Gehstütze,x\n", price_schema());
  EXPECT_THAT(summary(errors), ElementsAre("MAP004 t.csv:2:13"));
}

TEST(CsvLoader, BomIsNotCounted) {
  const auto errors = load_err("\xEF\xBB\xBFitem,bogus\n", price_schema());
  EXPECT_THAT(summary(errors), ElementsAre("MAP002 t.csv:1:6", "MAP003 t.csv:1"));
}

TEST(CsvLoader, PositionsAfterAMultiLineField) {
  const auto errors = load_err("item,label,price\nA,\"x\ny\",bad\n", price_schema());
  EXPECT_THAT(summary(errors), ElementsAre("MAP004 t.csv:3:4"));
}

TEST(CsvLoader, DuplicateKeyNamesTheFirstLine) {
  const auto errors = load_err("item,price\nA,1\nB,2\nA,3\n", price_schema());
  EXPECT_THAT(summary(errors), ElementsAre("MAP005 t.csv:4:1"));
  EXPECT_THAT(errors[0].message, HasSubstr("(A) is already defined on line 2"));
}

TEST(CsvLoader, MissingMandatoryValue) {
  const auto errors = load_err("item,price\n,1\nB,\"\"\n", price_schema());
  EXPECT_THAT(summary(errors), ElementsAre("MAP009 t.csv:2:1", "MAP009 t.csv:3:3"));
  EXPECT_THAT(errors[1].message, HasSubstr("'price'"));
}

TEST(CsvLoader, ValidToBeforeValidFrom) {
  const auto errors = load_err(
      "country,group,rate,valid_from,valid_to\nDE,s,19,2021-01-01,2020-12-31\n", rate_schema());
  EXPECT_THAT(summary(errors), ElementsAre("MAP011 t.csv:2:20"));
}

TEST(CsvLoader, OverlappingValidityNamesBothLines) {
  const auto errors = load_err(
      "country,group,rate,valid_from,valid_to\n"
      "DE,s,19,2007-01-01,2020-06-30\n"
      "DE,s,16,2020-06-30,2020-12-31\n"  // overlaps line 2 on 2020-06-30
      "DE,r,7,2007-01-01,\n"
      "DE,s,19,2021-01-01,\n"
      "DE,r,5,2020-07-01,2020-12-31\n",  // inside the open range of line 4
      rate_schema());
  EXPECT_THAT(summary(errors), ElementsAre("MAP006 t.csv:6:1", "MAP006 t.csv:3:1"));
  EXPECT_THAT(errors[0].message, HasSubstr("on line 4"));
  EXPECT_THAT(errors[1].message,
              HasSubstr("2020-06-30..2020-12-31 overlaps 2007-01-01..2020-06-30 on line 2"));
}

TEST(CsvLoader, AdjacentRangesDoNotOverlap) {
  const auto t = load_ok(
      "country,group,rate,valid_from,valid_to\n"
      "DE,s,19,2007-01-01,2020-06-30\n"
      "DE,s,16,2020-07-01,2020-12-31\n"
      "DE,s,19,2021-01-01,\n",
      rate_schema());
  EXPECT_EQ(t.size(), 3u);
}

TEST(CsvLoader, ValidFromIsMandatoryValidToIsNot) {
  const auto errors = load_err("country,group,rate\nDE,s,19\n", rate_schema());
  EXPECT_THAT(summary(errors), ElementsAre("MAP003 t.csv:1"));
  EXPECT_THAT(errors[0].message, HasSubstr("valid_from"));
}

TEST(CsvLoader, CollectsEveryErrorOfTheFile) {
  const auto errors = load_err(
      "country,group,rate,valid_from,valid_to,bogus\n"
      "DE,s,x,2020-01-01,,1\n"
      "DE,s,1,,,1\n"
      "SE,s,1,2020-01-01,2019-01-01,1\n"
      "DK,s,1,2020-01-01,,1\n"
      "DK,s,1,2020-01-01,,1\n"
      "NO,s,1\n",
      rate_schema());
  EXPECT_THAT(summary(errors),
              ElementsAre("MAP002 t.csv:1:40", "MAP004 t.csv:2:6", "MAP007 t.csv:7:1",
                          "MAP009 t.csv:3:8", "MAP011 t.csv:4:19", "MAP006 t.csv:6:1"));
}

TEST(CsvLoader, InvalidUtf8) {
  const auto errors = load_err("item,price\nA\xFF,1\n", price_schema());
  EXPECT_THAT(summary(errors), ElementsAre("MAP007 t.csv:2:2"));
}

TEST(CsvLoader, DiagnosticTextIsComplete) {
  const auto errors = load_err("item,price\nA,abc\n", price_schema());
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_THAT(
      errors[0].to_string(),
      ::testing::StartsWith("t.csv:2:3: error MAP004 (value does not fit the column type): column "
                            "'price': 'abc' is not a valid decimal"));
}

}  // namespace
}  // namespace cb::mappings
