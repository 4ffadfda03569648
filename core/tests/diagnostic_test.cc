#include "core/diag/diagnostic.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace cb {
namespace {

TEST(DiagnosticCatalogue, IdsAreUniqueAndWellFormed) {
  std::set<std::string> seen;
  for (std::size_t i = 0; i < code_count(); ++i) {
    auto code = static_cast<DiagCode>(i);
    std::string id(code_id(code));
    ASSERT_EQ(id.size(), 6u) << id;
    EXPECT_TRUE(seen.insert(id).second) << "code id reused: " << id;
    EXPECT_FALSE(code_title(code).empty()) << id;
    DiagCode back{};
    ASSERT_TRUE(code_from_id(id, back));
    EXPECT_EQ(back, code);
  }
  DiagCode unused{};
  EXPECT_FALSE(code_from_id("XXX999", unused));
}

TEST(Diagnostic, ToStringNamesPlaceRuleAndReason) {
  Location where;
  where.file = "prices.csv";
  where.line = 3;
  where.column = 14;
  auto d = Diagnostic::make(DiagCode::DecimalSyntax, "'1,2,3' has two separators", where);
  EXPECT_EQ(d.severity, Severity::error);
  EXPECT_EQ(d.to_string(),
            "prices.csv:3:14: error DEC002 (not a decimal number): '1,2,3' has two separators");
}

TEST(Diagnostic, LocationWithSegmentAndField) {
  Location where;
  where.segment = "INV#12";
  where.element = "2:1";
  where.field = "/documents/0/ik";
  EXPECT_EQ(where.to_string(), "segment INV#12 element 2:1 /documents/0/ik");
  EXPECT_TRUE(Location{}.empty());
  EXPECT_FALSE(where.empty());
}

TEST(Diagnostic, HasErrorsIgnoresWarnings) {
  Diagnostics ds;
  ds.push_back(Diagnostic::make(DiagCode::ImportDuplicateMessage, "x"));
  EXPECT_FALSE(has_errors(ds));
  ds.push_back(Diagnostic::make(DiagCode::JsonSyntax, "y"));
  EXPECT_TRUE(has_errors(ds));
}

}  // namespace
}  // namespace cb
