#include "core/value/identifiers.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <utility>

// Check digits in the randomised tests come from implementations written here,
// independently of identifiers.cc (tables instead of arithmetic, "try every
// digit until the validator accepts" instead of a closed formula).
//
// What each scheme guarantees to catch, and so what the tests assert:
//   mod 11 (PZN weights 1..7, CVR weights 2,7,6,5,4,3,2,1): every single-digit
//     change and every swap of two adjacent different digits whose weights
//     differ (all weighted positions; not the PZN check digit with digit 7,
//     whose swap is not covered by a weight difference).
//   Luhn-like mod 10 (IK digits 3–9, KVNR digits, Swedish organisation number):
//     every single-digit change; every adjacent swap except 0↔9 (doubling maps
//     0→0 and 9→9, so "09"↔"90" keeps the sum). IK and KVNR compute the check
//     digit as the sum itself (not its complement), so a swap involving the
//     check digit is not guaranteed; Luhn (Sweden) includes the check digit in
//     the sum, so it is. IK digits 1–2 are outside the check; KVNR letters map
//     to two digits and can collide (E = 05 and J = 10 give the same
//     contribution).
//   GS1 mod 10 (GLN, weights 3,1): every single-digit change; adjacent swaps
//     except digits differing by 5.

namespace cb {
namespace {

constexpr std::uint64_t kSeed = 0x1d5eedULL;
constexpr int kRounds = 3000;

std::string seed_note(int round) {
  return "seed " + std::to_string(kSeed) + ", round " + std::to_string(round);
}

std::string code_of(const IdCheck& c) {
  return c.problem ? std::string(code_id(c.problem->code)) : std::string("none");
}

/// Expects text to be rejected by T with code `id` at 1-based column `column`.
template <class T>
void expect_reject(std::string_view text, std::string_view id, std::uint32_t column) {
  auto r = T::parse(text);
  ASSERT_FALSE(r.has_value()) << "accepted: " << text;
  EXPECT_EQ(code_id(r.error().code), id) << text << ": " << r.error().message;
  EXPECT_EQ(r.error().where.column, column) << text << ": " << r.error().message;
  EXPECT_FALSE(r.error().message.empty());
}

// --- independent check digit implementations --------------------------------

constexpr int kDoubledCrossSum[10] = {0, 2, 4, 6, 8, 1, 3, 5, 7, 9};

int dig(char c) {
  return c - '0';
}

std::string random_digits(std::mt19937_64& rng, int n) {
  std::uniform_int_distribution<int> d(0, 9);
  std::string s;
  for (int i = 0; i < n; ++i) s += static_cast<char>('0' + d(rng));
  return s;
}

char ik_check_ref(std::string_view first8) {
  int sum = 0;
  for (int pos = 3; pos <= 8; ++pos) {  // 1-based; odd positions weight 2
    const int x = dig(first8[static_cast<std::size_t>(pos - 1)]);
    sum += (pos % 2 == 1) ? kDoubledCrossSum[x] : x;
  }
  return static_cast<char>('0' + sum % 10);
}

/// -1 when no check digit exists.
int pzn_check_ref(std::string_view first7) {
  int sum = 0;
  int weight = 1;
  for (char c : first7) sum += dig(c) * weight++;
  const int r = sum % 11;
  return r == 10 ? -1 : r;
}

char kvnr_check_ref(char letter, std::string_view digits8) {
  const int pos = letter - 'A' + 1;
  std::string all = std::to_string(pos / 10) + std::to_string(pos % 10) + std::string(digits8);
  int sum = 0;
  for (std::size_t i = 0; i < all.size(); ++i) {
    const int x = dig(all[i]);
    sum += (i % 2 == 0) ? x : kDoubledCrossSum[x];
  }
  return static_cast<char>('0' + sum % 10);
}

bool luhn_valid(std::string_view s) {
  int sum = 0;
  bool twice = false;
  for (auto it = s.rbegin(); it != s.rend(); ++it) {
    const int x = dig(*it);
    sum += twice ? kDoubledCrossSum[x] : x;
    twice = !twice;
  }
  return sum % 10 == 0;
}

bool cvr_valid_ref(std::string_view s) {
  static constexpr int kW[8] = {2, 7, 6, 5, 4, 3, 2, 1};
  int sum = 0;
  for (std::size_t i = 0; i < 8; ++i) sum += dig(s[i]) * kW[i];
  return s[0] != '0' && sum % 11 == 0;
}

bool gs1_valid(std::string_view s) {
  int sum = 0;
  bool three = false;
  for (auto it = s.rbegin(); it != s.rend(); ++it) {
    sum += dig(*it) * (three ? 3 : 1);
    three = !three;
  }
  return sum % 10 == 0;
}

/// Appends the digit that makes `valid` accept body+digit; false if none.
template <class Valid>
bool complete(std::string& body, Valid valid) {
  for (char c = '0'; c <= '9'; ++c) {
    if (valid(body + c)) {
      body += c;
      return true;
    }
  }
  return false;
}

char other_digit(std::mt19937_64& rng, char c) {
  std::uniform_int_distribution<int> d(1, 9);
  return static_cast<char>('0' + (dig(c) + d(rng)) % 10);
}

/// Picks an index in [lo, hi) where s[i] != s[i+1] and accept(s[i], s[i+1]).
template <class Accept>
std::optional<std::size_t> swappable(std::mt19937_64& rng, const std::string& s, std::size_t lo,
                                     std::size_t hi, Accept accept) {
  std::vector<std::size_t> ok;
  for (std::size_t i = lo; i < hi; ++i) {
    if (s[i] != s[i + 1] && accept(s[i], s[i + 1])) ok.push_back(i);
  }
  if (ok.empty()) return std::nullopt;
  return ok[rng() % ok.size()];
}

bool not_0_9(char a, char b) {
  return !((a == '0' && b == '9') || (a == '9' && b == '0'));
}

// --- kinds ------------------------------------------------------------------------

TEST(IdKinds, NamesRoundTrip) {
  for (IdKind k : kAllIdKinds) {
    auto back = id_kind_from_name(id_kind_name(k));
    ASSERT_TRUE(back.has_value()) << id_kind_name(k);
    EXPECT_EQ(*back, k);
    EXPECT_FALSE(id_kind_title(k).empty());
  }
  EXPECT_EQ(id_kind_name(IdKind::se_orgnr), "se-orgnr");
  EXPECT_EQ(id_kind_name(IdKind::dk_cvr), "dk-cvr");
  EXPECT_EQ(id_kind_title(IdKind::ik), "Institutionskennzeichen (IK)");
}

TEST(IdKinds, UnknownNameIsIdn005) {
  for (std::string_view bad : {"", "IK", "se_orgnr", "iban", "ik "}) {
    auto r = id_kind_from_name(bad);
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_EQ(code_id(r.error().code), "IDN005");
    EXPECT_NE(r.error().message.find("se-orgnr"), std::string::npos) << "lists the names";
  }
}

// --- IK -----------------------------------------------------------------------------

TEST(Ik, VerifiedExamples) {
  for (std::string_view s : {"101575519", "100395611", "661430035"}) {
    auto r = Ik::parse(s);
    ASSERT_TRUE(r.has_value()) << s << ": " << r.error().message;
    EXPECT_EQ(r->str(), s);
  }
  auto ik = *Ik::parse("101575519");
  EXPECT_EQ(ik.class_code(), "10");
  EXPECT_EQ(ik.region(), "15");
  EXPECT_EQ(ik.serial(), "7551");
  EXPECT_EQ(ik.check_digit(), 9);
  EXPECT_LT(*Ik::parse("100395611"), ik);
}

TEST(Ik, Rejections) {
  expect_reject<Ik>("", "IDN001", 0);
  expect_reject<Ik>("10157551", "IDN001", 0);
  expect_reject<Ik>("1015755190", "IDN001", 0);
  expect_reject<Ik>("10157551X", "IDN002", 9);
  expect_reject<Ik>(" 101575519", "IDN002", 1);
  expect_reject<Ik>("101575518", "IDN003", 9);
  auto r = Ik::parse("101575518");
  EXPECT_NE(r.error().message.find("is 8"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("give 9"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("IK"), std::string::npos);
}

TEST(Ik, ClassDigitsAreNotCoveredByTheCheckDigit) {
  // Documents the scheme's limit: digits 1-2 can change without detection.
  EXPECT_TRUE(Ik::parse("991575519").has_value());
}

TEST(Ik, Randomised) {
  std::mt19937_64 rng(kSeed);
  for (int round = 0; round < kRounds; ++round) {
    SCOPED_TRACE(seed_note(round));
    std::string s = random_digits(rng, 8);
    s += ik_check_ref(s);
    ASSERT_TRUE(Ik::parse(s).has_value()) << s;
    // Single change in digits 3-9: always caught.
    std::string changed = s;
    const std::size_t at = 2 + rng() % 7;
    changed[at] = other_digit(rng, changed[at]);
    auto bad = Ik::parse(changed);
    ASSERT_FALSE(bad.has_value()) << changed;
    EXPECT_EQ(code_id(bad.error().code), "IDN003");
    EXPECT_EQ(bad.error().where.column, 9u);
    // Adjacent swap inside digits 3-8, not 0<->9: always caught.
    if (auto i = swappable(rng, s, 2, 7, not_0_9)) {
      std::string swapped = s;
      std::swap(swapped[*i], swapped[*i + 1]);
      EXPECT_FALSE(Ik::parse(swapped).has_value()) << s << " -> " << swapped;
    }
  }
}

// --- PZN ----------------------------------------------------------------------------

TEST(Pzn, ValidForms) {
  // 0·1 + 4·2 + 7·3 + 7·4 + 3·5 + 4·6 + 1·7 = 103 = 9·11 + 4.
  auto r = Pzn::parse("04773414");
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->str(), "04773414");
  EXPECT_EQ(r->check_digit(), 4);
  EXPECT_EQ(Pzn::parse("PZN-04773414")->str(), "04773414");
  EXPECT_EQ(Pzn::parse("PZN 04773414")->str(), "04773414");
  // 1·1 + 2·2 + 3·3 + 4·4 + 5·5 + 6·6 + 7·7 = 140 = 12·11 + 8.
  EXPECT_TRUE(Pzn::parse("12345678").has_value());
}

TEST(Pzn, Rejections) {
  expect_reject<Pzn>("", "IDN001", 0);
  expect_reject<Pzn>("PZN-", "IDN001", 0);
  expect_reject<Pzn>("047734140", "IDN001", 0);
  expect_reject<Pzn>("pzn-04773414", "IDN002", 1);
  expect_reject<Pzn>("PZN04773414", "IDN002", 1);
  expect_reject<Pzn>("0477341A", "IDN002", 8);
  expect_reject<Pzn>("PZN-0477 3414", "IDN002", 9);
  expect_reject<Pzn>("04773415", "IDN003", 8);
  expect_reject<Pzn>("PZN-04773415", "IDN003", 12);
  auto r = Pzn::parse("04773415");
  EXPECT_NE(r.error().message.find("is 5"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("give 4"), std::string::npos) << r.error().message;
}

TEST(Pzn, RemainderTenCannotExist) {
  // 5·2 = 10: no check digit exists for 0500000.
  for (char last = '0'; last <= '9'; ++last) {
    std::string s = std::string("0500000") + last;
    auto r = Pzn::parse(s);
    ASSERT_FALSE(r.has_value()) << s;
    EXPECT_EQ(code_id(r.error().code), "IDN003");
    EXPECT_NE(r.error().message.find("remainder 10"), std::string::npos) << r.error().message;
  }
}

TEST(Pzn, SevenDigitsHintAtTheLeadingZero) {
  auto r = Pzn::parse("4773414");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(code_id(r.error().code), "IDN001");
  EXPECT_NE(r.error().hint.find("04773414"), std::string::npos) << r.error().hint;
}

TEST(Pzn, Randomised) {
  std::mt19937_64 rng(kSeed);
  int made = 0;
  for (int round = 0; made < kRounds; ++round) {
    SCOPED_TRACE(seed_note(round));
    std::string s = random_digits(rng, 7);
    const int check = pzn_check_ref(s);
    if (check < 0) {
      ASSERT_FALSE(Pzn::parse(s + "0").has_value());
      continue;
    }
    ++made;
    s += static_cast<char>('0' + check);
    ASSERT_TRUE(Pzn::parse(s).has_value()) << s;
    // mod 11 with weights 1..7: every single-digit change is caught.
    std::string changed = s;
    const std::size_t at = rng() % 8;
    changed[at] = other_digit(rng, changed[at]);
    auto bad = Pzn::parse(changed);
    ASSERT_FALSE(bad.has_value()) << s << " -> " << changed;
    EXPECT_EQ(code_id(bad.error().code), "IDN003");
    // Adjacent swaps within digits 1-7 (weights differ by 1): always caught.
    if (auto i = swappable(rng, s, 0, 6, [](char, char) { return true; })) {
      std::string swapped = s;
      std::swap(swapped[*i], swapped[*i + 1]);
      EXPECT_FALSE(Pzn::parse(swapped).has_value()) << s << " -> " << swapped;
    }
  }
}

// --- KVNR ---------------------------------------------------------------------------

TEST(Kvnr, ValidExamples) {
  // Z = 26: 2 + cs(12) + 9 + cs(16) + 7 + cs(12) + 5 + 8 + 3 + 4 = 51.
  EXPECT_TRUE(Kvnr::parse("Z987654321").has_value());
  auto r = Kvnr::parse("A123456780");
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->str(), "A123456780");
  EXPECT_EQ(r->masked(), "A********0");
  EXPECT_EQ(r->letter(), 'A');
  EXPECT_EQ(r->check_digit(), 0);
}

TEST(Kvnr, Rejections) {
  expect_reject<Kvnr>("", "IDN001", 0);
  expect_reject<Kvnr>("A12345678", "IDN001", 0);
  expect_reject<Kvnr>("A1234567801", "IDN001", 0);
  expect_reject<Kvnr>("a123456780", "IDN002", 1);
  expect_reject<Kvnr>("1123456780", "IDN002", 1);
  expect_reject<Kvnr>("A1234X6780", "IDN002", 6);
  expect_reject<Kvnr>("AB23456780", "IDN002", 2);
  expect_reject<Kvnr>("A123456781", "IDN003", 10);
  auto lower = Kvnr::parse("a123456780");
  EXPECT_NE(lower.error().message.find("upper case"), std::string::npos);
}

TEST(Kvnr, MessagesNeverEchoTheNumber) {
  for (std::string_view s : {"A123456781", "a123456780", "A1234X6780", "A12345678", "Z987654320",
                             "A1234567801", "AB23456780"}) {
    auto r = Kvnr::parse(s);
    ASSERT_FALSE(r.has_value()) << s;
    const std::string text = r.error().to_string();
    EXPECT_EQ(text.find(s), std::string::npos) << text;
    EXPECT_EQ(text.find(s.substr(1, 8)), std::string::npos) << text;
  }
  auto r = Kvnr::parse("A123456781");
  EXPECT_NE(r.error().message.find("A********1"), std::string::npos) << r.error().message;
  auto c = check_id(IdKind::kvnr, "A123456780");
  ASSERT_TRUE(c.valid);
  for (const auto& f : c.facts) EXPECT_EQ(f.find("12345678"), std::string::npos) << f;
}

TEST(Kvnr, LetterCollisionIsNotCaught) {
  // Documents the scheme's limit: E (05) and J (10) contribute the same.
  const std::string body = "12345678";
  const char check = kvnr_check_ref('E', body);
  EXPECT_EQ(check, kvnr_check_ref('J', body));
  EXPECT_TRUE(Kvnr::parse("E" + body + check).has_value());
  EXPECT_TRUE(Kvnr::parse("J" + body + check).has_value());
}

TEST(Kvnr, Randomised) {
  std::mt19937_64 rng(kSeed);
  for (int round = 0; round < kRounds; ++round) {
    SCOPED_TRACE(seed_note(round));
    const char letter = static_cast<char>('A' + rng() % 26);
    const std::string body = random_digits(rng, 8);
    const std::string s = letter + body + kvnr_check_ref(letter, body);
    ASSERT_TRUE(Kvnr::parse(s).has_value()) << s;
    // Any single-digit change in characters 2-10 is caught.
    std::string changed = s;
    const std::size_t at = 1 + rng() % 9;
    changed[at] = other_digit(rng, changed[at]);
    auto bad = Kvnr::parse(changed);
    ASSERT_FALSE(bad.has_value()) << changed;
    EXPECT_EQ(code_id(bad.error().code), "IDN003");
    // Adjacent swaps within characters 2-9, not 0<->9: caught.
    if (auto i = swappable(rng, s, 1, 8, not_0_9)) {
      std::string swapped = s;
      std::swap(swapped[*i], swapped[*i + 1]);
      EXPECT_FALSE(Kvnr::parse(swapped).has_value()) << s << " -> " << swapped;
    }
  }
}

// --- Hilfsmittelnummer -------------------------------------------------------------

TEST(Hilfsmittelnummer, PlainAndDotted) {
  for (std::string_view s : {"1320122345", "13.20.12.2345"}) {
    auto r = Hilfsmittelnummer::parse(s);
    ASSERT_TRUE(r.has_value()) << s << ": " << r.error().message;
    EXPECT_EQ(r->str(), "1320122345");
    EXPECT_EQ(r->product_group(), "13");
    EXPECT_EQ(r->two_digit(), "13");
    EXPECT_EQ(r->application_site(), "20");
    EXPECT_EQ(r->subgroup(), "12");
    EXPECT_EQ(r->product_type(), "2");
    EXPECT_EQ(r->product(), "345");
    EXPECT_EQ(r->seven_digit(), "1320122");
    EXPECT_EQ(r->dotted(), "13.20.12.2345");
  }
  for (std::string_view s :
       {"0100000000", "3812345678", "5012345678", "5400000001", "9800000000", "99.99.99.9999"}) {
    EXPECT_TRUE(Hilfsmittelnummer::parse(s).has_value()) << s;
  }
}

TEST(Hilfsmittelnummer, Rejections) {
  expect_reject<Hilfsmittelnummer>("", "IDN001", 0);
  expect_reject<Hilfsmittelnummer>("132012234", "IDN001", 0);
  expect_reject<Hilfsmittelnummer>("13.20.12.23456", "IDN001", 0);
  expect_reject<Hilfsmittelnummer>("13-20-12-2345", "IDN002", 3);
  expect_reject<Hilfsmittelnummer>("13 20 12 2345", "IDN002", 3);
  expect_reject<Hilfsmittelnummer>("13.2012.2345", "IDN004", 8);
  expect_reject<Hilfsmittelnummer>("13.20.122.345", "IDN004", 10);
  expect_reject<Hilfsmittelnummer>(".1320122345", "IDN004", 1);
  expect_reject<Hilfsmittelnummer>("13.20.122345", "IDN004", 0);
  expect_reject<Hilfsmittelnummer>("0020122345", "IDN004", 1);
  expect_reject<Hilfsmittelnummer>("3920122345", "IDN004", 1);
  expect_reject<Hilfsmittelnummer>("5520122345", "IDN004", 1);
  expect_reject<Hilfsmittelnummer>("97.20.12.2345", "IDN004", 1);
  auto r = Hilfsmittelnummer::parse("3920122345");
  EXPECT_NE(r.error().message.find("product group 39"), std::string::npos) << r.error().message;
}

// --- Swedish organisation number --------------------------------------------------

TEST(SwedishOrgNumber, ValidForms) {
  for (std::string_view s : {"5560360793", "556036-0793", "165560360793", "16556036-0793"}) {
    auto r = SwedishOrgNumber::parse(s);
    ASSERT_TRUE(r.has_value()) << s << ": " << r.error().message;
    EXPECT_EQ(r->str(), "5560360793");
    EXPECT_EQ(r->formatted(), "556036-0793");
  }
  EXPECT_TRUE(luhn_valid("2021005489"));
  EXPECT_TRUE(SwedishOrgNumber::parse("202100-5489").has_value());
}

TEST(SwedishOrgNumber, Rejections) {
  expect_reject<SwedishOrgNumber>("", "IDN001", 0);
  expect_reject<SwedishOrgNumber>("556036079", "IDN001", 0);
  expect_reject<SwedishOrgNumber>("55603607930", "IDN001", 0);
  expect_reject<SwedishOrgNumber>("556036-07a3", "IDN002", 10);
  expect_reject<SwedishOrgNumber>("556036 0793", "IDN002", 7);
  expect_reject<SwedishOrgNumber>("556036+0793", "IDN002", 7);
  expect_reject<SwedishOrgNumber>("55603-60793", "IDN004", 6);
  expect_reject<SwedishOrgNumber>("556036-07-93", "IDN004", 10);
  expect_reject<SwedishOrgNumber>("5560360794", "IDN003", 10);
  expect_reject<SwedishOrgNumber>("556036-0794", "IDN003", 11);
  expect_reject<SwedishOrgNumber>("16556036-0794", "IDN003", 13);
  auto r = SwedishOrgNumber::parse("5560360794");
  EXPECT_NE(r.error().message.find("is 4"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("give 3"), std::string::npos) << r.error().message;
}

TEST(SwedishOrgNumber, PersonalIdentityNumbersAreRefused) {
  // 811228-9874: Skatteverket's example personnummer, Luhn-valid.
  ASSERT_TRUE(luhn_valid("8112289874"));
  for (std::string_view s : {"8112289874", "811228-9874", "198112289874", "19811228-9874"}) {
    auto r = SwedishOrgNumber::parse(s);
    ASSERT_FALSE(r.has_value()) << s;
    EXPECT_EQ(code_id(r.error().code), "IDN004") << s;
    EXPECT_NE(r.error().message.find("personal identity number"), std::string::npos);
    EXPECT_EQ(r.error().message.find("811228"), std::string::npos) << "never echoed";
  }
  EXPECT_EQ(SwedishOrgNumber::parse("8112289874").error().where.column, 3u);
  EXPECT_EQ(SwedishOrgNumber::parse("198112289874").error().where.column, 1u);
}

TEST(SwedishOrgNumber, Randomised) {
  std::mt19937_64 rng(kSeed);
  for (int round = 0; round < kRounds; ++round) {
    SCOPED_TRACE(seed_note(round));
    std::string s = random_digits(rng, 9);
    s[2] = static_cast<char>('2' + rng() % 8);
    ASSERT_TRUE(complete(s, luhn_valid));
    auto ok = SwedishOrgNumber::parse(s);
    ASSERT_TRUE(ok.has_value()) << s << ": " << ok.error().message;
    EXPECT_TRUE(SwedishOrgNumber::parse(ok->formatted()).has_value());
    EXPECT_TRUE(SwedishOrgNumber::parse("16" + s).has_value());
    // Any single-digit change is caught (IDN003, or IDN004 if digit 3 drops below 2).
    std::string changed = s;
    const std::size_t at = rng() % 10;
    changed[at] = other_digit(rng, changed[at]);
    EXPECT_FALSE(SwedishOrgNumber::parse(changed).has_value()) << s << " -> " << changed;
    if (changed[2] >= '2') {
      EXPECT_EQ(code_id(SwedishOrgNumber::parse(changed).error().code), "IDN003");
    }
    // Luhn: every adjacent swap except 0<->9 is caught, the check digit included.
    if (auto i = swappable(rng, s, 0, 9, not_0_9)) {
      std::string swapped = s;
      std::swap(swapped[*i], swapped[*i + 1]);
      EXPECT_FALSE(SwedishOrgNumber::parse(swapped).has_value()) << s << " -> " << swapped;
    }
  }
}

// --- Danish CVR --------------------------------------------------------------------

TEST(DanishCvr, ValidExample) {
  // 1·2 + 3·7 + 5·6 + 8·5 + 5·4 + 6·3 + 2·2 + 8·1 = 143 = 13·11.
  auto r = DanishCvr::parse("13585628");
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->str(), "13585628");
}

TEST(DanishCvr, Rejections) {
  expect_reject<DanishCvr>("", "IDN001", 0);
  expect_reject<DanishCvr>("1358562", "IDN001", 0);
  expect_reject<DanishCvr>("DK13585628", "IDN002", 1);
  expect_reject<DanishCvr>("1358 5628", "IDN002", 5);
  expect_reject<DanishCvr>("03585628", "IDN004", 1);
  expect_reject<DanishCvr>("13585627", "IDN003", 8);
  auto r = DanishCvr::parse("13585627");
  EXPECT_NE(r.error().message.find("is 7"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("give 8"), std::string::npos) << r.error().message;
}

TEST(DanishCvr, NoLastDigitExists) {
  std::mt19937_64 rng(kSeed);
  int found = 0;
  for (int round = 0; round < 2000 && found < 20; ++round) {
    std::string s = random_digits(rng, 7);
    if (s[0] == '0') continue;
    std::string probe = s;
    if (complete(probe, cvr_valid_ref)) continue;
    ++found;
    auto r = DanishCvr::parse(s + "0");
    ASSERT_FALSE(r.has_value()) << s;
    EXPECT_EQ(code_id(r.error().code), "IDN003");
    EXPECT_NE(r.error().message.find("no last digit"), std::string::npos) << r.error().message;
  }
  EXPECT_GT(found, 0);
}

TEST(DanishCvr, Randomised) {
  std::mt19937_64 rng(kSeed);
  int made = 0;
  for (int round = 0; made < kRounds; ++round) {
    SCOPED_TRACE(seed_note(round));
    std::string s = random_digits(rng, 7);
    s[0] = static_cast<char>('1' + rng() % 9);
    if (!complete(s, cvr_valid_ref)) continue;
    ++made;
    ASSERT_TRUE(DanishCvr::parse(s).has_value()) << s;
    // mod 11, all weights non-zero: every single-digit change is caught.
    std::string changed = s;
    const std::size_t at = rng() % 8;
    changed[at] = other_digit(rng, changed[at]);
    auto bad = DanishCvr::parse(changed);
    ASSERT_FALSE(bad.has_value()) << s << " -> " << changed;
    EXPECT_EQ(code_id(bad.error().code), changed[0] == '0' ? "IDN004" : "IDN003");
    // Adjacent weights differ mod 11: every swap of different digits is caught.
    if (auto i = swappable(rng, s, 0, 7, [](char, char) { return true; })) {
      std::string swapped = s;
      std::swap(swapped[*i], swapped[*i + 1]);
      EXPECT_FALSE(DanishCvr::parse(swapped).has_value()) << s << " -> " << swapped;
    }
  }
}

// --- GLN ---------------------------------------------------------------------------

TEST(Gln, ValidExample) {
  ASSERT_TRUE(gs1_valid("5790000436057"));
  auto r = Gln::parse("5790000436057");
  ASSERT_TRUE(r.has_value()) << r.error().message;
  EXPECT_EQ(r->check_digit(), 7);
  auto c = check_id(IdKind::gln, "5790000436057");
  ASSERT_TRUE(c.valid);
  EXPECT_NE(c.facts[0].find("Denmark"), std::string::npos) << c.facts[0];
}

TEST(Gln, Rejections) {
  expect_reject<Gln>("", "IDN001", 0);
  expect_reject<Gln>("579000043605", "IDN001", 0);
  expect_reject<Gln>("57900004360570", "IDN001", 0);
  expect_reject<Gln>("579000043605X", "IDN002", 13);
  expect_reject<Gln>("5790000436058", "IDN003", 13);
  auto r = Gln::parse("5790000436058");
  EXPECT_NE(r.error().message.find("is 8"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("give 7"), std::string::npos) << r.error().message;
}

TEST(Gln, Randomised) {
  std::mt19937_64 rng(kSeed);
  for (int round = 0; round < kRounds; ++round) {
    SCOPED_TRACE(seed_note(round));
    std::string s = random_digits(rng, 12);
    ASSERT_TRUE(complete(s, gs1_valid));
    ASSERT_TRUE(Gln::parse(s).has_value()) << s;
    std::string changed = s;
    const std::size_t at = rng() % 13;
    changed[at] = other_digit(rng, changed[at]);
    auto bad = Gln::parse(changed);
    ASSERT_FALSE(bad.has_value()) << s << " -> " << changed;
    EXPECT_EQ(code_id(bad.error().code), "IDN003");
    // Adjacent swaps are caught unless the digits differ by 5.
    auto not5 = [](char a, char b) { return dig(a) - dig(b) != 5 && dig(b) - dig(a) != 5; };
    if (auto i = swappable(rng, s, 0, 12, not5)) {
      std::string swapped = s;
      std::swap(swapped[*i], swapped[*i + 1]);
      EXPECT_FALSE(Gln::parse(swapped).has_value()) << s << " -> " << swapped;
    }
  }
}

// --- ISO 9999 ----------------------------------------------------------------------

TEST(Iso9999Code, Forms) {
  for (std::string_view s : {"04 27 09", "04.27.09", "042709"}) {
    auto r = Iso9999Code::parse(s);
    ASSERT_TRUE(r.has_value()) << s << ": " << r.error().message;
    EXPECT_EQ(r->str(), "04 27 09");
    EXPECT_EQ(r->class_code(), "04");
    EXPECT_EQ(r->subclass(), std::optional<std::string_view>("27"));
    EXPECT_EQ(r->division(), std::optional<std::string_view>("09"));
    EXPECT_EQ(r->level(), 3);
  }
  auto two = Iso9999Code::parse("12.22");
  ASSERT_TRUE(two.has_value());
  EXPECT_EQ(two->str(), "12 22");
  EXPECT_EQ(two->level(), 2);
  EXPECT_FALSE(two->division().has_value());
  auto one = Iso9999Code::parse("12");
  ASSERT_TRUE(one.has_value());
  EXPECT_EQ(one->str(), "12");
  EXPECT_EQ(one->level(), 1);
  EXPECT_FALSE(one->subclass().has_value());
  EXPECT_EQ(Iso9999Code::parse("1222")->str(), "12 22");
}

TEST(Iso9999Code, Rejections) {
  expect_reject<Iso9999Code>("", "IDN001", 0);
  expect_reject<Iso9999Code>("1", "IDN001", 0);
  expect_reject<Iso9999Code>("12345", "IDN001", 0);
  expect_reject<Iso9999Code>("12222303", "IDN001", 0);
  expect_reject<Iso9999Code>("12 22 03 01", "IDN001", 9);
  expect_reject<Iso9999Code>("12a", "IDN002", 3);
  expect_reject<Iso9999Code>("12-22-03", "IDN002", 3);
  expect_reject<Iso9999Code>("12.22 03", "IDN004", 6);
  expect_reject<Iso9999Code>("1 22", "IDN004", 1);
  expect_reject<Iso9999Code>("12 223", "IDN004", 4);
  expect_reject<Iso9999Code>("12  22", "IDN004", 4);
  expect_reject<Iso9999Code>("12 ", "IDN004", 3);
  expect_reject<Iso9999Code>(" 12", "IDN004", 1);
}

// --- check_id ------------------------------------------------------------------------

TEST(CheckId, ValidValuesHaveFacts) {
  const std::pair<IdKind, std::string_view> cases[] = {
      {IdKind::ik, "101575519"},         {IdKind::pzn, "PZN-04773414"},
      {IdKind::kvnr, "A123456780"},      {IdKind::hmv, "13.20.12.2345"},
      {IdKind::se_orgnr, "556036-0793"}, {IdKind::dk_cvr, "13585628"},
      {IdKind::gln, "5790000436057"},    {IdKind::iso9999, "04.27.09"},
  };
  for (const auto& [kind, value] : cases) {
    auto c = check_id(kind, value);
    EXPECT_TRUE(c.valid) << id_kind_name(kind) << " " << value << ": " << code_of(c);
    EXPECT_FALSE(c.facts.empty()) << id_kind_name(kind);
    EXPECT_FALSE(c.problem.has_value());
    auto again = check_id(kind, c.normalized);
    EXPECT_TRUE(again.valid) << c.normalized;
    EXPECT_EQ(again.normalized, c.normalized);
  }
  EXPECT_EQ(check_id(IdKind::pzn, "PZN-04773414").normalized, "04773414");
  EXPECT_EQ(check_id(IdKind::se_orgnr, "16556036-0793").normalized, "5560360793");
  EXPECT_EQ(check_id(IdKind::iso9999, "042709").normalized, "04 27 09");
  auto ik = check_id(IdKind::ik, "101575519");
  EXPECT_NE(ik.facts[0].find("statutory health insurer"), std::string::npos) << ik.facts[0];
}

TEST(CheckId, InvalidValuesHaveAProblem) {
  for (IdKind k : kAllIdKinds) {
    auto c = check_id(k, "x");
    EXPECT_FALSE(c.valid);
    ASSERT_TRUE(c.problem.has_value()) << id_kind_name(k);
    EXPECT_EQ(code_id(c.problem->code), "IDN002") << id_kind_name(k);
    EXPECT_EQ(c.problem->where.column, 1u);
    EXPECT_TRUE(c.normalized.empty());
    EXPECT_TRUE(c.facts.empty());
  }
  auto c = check_id(IdKind::ik, "101575518");
  EXPECT_EQ(code_of(c), "IDN003");
}

}  // namespace
}  // namespace cb
