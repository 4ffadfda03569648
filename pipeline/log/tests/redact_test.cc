#include "pipeline/log/redact.h"

#include <gtest/gtest.h>

namespace cb::log {
namespace {

const auto kKey = std::make_shared<const Pseudonymizer>("test-installation-key-0123456789");

std::string r(std::string_view text) {
  return Redactor(kKey).redact(text);
}

bool is_token(std::string_view s, std::string_view label) {
  if (s.size() != label.size() + 3 + Pseudonymizer::kTokenHexDigits) return false;
  if (s.front() != '[' || s.back() != ']' || s.substr(1, label.size()) != label ||
      s[label.size() + 1] != ':')
    return false;
  for (char c : s.substr(label.size() + 2, Pseudonymizer::kTokenHexDigits))
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

IdKind only_kind(std::string_view text) {
  auto m = find_identifiers(text);
  EXPECT_EQ(m.size(), 1u) << text;
  return m.empty() ? IdKind::name : m[0].kind;
}

TEST(Redact, FindsKvnr) {
  EXPECT_EQ(only_kind("insured A123456780 billed"), IdKind::kvnr);
  EXPECT_EQ(only_kind("kvnr=A123456780"), IdKind::kvnr);
  EXPECT_EQ(only_kind("(Z987654321)"), IdKind::kvnr);
  EXPECT_EQ(only_kind("A123456780"), IdKind::kvnr);
  const std::string out = r("insured A123456780 billed");
  EXPECT_EQ(out.find("A123456780"), std::string::npos);
  EXPECT_TRUE(is_token(out.substr(8, 15), "kvnr")) << out;
}

TEST(Redact, FindsEveryPersonnummerForm) {
  for (const char* form : {"811218-9876", "811218+9876", "8112189876", "19811218-9876",
                           "198112189876", "640823-3234", "811278-9876"}) {
    SCOPED_TRACE(form);
    EXPECT_EQ(only_kind(std::string("pnr ") + form + "."), IdKind::personnummer);
  }
}

TEST(Redact, PersonnummerFormsShareOneToken) {
  const std::string t = r("811218-9876");
  EXPECT_TRUE(is_token(t, "pnr")) << t;
  EXPECT_EQ(r("8112189876"), t);
  EXPECT_EQ(r("19811218-9876"), t);
  EXPECT_EQ(r("198112189876"), t);
  EXPECT_EQ(r("811218+9876"), t);
}

TEST(Redact, FindsCpr) {
  EXPECT_EQ(only_kind("cpr 241245-1234"), IdKind::cpr);
  EXPECT_EQ(only_kind("CPR: 010190-1234,"), IdKind::cpr);
  EXPECT_TRUE(is_token(r("241245-1234"), "cpr")) << r("241245-1234");
}

TEST(Redact, LeavesOtherNumbersAlone) {
  for (const char* text : {
           "IK 261101015 and 109519005",  // institution codes, 9 digits
           "date 2026-01-31, 31.01.2026, 20260131, 2026-01-31T12:00:00Z",
           "total EUR 1234.56, 1.234,56, 1234567890.50, SEK 8112189876.00",
           "Hilfsmittelnummer 1812345678",  // no valid date in it
           "message msg-3f6c9a2e-1b4d-4e8f-9a7c-2d5e8f1a3b6c, M-2026-000123",
           "timestamp 202601311200 and 20260131120000",
           "range 2026-01-01/2026-01-31, phone +46 70 123 45 67",
           "order WS0001234567, invoice R1234567890X, hash a123456780",
           "DTA file BK06Q325.ke0, position 12:3",
           "ref 811218-98765 and 8112189876543",  // longer numbers
       }) {
    EXPECT_EQ(r(text), text);
    EXPECT_TRUE(find_identifiers(text).empty()) << text;
  }
}

TEST(Redact, TokensAreStableAndKeyed) {
  const Redactor a(kKey);
  const Redactor b(std::make_shared<const Pseudonymizer>("another-installation-key-987654"));
  EXPECT_EQ(a.redact("A123456780"), a.redact("A123456780"));
  EXPECT_NE(a.redact("A123456780"), a.redact("A123456781"));
  EXPECT_NE(a.redact("A123456780"), b.redact("A123456780"));
}

TEST(Redact, WithoutKeySaysRedacted) {
  const Redactor none(nullptr);
  EXPECT_EQ(none.redact("x A123456780 y 241245-1234"), "x [kvnr:redacted] y [cpr:redacted]");
}

TEST(Redact, ManyInOneLine) {
  const std::string line = "A123456780, 811218-9876; 241245-1234 done";
  const std::string out = r(line);
  EXPECT_EQ(find_identifiers(line).size(), 3u);
  EXPECT_EQ(out.find("A123456780"), std::string::npos);
  EXPECT_EQ(out.find("-9876"), std::string::npos);
  EXPECT_EQ(out.find("-1234"), std::string::npos);
  EXPECT_NE(out.find(" done"), std::string::npos);
}

TEST(Pseudonym, NormalizesNames) {
  EXPECT_EQ(normalize_identifier(IdKind::name, "  Anna   SVENSSON "), "anna svensson");
  EXPECT_EQ(kKey->token(IdKind::name, "Anna Svensson"),
            kKey->token(IdKind::name, "anna  svensson"));
  EXPECT_EQ(normalize_identifier(IdKind::kvnr, "a 123456780"), "A123456780");
  EXPECT_EQ(normalize_identifier(IdKind::personnummer, "19811218-9876"), "8112189876");
}

TEST(Pseudonym, GeneratedKeysDiffer) {
  const std::string k1 = generate_pseudonym_key();
  EXPECT_EQ(k1.size(), 64u);
  EXPECT_NE(k1, generate_pseudonym_key());
}

}  // namespace
}  // namespace cb::log
