// Services name fields neutrally; each dialect spells them its own way in
// the error bodies its SDKs read.

#include "api/http/field_names.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "api/dlc/errors.h"
#include "api/modelarts/errors.h"
#include "core/error.h"
#include "testing/error_from.h"

namespace drover::api {
namespace {

constexpr std::pair<std::string_view, std::string_view> kNames[] = {
    {"roles", "JobSpecs"}, {"cpu", "ResourceConfig.CPU"}, {"display_name", "DisplayName"}};

TEST(SpellField, MapsEachSegmentAndKeepsIndexes) {
  EXPECT_EQ(SpellField("display_name", kNames), "DisplayName");
  EXPECT_EQ(SpellField("roles[3].cpu", kNames), "JobSpecs[3].ResourceConfig.CPU");
  EXPECT_EQ(SpellField("roles", kNames), "JobSpecs");
  EXPECT_EQ(SpellField("PageSize", kNames), "PageSize");  // a dialect's own name
  EXPECT_EQ(SpellField("config.worker_server_num", kNames), "config.worker_server_num");
  EXPECT_EQ(SpellField("", kNames), "");
}

std::string Message(const Response& r, const char* key) {
  return std::string(boost::json::parse(r.body).as_object().at(key).as_string());
}

TEST(SpellField, EachDialectNamesTheServicesFieldsItsOwnWay) {
  Request request;
  request.request_id = "req-1";
  core::Error missing = drover::testing::ErrorFrom([] { core::ThrowMissing("display_name"); });
  EXPECT_EQ(missing.what(), std::string("display_name is mandatory for this action."));
  EXPECT_EQ(Message(dlc::RenderError(missing, request), "Message"),
            "DisplayName is mandatory for this action.");
  EXPECT_EQ(Message(modelarts::RenderError(missing, request), "error_message"),
            "job_name is mandatory for this action.");

  core::Error cpu = drover::testing::ErrorFrom(
      [] { core::ThrowInvalidField("roles[0].cpu", " must be a number of cores up to 10000."); });
  EXPECT_EQ(Message(dlc::RenderError(cpu, request), "Message"),
            "JobSpecs[0].ResourceConfig.CPU must be a number of cores up to 10000.");

  // A value in the message is not taken for a field name.
  core::Error env = drover::testing::ErrorFrom(
      [] { core::ThrowInvalid("envs", "The environment variable roles must be short."); });
  EXPECT_EQ(Message(dlc::RenderError(env, request), "Message"),
            "The environment variable roles must be short.");

  // A taken name: ModelArts words it as its service does.
  core::Error taken(core::ErrorCode::kAlreadyExists, "A job named mnist exists already.",
                    "display_name", core::kNameTaken, "mnist");
  EXPECT_EQ(Message(modelarts::RenderError(taken, request), "error_message"),
            "Job name:mnist is existed");
  EXPECT_EQ(Message(dlc::RenderError(taken, request), "Message"),
            "A job named mnist exists already.");
}

}  // namespace
}  // namespace drover::api
