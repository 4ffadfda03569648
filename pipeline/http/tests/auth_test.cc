// Token hashing, the Authenticator and the small input checks of the API.

#include <gtest/gtest.h>

#include <cctype>

#include "pipeline/http/api.h"
#include "pipeline/http/auth.h"

namespace cb::http {
namespace {

TEST(HashToken, IsHexSha256) {
  // FIPS 180-2 test vector for "abc".
  EXPECT_EQ(hash_token("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Authenticator, AcceptsTheRightTokenOnly) {
  auto a = Authenticator::make({{"ops", Role::operator_, "north", hash_token("s3cret")},
                                {"root", Role::admin, "", hash_token("r00t")}});
  ASSERT_TRUE(a.has_value());
  auto c = a->authenticate("Bearer s3cret");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->name, "ops");
  EXPECT_EQ(c->role, Role::operator_);
  EXPECT_EQ(c->tenant, "north");
  EXPECT_EQ(c->actor(), "token:ops");
  auto r = a->authenticate("bearer r00t");  // the scheme is case-insensitive
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->all_tenants());
  EXPECT_FALSE(a->authenticate("Bearer s3cre"));
  EXPECT_FALSE(a->authenticate("Bearer s3cret2"));
  EXPECT_FALSE(a->authenticate("Basic czNjcmV0"));
  EXPECT_FALSE(a->authenticate("Bearer "));
  EXPECT_FALSE(a->authenticate("s3cret"));
  // The hash itself is not a token.
  EXPECT_FALSE(a->authenticate("Bearer " + hash_token("s3cret")));
}

TEST(Authenticator, RefusesBadConfiguration) {
  EXPECT_FALSE(Authenticator::make({{"v", Role::viewer, "", hash_token("x")}}));  // no tenant
  EXPECT_FALSE(Authenticator::make({{"v", Role::viewer, "t", "abc"}}));             // short hash
  EXPECT_FALSE(Authenticator::make({{"v", Role::viewer, "t", std::string(64, 'g')}}));
  EXPECT_FALSE(Authenticator::make({{"v", Role::viewer, "t", hash_token("a")},
                                    {"v", Role::viewer, "t", hash_token("b")}}));  // name twice
  EXPECT_TRUE(Authenticator::make({{"v", Role::viewer, "t", std::string(64, 'A')}}));
}

TEST(Roles, ParseAndPrint) {
  Role r{};
  ASSERT_TRUE(parse_role("operator", r));
  EXPECT_EQ(r, Role::operator_);
  EXPECT_EQ(to_string(Role::admin), "admin");
  EXPECT_FALSE(parse_role("root", r));
}

TEST(FileName, OnlyPlainNamesAreSafe) {
  EXPECT_TRUE(is_safe_file_name("plan-0001.json"));
  EXPECT_TRUE(is_safe_file_name("Rechnung 7.edi"));
  EXPECT_FALSE(is_safe_file_name(""));
  EXPECT_FALSE(is_safe_file_name("."));
  EXPECT_FALSE(is_safe_file_name(".."));
  EXPECT_FALSE(is_safe_file_name("../etc/passwd"));
  EXPECT_FALSE(is_safe_file_name("a/b"));
  EXPECT_FALSE(is_safe_file_name("a\\b"));
  EXPECT_FALSE(is_safe_file_name("C:x"));
  EXPECT_FALSE(is_safe_file_name("x..y"));
  EXPECT_FALSE(is_safe_file_name(std::string("a\0b", 3)));
  EXPECT_FALSE(is_safe_file_name("a\nb"));
  EXPECT_FALSE(is_safe_file_name(std::string(256, 'a')));
}

TEST(UrlDecode, PercentAndPlus) {
  std::string out;
  ASSERT_TRUE(url_decode("a%2Fb+c", out, true));
  EXPECT_EQ(out, "a/b c");
  ASSERT_TRUE(url_decode("a+b", out, false));
  EXPECT_EQ(out, "a+b");
  EXPECT_FALSE(url_decode("%4", out, true));
  EXPECT_FALSE(url_decode("%", out, true));
  EXPECT_FALSE(url_decode("%g0", out, true));
}

}  // namespace
}  // namespace cb::http

namespace cb::http {
namespace {

TEST(NewToken, RandomBase64UrlOf256Bits) {
  const std::string a = new_token(), b = new_token();
  EXPECT_EQ(a.size(), 43u);
  EXPECT_NE(a, b);
  for (char c : a) EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_');
  auto auth = Authenticator::make({{"n", Role::admin, "", hash_token(a)}});
  ASSERT_TRUE(auth.has_value());
  EXPECT_TRUE(auth->authenticate("Bearer " + a));
  EXPECT_FALSE(auth->authenticate("Bearer " + b));
}

}  // namespace
}  // namespace cb::http
