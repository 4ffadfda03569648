// The golden-test runner. It walks fixtures/<adapter>/<case>/ and, for every
// case folder, reads `input.*` with the adapter named by the folder:
//   - with `expected-error.txt`: the read must fail and the diagnostics, one per
//     line as Diagnostic::to_string() prints them, must equal the file;
//   - with `expected.*`: the read must succeed, and writing the documents with
//     the adapter named in `write-with.txt` (default: the same adapter) must give
//     exactly the expected bytes.
// Set CAREBRIDGE_UPDATE_GOLDEN=1 to rewrite the expected files after a reviewed change.

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "adapters/registry.h"

namespace fs = std::filesystem;

namespace cb {
namespace {

struct GoldenCase {
  std::string adapter;
  fs::path dir;
  std::string name() const {
    std::string n = adapter + "__" + dir.filename().string();
    for (char& c : n) {
      if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
    }
    return n;
  }
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void spit(const fs::path& p, const std::string& s) {
  std::ofstream out(p, std::ios::binary);
  out << s;
}

fs::path find_prefixed(const fs::path& dir, const std::string& prefix) {
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string f = e.path().filename().string();
    if (f.rfind(prefix, 0) == 0 && f != "expected-error.txt") return e.path();
  }
  return {};
}

std::vector<GoldenCase> discover() {
  std::vector<GoldenCase> cases;
  const fs::path root = fs::path(CAREBRIDGE_SOURCE_DIR) / "fixtures";
  const auto& registry = adapters::default_registry();
  for (const auto* a : registry.list()) {
    const fs::path dir = root / a->info().name;
    if (!fs::is_directory(dir)) continue;
    for (const auto& e : fs::directory_iterator(dir)) {
      if (e.is_directory() && !find_prefixed(e.path(), "input.").empty()) {
        cases.push_back({a->info().name, e.path()});
      }
    }
  }
  std::sort(cases.begin(), cases.end(),
            [](const GoldenCase& x, const GoldenCase& y) { return x.dir < y.dir; });
  return cases;
}

// Prints a case by its folder in test failure messages.
void PrintTo(const GoldenCase& c, std::ostream* os) { *os << c.dir.string(); }

class Golden : public ::testing::TestWithParam<GoldenCase> {};

TEST_P(Golden, MatchesExpected) {
  const GoldenCase& c = GetParam();
  const auto& registry = adapters::default_registry();
  const auto* reader = registry.find(c.adapter);
  ASSERT_NE(reader, nullptr);
  const fs::path input = find_prefixed(c.dir, "input.");
  adapters::Context ctx;
  ctx.source_name = input.filename().string();
  const auto result = reader->read(slurp(input), ctx);
  const bool update = std::getenv("CAREBRIDGE_UPDATE_GOLDEN") != nullptr;

  const fs::path expected_error = c.dir / "expected-error.txt";
  if (fs::exists(expected_error)) {
    EXPECT_EQ(result.outcome, adapters::Outcome::reject) << "expected the read to fail";
    std::string actual;
    for (const auto& d : result.diagnostics) actual += d.to_string() + "\n";
    if (update) spit(expected_error, actual);
    EXPECT_EQ(actual, slurp(expected_error));
    return;
  }

  ASSERT_EQ(result.outcome, adapters::Outcome::ok) << [&] {
    std::string s;
    for (const auto& d : result.diagnostics) s += d.to_string() + "\n";
    return s;
  }();
  std::string writer_name = c.adapter;
  if (fs::exists(c.dir / "write-with.txt")) {
    writer_name = slurp(c.dir / "write-with.txt");
    while (!writer_name.empty() && std::isspace(static_cast<unsigned char>(writer_name.back()))) {
      writer_name.pop_back();
    }
  }
  const auto* writer = registry.find(writer_name);
  ASSERT_NE(writer, nullptr) << "no adapter " << writer_name;
  const auto written = writer->write(result.documents, ctx);
  ASSERT_EQ(written.outcome, adapters::Outcome::ok);
  const fs::path expected = find_prefixed(c.dir, "expected.");
  ASSERT_FALSE(expected.empty()) << "case " << c.dir << " has neither expected.* nor expected-error.txt";
  if (update) spit(expected, written.bytes);
  EXPECT_EQ(written.bytes, slurp(expected));
}

INSTANTIATE_TEST_SUITE_P(Fixtures, Golden, ::testing::ValuesIn(discover()),
                         [](const ::testing::TestParamInfo<GoldenCase>& param) {
                           return param.param.name();
                         });

TEST(GoldenRunner, FindsCases) {
  EXPECT_FALSE(discover().empty()) << "no golden cases found under fixtures/";
}

}  // namespace
}  // namespace cb
