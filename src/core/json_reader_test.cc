#include "core/json_reader.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <charconv>
#include <functional>
#include <random>

namespace drover::core {
namespace {

namespace json = boost::json;

// Reads any value into a boost::json tree, to compare with boost's parser.
json::value ReadValue(JsonReader& r) {
  switch (r.Peek()) {
    case JsonReader::Kind::kObject: {
      json::object o;
      r.BeginObject();
      for (std::string_view key; r.NextKey(key);) {
        std::string k(key);
        o[k] = ReadValue(r);
      }
      return o;
    }
    case JsonReader::Kind::kArray: {
      json::array a;
      r.BeginArray();
      while (r.NextElement()) a.push_back(ReadValue(r));
      return a;
    }
    case JsonReader::Kind::kString:
      return json::value(r.String());
    case JsonReader::Kind::kNumber: {
      size_t at = r.Position();
      std::string_view text = r.Skip();
      if (text.find_first_of(".eE") != std::string_view::npos) {
        double d = 0;
        std::from_chars(text.data(), text.data() + text.size(), d);
        return d;
      }
      r.Seek(at);
      if (text.front() == '-') return r.Int();
      return r.Uint();
    }
    case JsonReader::Kind::kBool:
      return r.Bool();
    case JsonReader::Kind::kNull:
      EXPECT_TRUE(r.TryNull());
      return nullptr;
  }
  return nullptr;
}

std::string RandomString(std::mt19937& rng) {
  static const std::vector<std::string> kPieces = {
      "a",    "Z",    "job-", " ",  "\"",
      "\\",   "/",    "\n",   "\t", std::string(1, '\x01'),
      "\x1f", "训练", "😀",    "é",  "0123456789abcdef",
      "\x7f"};
  std::string s;
  int n = static_cast<int>(rng() % 12);
  for (int i = 0; i < n; ++i) s += kPieces[rng() % kPieces.size()];
  return s;
}

json::value RandomValue(std::mt19937& rng, int depth) {
  switch (rng() % (depth < 4 ? 8 : 6)) {
    case 0:
      return json::value(RandomString(rng));
    case 1:
      return static_cast<int64_t>(rng()) - (int64_t{1} << 31) * static_cast<int64_t>(rng() % 3);
    case 2:
      return (rng() % 2) ? INT64_MIN : static_cast<int64_t>(rng() % 10);
    case 3:
      return std::ldexp(static_cast<double>(rng()), static_cast<int>(rng() % 80) - 40);
    case 4:
      return rng() % 2 == 0;
    case 5:
      return nullptr;
    case 6: {
      json::object o;
      int n = static_cast<int>(rng() % 5);
      for (int i = 0; i < n; ++i) o[RandomString(rng)] = RandomValue(rng, depth + 1);
      return o;
    }
    default: {
      json::array a;
      int n = static_cast<int>(rng() % 5);
      for (int i = 0; i < n; ++i) a.push_back(RandomValue(rng, depth + 1));
      return a;
    }
  }
}

TEST(JsonReader, ReadsWhatBoostWritesAndSkipsToTheSameText) {
  std::mt19937 rng(7);
  for (int i = 0; i < 3000; ++i) {
    json::value v = RandomValue(rng, 0);
    std::string text = json::serialize(v);
    JsonReader r(text);
    EXPECT_EQ(ReadValue(r), v) << text;
    EXPECT_TRUE(r.AtEnd());
    std::string spaced = " \n" + text + "\t";
    JsonReader skip(spaced);
    EXPECT_EQ(skip.Skip(), text);
    EXPECT_TRUE(skip.AtEnd());
  }
}

// Damaged text (bytes changed, cut short) is read or rejected with an
// Error, never read past its end (the sanitizer build checks).
TEST(JsonReader, DamagedTextIsReadOrRejected) {
  std::mt19937 rng(11);
  const std::string damage = "\"\\{}[],:0-eE.tfnu\x01 ";
  int rejected = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string text = json::serialize(RandomValue(rng, 0));
    if (text.empty()) continue;
    for (int n = 1 + static_cast<int>(rng() % 3); n > 0; --n)
      text[rng() % text.size()] = damage[rng() % damage.size()];
    if (rng() % 2) text.resize(rng() % text.size());
    JsonReader r(text);
    try {
      r.Skip();
    } catch (const JsonReader::Error&) {
      ++rejected;
    }
  }
  EXPECT_GT(rejected, 1000);
}

TEST(JsonReader, ReadsEscapesAndSpacing) {
  JsonReader r(
      R"( { "a\u00e9\"" : [ "x\ud83d\ude00\/\b\f" , -0 , true ] , "b" : { } , "c" : [ ] } )");
  r.BeginObject();
  std::string_view key;
  ASSERT_TRUE(r.NextKey(key));
  EXPECT_EQ(key, "a\xc3\xa9\"");
  r.BeginArray();
  ASSERT_TRUE(r.NextElement());
  EXPECT_EQ(r.String(), "x\xf0\x9f\x98\x80/\b\f");
  ASSERT_TRUE(r.NextElement());
  EXPECT_EQ(r.Int(), 0);
  ASSERT_TRUE(r.NextElement());
  EXPECT_TRUE(r.Bool());
  EXPECT_FALSE(r.NextElement());
  ASSERT_TRUE(r.NextKey(key));
  EXPECT_EQ(key, "b");
  EXPECT_EQ(r.Skip(), "{ }");
  ASSERT_TRUE(r.NextKey(key));
  EXPECT_EQ(key, "c");
  r.BeginArray();
  EXPECT_FALSE(r.NextElement());
  EXPECT_FALSE(r.NextKey(key));
  EXPECT_TRUE(r.AtEnd());
}

TEST(JsonReader, AKeyStaysValidWhileItsValueIsSkipped) {
  JsonReader r(R"({"k\u0065y":"v\u0061lue"})");
  r.BeginObject();
  std::string_view key;
  ASSERT_TRUE(r.NextKey(key));
  EXPECT_EQ(r.Skip(), R"("v\u0061lue")");
  EXPECT_EQ(key, "key");
}

// Malformed text, and well-formed text that is not what was asked for.
TEST(JsonReader, RejectsWithAnError) {
  struct Case {
    std::string text;
    std::function<void(JsonReader&)> read;
  };
  auto skip = [](JsonReader& r) { r.Skip(); };
  const std::vector<Case> cases = {
      {"", skip},
      {"{", skip},
      {"{\"a\"}", skip},
      {"{\"a\":1,}", skip},
      {"{,\"a\":1}", skip},
      {"[1,,2]", skip},
      {"[1 2]", skip},
      {"{\"a\":1 \"b\":2}", skip},
      {"[\"abc]", skip},
      {"\"a\x01\"", skip},
      {"\"\\x\"", skip},
      {"\"\\u12\"", skip},
      {"\"\\ud800\"", skip},
      {"\"\\udc00\"", skip},
      {"\"\\ud800\\u0041\"", skip},
      {"01", skip},
      {"-", skip},
      {"1.", skip},
      {"1e", skip},
      {"tru", skip},
      {"nul", skip},
      {"x", skip},
      {std::string(65, '['), skip},
      {"1.5", [](JsonReader& r) { r.Int(); }},
      {"1e3", [](JsonReader& r) { r.Int(); }},
      {"9223372036854775808", [](JsonReader& r) { r.Int(); }},
      {"-1", [](JsonReader& r) { r.Uint(); }},
      {"\"1\"", [](JsonReader& r) { r.Int(); }},
      {"1", [](JsonReader& r) { r.String(); }},
      {"null", [](JsonReader& r) { r.Bool(); }},
      {"[]", [](JsonReader& r) { r.BeginObject(); }},
      {"{}", [](JsonReader& r) { r.BeginArray(); }},
  };
  for (const Case& c : cases) {
    JsonReader r(c.text);
    EXPECT_THROW(c.read(r), JsonReader::Error) << c.text;
  }
}

TEST(JsonReader, TryNullConsumesOnlyNull) {
  JsonReader r("[null,1]");
  r.BeginArray();
  ASSERT_TRUE(r.NextElement());
  EXPECT_TRUE(r.TryNull());
  ASSERT_TRUE(r.NextElement());
  EXPECT_FALSE(r.TryNull());
  EXPECT_EQ(r.Int(), 1);
}

TEST(FindJsonSpecial, FindsTheFirstByteToEscapeAtEveryOffset) {
  for (char special : {'"', '\\', '\x00', '\x1f', '\n'}) {
    for (size_t at = 0; at < 40; ++at) {
      std::string s(40, 'a');
      s[at] = special;
      if (at + 3 < s.size()) s[at + 3] = '"';  // a later one is not the first
      for (size_t from = 0; from <= at; ++from) EXPECT_EQ(FindJsonSpecial(s, from), at);
      EXPECT_EQ(FindJsonSpecial(s.substr(0, at), 0), at);
    }
  }
  // UTF-8 and DEL need no escape.
  std::string text = "训练\x7f\xff\x80 ok, all plain text here";
  EXPECT_EQ(FindJsonSpecial(text, 0), text.size());
}

}  // namespace
}  // namespace drover::core
