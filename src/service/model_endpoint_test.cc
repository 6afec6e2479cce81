// What a model's answer gives as tags, and which endpoints are callable.
// The calls themselves are tested end to end against a stand-in server
// speaking the OpenAI wire format (tests/e2e/model_stub.mjs).
#include "service/model_endpoint.h"

#include <gtest/gtest.h>

namespace drover::service {
namespace {

TEST(ModelEndpoint, AnAnswerSplitsIntoCleanDistinctTags) {
  EXPECT_EQ(ModelEndpoint::TagsOf("cat, dog,\n\"red car\".,  , cat，猫、street"),
            (std::vector<std::string>{"cat", "dog", "red car", "猫", "street"}));
  EXPECT_EQ(ModelEndpoint::TagsOf("- sky\n- tree\n"), (std::vector<std::string>{"sky", "tree"}));
  EXPECT_TRUE(ModelEndpoint::TagsOf("").empty());
  std::string many;
  for (int i = 0; i < 100; ++i) many += "t" + std::to_string(i) + ",";
  EXPECT_EQ(ModelEndpoint::TagsOf(many).size(), ModelEndpoint::kMaxTags);
  EXPECT_EQ(ModelEndpoint::TagsOf(std::string(65, 'x') + ",ok"), std::vector<std::string>{"ok"});
  EXPECT_EQ(ModelEndpoint::TagsOf("ok,\xff\xfe"), std::vector<std::string>{"ok"});
}

TEST(ModelEndpoint, OnlyPlainHttpUrlsWithAHost) {
  EXPECT_NO_THROW(ModelEndpoint({"http://127.0.0.1:8000/v1", "", "m"}));
  EXPECT_NO_THROW(ModelEndpoint({"http://models.internal/v1/", "", "m"}));
  try {
    ModelEndpoint endpoint({"https://api.example.com/v1", "", "m"});
    ADD_FAILURE() << "an https URL was taken";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("is not an http:// URL"), std::string::npos) << e.what();
  }
  EXPECT_THROW(ModelEndpoint({"http:///v1", "", "m"}), std::runtime_error);
}

TEST(ModelEndpoint, AnEndpointThatDoesNotAnswerIsAnErrorNamingIt) {
  ModelEndpoint endpoint({"http://127.0.0.1:1/v1", "", "m", 2000});
  try {
    endpoint.Embed({"text"});
    ADD_FAILURE() << "a closed port answered";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("the model endpoint http://127.0.0.1:1/v1/embeddings"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace drover::service
