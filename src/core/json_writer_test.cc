#include "core/json_writer.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace drover::core {
namespace {

namespace json = boost::json;

TEST(JsonWriter, PlacesCommasAndEscapesAsJsonRequires) {
  std::string out;
  JsonWriter w(out);
  w.BeginObject()
      .Member("quote\"back\\slash", "line\nbreak\ttab\x01 训练")
      .Key("empty")
      .BeginArray()
      .EndArray()
      .Key("list")
      .BeginArray()
      .Int(-12)
      .Bool(true)
      .Null()
      .BeginObject()
      .EndObject()
      .Raw(R"({"a":[1,"x"]})")
      .Raw(R"([true,"r"])")
      .EndArray()
      .Member("n", int64_t{9007199254740993})
      .Member("long", "a long run of plain text \"then\" more plain text after it\x1f")
      .EndObject();
  EXPECT_EQ(out, R"({"quote\"back\\slash":"line\nbreak\ttab\u0001 训练","empty":[],)"
                 R"("list":[-12,true,null,{},{"a":[1,"x"]},[true,"r"]],"n":9007199254740993,)"
                 R"("long":"a long run of plain text \"then\" more plain text after it\u001f"})");
  json::object parsed = json::parse(out).as_object();
  EXPECT_EQ(parsed["quote\"back\\slash"], "line\nbreak\ttab\x01 训练");
}

}  // namespace
}  // namespace drover::core
