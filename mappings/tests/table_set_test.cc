#include "mappings/table_set.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "mappings/builtin_tables.h"
#include "mappings/table_loader.h"
#include "test_support.h"

namespace cb::mappings {
namespace {

using testing::all_text;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::summary;
using testing::TempDir;

namespace fs = std::filesystem;

Date d(std::string_view s) {
  return *Date::parse(s);
}

const fs::path kShipped = fs::path(CAREBRIDGE_SOURCE_DIR) / "mappings" / "tables";

TableSet load_ok(const fs::path& dir, const std::optional<fs::path>& tenant = std::nullopt) {
  auto set = load_tables(dir, tenant, builtin_registry());
  if (!set) throw std::runtime_error("unexpected diagnostics:\n" + all_text(set.error()));
  return std::move(*set);
}

Diagnostics load_err(const fs::path& dir, const std::optional<fs::path>& tenant = std::nullopt) {
  auto set = load_tables(dir, tenant, builtin_registry());
  EXPECT_FALSE(set.has_value());
  return set ? Diagnostics{} : set.error();
}

// --- the shipped tables

TEST(ShippedTables, LoadWithoutDiagnostics) {
  const auto set = load_ok(kShipped);
  EXPECT_THAT(set.names(), ElementsAre("iso9999_device_area", "vat_product_group"));
  EXPECT_EQ(set.at("vat_product_group").size(), 13u);
  EXPECT_EQ(set.at("iso9999_device_area").size(), 8u);
}

std::string vat(const TableSet& set, std::string_view country, std::string_view group,
                std::string_view date) {
  const Row* row = lookup(set, "vat_product_group", country, group, d(date));
  if (row == nullptr) return "none";
  return row->get_decimal("rate")->to_string() + " " + std::string(*row->get_string("category"));
}

TEST(ShippedTables, GermanVatSwitch2020) {
  const auto set = load_ok(kShipped);
  EXPECT_EQ(vat(set, "DE", "standard", "2020-06-30"), "19.00 S");
  EXPECT_EQ(vat(set, "DE", "standard", "2020-07-01"), "16.00 S");
  EXPECT_EQ(vat(set, "DE", "standard", "2020-12-31"), "16.00 S");
  EXPECT_EQ(vat(set, "DE", "standard", "2021-01-01"), "19.00 S");
  EXPECT_EQ(vat(set, "DE", "reduced", "2020-06-30"), "7.00 S");
  EXPECT_EQ(vat(set, "DE", "reduced", "2020-07-01"), "5.00 S");
  EXPECT_EQ(vat(set, "DE", "reduced", "2020-12-31"), "5.00 S");
  EXPECT_EQ(vat(set, "DE", "reduced", "2021-01-01"), "7.00 S");
  EXPECT_EQ(vat(set, "DE", "standard", "2006-12-31"), "none");
}

TEST(ShippedTables, NordicRatesAndExemptHealthcare) {
  const auto set = load_ok(kShipped);
  EXPECT_EQ(vat(set, "SE", "standard", "2026-03-01"), "25.00 S");
  EXPECT_EQ(vat(set, "SE", "reduced", "2026-03-01"), "12.00 S");
  EXPECT_EQ(vat(set, "SE", "reduced_low", "2026-03-01"), "6.00 S");
  EXPECT_EQ(vat(set, "DK", "standard", "2026-03-01"), "25.00 S");
  EXPECT_EQ(vat(set, "DK", "reduced", "2026-03-01"), "none");
  EXPECT_EQ(vat(set, "DE", "exempt_healthcare", "2026-03-01"), "0.00 E");
  const Row* de = lookup(set, "vat_product_group", "DE", "exempt_healthcare", d("2026-03-01"));
  EXPECT_THAT(std::string(*de->get_string("exemption_reason")), HasSubstr("§4 Nr. 14 UStG"));
  EXPECT_EQ(de->get_string("vatex"), "VATEX-EU-132-1C");
  EXPECT_EQ(vat(set, "SE", "exempt_healthcare", "2026-03-01"), "0.00 E");
  EXPECT_EQ(vat(set, "DK", "exempt_healthcare", "2026-03-01"), "0.00 E");
}

TEST(ShippedTables, Iso9999DeviceAreas) {
  const auto set = load_ok(kShipped);
  const Table& iso = set.at("iso9999_device_area");
  EXPECT_EQ(lookup(iso, "04")->get_string("device_area"), "personal medical treatment");
  EXPECT_EQ(lookup(iso, "06")->get_string("iso_title"), "Orthoses and prostheses");
  EXPECT_EQ(lookup(iso, "12")->get_string("device_area"), "personal mobility");
  EXPECT_EQ(lookup(iso, "22")->get_string("device_area"), "communication and information");
  EXPECT_EQ(lookup(iso, "4"), nullptr);  // a code, not a number
  EXPECT_EQ(lookup(set, "no_such_table", "x"), nullptr);
  EXPECT_THROW((void)set.at("no_such_table"), std::out_of_range);
}

// --- tenant overrides

constexpr std::string_view kBaseAccounts =
    "line_kind,account,description\n"
    "fee,1910,base fee\n"
    "refund,2910,base refund\n";
constexpr std::string_view kBaseUnits =
    "unit,ansvar,motpart,account,valid_from,valid_to\n"
    "U1,A1,M1,4010,2020-01-01,2023-12-31\n"
    "U1,A1,M2,4010,2024-01-01,\n"
    "U2,A2,M1,4020,2020-01-01,2025-12-31\n"
    "U9,A9,M9,4090,2020-01-01,\n";

TEST(TenantOverride, ReplacesARowAndAddsANewKey) {
  TempDir tmp;
  tmp.write("base/dk_settlement_account.csv", kBaseAccounts);
  tmp.write("tenant/dk_settlement_account.csv", "line_kind;account\nfee;1999\ninterest;8400\n");
  const auto set = load_ok(tmp.path() / "base", tmp.path() / "tenant");
  const Table& t = set.at("dk_settlement_account");
  EXPECT_EQ(t.size(), 3u);
  const Row* fee = lookup(t, "fee");
  EXPECT_EQ(fee->get_string("account"), "1999");
  EXPECT_EQ(fee->get_string("description"), std::nullopt);  // the tenant row replaces the whole row
  EXPECT_EQ(fee->file(), (tmp.path() / "tenant" / "dk_settlement_account.csv").string());
  EXPECT_EQ(lookup(t, "refund")->get_string("account"), "2910");
  EXPECT_EQ(lookup(t, "interest")->get_string("account"), "8400");
  EXPECT_EQ(t.files().size(), 2u);
}

TEST(TenantOverride, ValidityTablesReplaceAKeyOnlyWhenRangesOverlap) {
  TempDir tmp;
  tmp.write("base/unit_bookkeeping.csv", kBaseUnits);
  tmp.write("tenant/unit_bookkeeping.toml", R"(
[[row]]   # overlaps U1's open range: all base rows of U1 go
unit = "U1"
motpart = "T1"
account = "5010"
valid_from = 2025-01-01

[[row]]   # after U2's last base range: added to U2's history
unit = "U2"
motpart = "T2"
account = "5020"
valid_from = 2026-01-01

[[row]]   # a new key
unit = "U3"
motpart = "T3"
account = "5030"
valid_from = 2026-01-01
)");
  const auto set = load_ok(tmp.path() / "base", tmp.path() / "tenant");
  const Table& t = set.at("unit_bookkeeping");
  // U1: the tenant's rows win for the key entirely, also before 2025.
  EXPECT_EQ(lookup(t, "U1", d("2021-06-01")), nullptr);
  EXPECT_EQ(lookup(t, "U1", d("2024-06-01")), nullptr);
  EXPECT_EQ(lookup(t, "U1", d("2025-01-01"))->get_string("account"), "5010");
  EXPECT_EQ(lookup(t, "U1", d("2025-01-01"))->get_string("ansvar"), std::nullopt);
  // U2: the base history stays, the tenant adds a later range.
  EXPECT_EQ(lookup(t, "U2", d("2025-12-31"))->get_string("account"), "4020");
  EXPECT_EQ(lookup(t, "U2", d("2026-01-01"))->get_string("account"), "5020");
  EXPECT_EQ(lookup(t, "U3", d("2026-01-01"))->get_string("motpart"), "T3");
  EXPECT_EQ(lookup(t, "U9", d("2026-01-01"))->get_string("account"), "4090");
  EXPECT_EQ(t.size(), 5u);
}

TEST(TenantOverride, TenantMayHoldATableTheBaseLacks) {
  TempDir tmp;
  tmp.write("base/dk_settlement_account.csv", kBaseAccounts);
  tmp.write("tenant/item_hmv.csv", "item,hmv_number,valid_from\nART-1,1234567890,2026-01-01\n");
  const auto set = load_ok(tmp.path() / "base", tmp.path() / "tenant");
  EXPECT_EQ(lookup(set, "item_hmv", "ART-1", d("2026-02-01"))->get_string("hmv_number"),
            "1234567890");
}

TEST(TenantOverride, TenantFilesAreValidatedTheSameWay) {
  TempDir tmp;
  tmp.write("base/dk_settlement_account.csv", kBaseAccounts);
  tmp.write("tenant/dk_settlement_account.csv", "line_kind,account,colour\nfee,,red\nfee,1,blue\n");
  const auto errors = load_err(tmp.path() / "base", tmp.path() / "tenant");
  const auto file = (tmp.path() / "tenant" / "dk_settlement_account.csv").string();
  EXPECT_THAT(summary(errors), ElementsAre("MAP002 " + file + ":1:19", "MAP009 " + file + ":2:5"));
}

// --- directories, schema files, file errors

TEST(TableDirectory, CustomerTableDeclaredInASchemaFile) {
  TempDir tmp;
  tmp.write("tables/README.md", "ignored\n");
  tmp.write("tables/cost_center.schema.toml", R"(name = "cost_center"
validity = true
[[column]]
name = "unit"
type = "code"
key = true
[[column]]
name = "cost_center"
type = "code"
required = true
)");
  tmp.write("tables/cost_center.csv", "unit,cost_center,valid_from\nU1,KST-100,2026-01-01\n");
  tmp.write("tenant/cost_center.csv", "unit,cost_center,valid_from\nU1,KST-200,2026-01-01\n");
  const auto set = load_ok(tmp.path() / "tables", tmp.path() / "tenant");
  EXPECT_EQ(lookup(set, "cost_center", "U1", d("2026-01-01"))->get_string("cost_center"),
            "KST-200");
  EXPECT_NE(set.schemas().find("cost_center"), nullptr);
  EXPECT_NE(set.schemas().find("vat_product_group"), nullptr);
}

TEST(TableDirectory, TenantMayDeclareItsOwnTable) {
  TempDir tmp;
  tmp.write("base/dk_settlement_account.csv", kBaseAccounts);
  tmp.write("tenant/region.schema.toml",
            "name = \"region\"\n[[column]]\nname = \"code\"\ntype = \"code\"\nkey = true\n");
  tmp.write("tenant/region.toml", "[[row]]\ncode = \"SE-M\"\n");
  const auto set = load_ok(tmp.path() / "base", tmp.path() / "tenant");
  EXPECT_NE(lookup(set, "region", "SE-M"), nullptr);
}

TEST(TableDirectory, UnknownTable) {
  TempDir tmp;
  const auto p = tmp.write("t/price_list.csv", "a,b\n1,2\n");
  const auto errors = load_err(tmp.path() / "t");
  EXPECT_THAT(summary(errors), ElementsAre("MAP010 " + p.string()));
  EXPECT_THAT(errors[0].hint, HasSubstr("price_list.schema.toml"));
}

TEST(TableDirectory, OneFilePerTable) {
  TempDir tmp;
  tmp.write("t/dk_settlement_account.csv", kBaseAccounts);
  const auto p = tmp.write("t/dk_settlement_account.toml", "");
  const auto errors = load_err(tmp.path() / "t");
  EXPECT_THAT(summary(errors), ElementsAre("MAP013 " + p.string()));
}

TEST(TableDirectory, SchemaFileErrors) {
  TempDir tmp;
  const auto redeclared = tmp.write(
      "t/vat_product_group.schema.toml",
      "name = \"vat_product_group\"\n[[column]]\nname = \"k\"\ntype = \"code\"\nkey = true\n");
  const auto misnamed =
      tmp.write("t/other.schema.toml",
                "name = \"another\"\n[[column]]\nname = \"k\"\ntype = \"code\"\nkey = true\n");
  const auto errors = load_err(tmp.path() / "t");
  EXPECT_THAT(summary(errors),
              ElementsAre("MAP012 " + misnamed.string(), "MAP012 " + redeclared.string()));
}

TEST(TableDirectory, MissingDirectory) {
  TempDir tmp;
  EXPECT_THAT(summary(load_err(tmp.path() / "nope")),
              ElementsAre("MAP001 " + (tmp.path() / "nope").string()));
  EXPECT_THAT(summary(load_err(kShipped, tmp.path() / "no_tenant")),
              ElementsAre("MAP001 " + (tmp.path() / "no_tenant").string()));
}

TEST(TableDirectory, ErrorsOfAllFilesAreCollected) {
  TempDir tmp;
  const auto a = tmp.write("t/dk_settlement_account.csv", "line_kind,account\nfee,1\nfee,2\n");
  const auto b = tmp.write("t/iso9999_device_area.toml", "[[row]]\niso_class = \"04\"\n");
  const auto errors = load_err(tmp.path() / "t");
  EXPECT_THAT(summary(errors),
              ElementsAre("MAP005 " + a.string() + ":3:1", "MAP009 " + b.string() + ":1:1"));
}

TEST(TableFile, ExtensionDecidesTheFormat) {
  TempDir tmp;
  const auto schema = builtin_registry().get("dk_settlement_account");
  const auto csv = tmp.write("a.csv", kBaseAccounts);
  EXPECT_TRUE(load_table_file(csv, *schema));
  const auto txt = tmp.write("a.txt", kBaseAccounts);
  EXPECT_THAT(summary(load_table_file(txt, *schema).error()),
              ElementsAre("MAP010 " + txt.string()));
  EXPECT_THAT(summary(load_table_file(tmp.path() / "gone.csv", *schema).error()),
              ElementsAre("MAP001 " + (tmp.path() / "gone.csv").string()));
}

}  // namespace
}  // namespace cb::mappings
