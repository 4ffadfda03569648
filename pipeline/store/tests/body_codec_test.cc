#include "pipeline/store/body_codec.h"

#include <gtest/gtest.h>

namespace cb::store {
namespace {

TEST(BodyCodec, SmallBodiesStayAsTheyAre) {
  const EncodedBody b = encode_body("{\"a\":1}");
  EXPECT_EQ(b.encoding, "identity");
  EXPECT_EQ(b.blob, "{\"a\":1}");
  EXPECT_EQ(b.raw_size, 7);
}

TEST(BodyCodec, RepetitiveBodiesAreCompressedAndRoundTrip) {
  std::string text;
  for (int i = 0; i < 500; ++i) text += "{\"kind\":\"party\",\"id\":\"D" + std::to_string(i) + "\"}\n";
  const EncodedBody b = encode_body(text);
  EXPECT_EQ(b.encoding, "zlib");
  EXPECT_LT(b.blob.size(), text.size() / 4);
  auto back = decode_body(b.encoding, b.blob, b.raw_size);
  ASSERT_TRUE(back) << back.error().to_string();
  EXPECT_EQ(*back, text);
}

TEST(BodyCodec, IncompressibleBytesAreKeptRaw) {
  std::string noise;
  std::uint32_t x = 12345;
  for (int i = 0; i < 4096; ++i) {
    x = x * 1664525U + 1013904223U;
    noise.push_back(static_cast<char>(x >> 24));
  }
  const EncodedBody b = encode_body(noise);
  EXPECT_EQ(b.encoding, "identity");
  EXPECT_EQ(*decode_body(b.encoding, b.blob, b.raw_size), noise);
}

TEST(BodyCodec, CorruptBodiesAreDiagnosed) {
  auto bad = decode_body("zlib", "not zlib at all", 40);
  ASSERT_FALSE(bad);
  EXPECT_EQ(code_id(bad.error().code), "STO007");
  EXPECT_FALSE(decode_body("identity", "abc", 4));
  EXPECT_FALSE(decode_body("brotli", "abc", 3));
}

}  // namespace
}  // namespace cb::store
