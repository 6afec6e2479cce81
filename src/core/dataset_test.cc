#include "core/dataset.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "testing/error_from.h"

namespace drover::core {
namespace {

using testing::ErrorFrom;

TEST(DatasetRules, NamesAreLettersDigitsChineseUnderscoresAndHyphens) {
  for (const char* ok : {"a", "mnist_v2-final", "9lives", "数据集", "数据-set_1"}) {
    EXPECT_NO_THROW(CheckDatasetName(ok)) << ok;
  }
  EXPECT_NO_THROW(CheckDatasetName(std::string(127, 'a')));
  std::string cjk_127;
  for (int i = 0; i < 127; ++i) cjk_127 += "数";
  EXPECT_NO_THROW(CheckDatasetName(cjk_127));  // characters, not bytes
  for (const std::string& bad :
       {std::string("_a"), std::string("-a"), std::string("a b"), std::string("a.b"),
        std::string("a/b"), std::string(128, 'a'), cjk_127 + "数",
        std::string("Ｚ") /* full-width: not ASCII, not CJK */}) {
    Error e = ErrorFrom([&] { CheckDatasetName(bad); });
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument) << bad;
    EXPECT_EQ(e.parameter(), "name");
  }
  EXPECT_EQ(ErrorFrom([] { CheckDatasetName(""); }).code(), ErrorCode::kMissingArgument);
}

TEST(DatasetRules, JsonTextFieldsMustHoldAnObject) {
  EXPECT_NO_THROW(CheckJsonObjectText("options", ""));
  EXPECT_NO_THROW(CheckJsonObjectText("options", R"({"mountPath":"/mnt/data/"})"));
  for (const char* bad : {"{", "[]", "\"s\"", "1", "{} {}", "{\"a\":}", "null"}) {
    EXPECT_EQ(ErrorFrom([&] { CheckJsonObjectText("options", bad); }).parameter(), "options")
        << bad;
  }
  std::string big = "{\"k\":\"" + std::string(kMaxJsonTextBytes, 'x') + "\"}";
  EXPECT_EQ(ErrorFrom([&] { CheckJsonObjectText("options", big); }).code(),
            ErrorCode::kInvalidArgument);
}

TEST(DatasetRules, LabelsFollowTheTagRules) {
  EXPECT_NO_THROW(CheckLabels("labels", {{"env", "test"}, {"团队", ""}}));
  const std::vector<std::vector<Label>> bad = {
      {{"", "v"}},
      {{"aliyun-x", "v"}},
      {{"acs:x", "v"}},
      {{"k", "http://x"}},
      {{"https://k", "v"}},
      {{std::string(129, 'k'), "v"}},
      {{"k", std::string(129, 'v')}},
      {{"k", "1"}, {"k", "2"}},
      std::vector<Label>(kMaxLabels + 1, Label{"k", "v"}),
  };
  for (const std::vector<Label>& labels : bad) {
    EXPECT_EQ(ErrorFrom([&] { CheckLabels("labels", labels); }).parameter(), "labels");
  }
  std::vector<Label> merged = {{"a", "1"}, {"b", "2"}};
  MergeLabels(merged, {{"b", "3"}, {"c", "4"}});
  EXPECT_EQ(merged, (std::vector<Label>{{"a", "1"}, {"b", "3"}, {"c", "4"}}));
}

TEST(DatasetRules, RoleIdsAreBuiltInOrCustom) {
  EXPECT_NO_THROW(CheckRoleIds("r", {"PAI.AlgoDeveloper", "role-abc"}, false));
  EXPECT_NO_THROW(CheckRoleIds("r", {"*"}, true));
  EXPECT_EQ(ErrorFrom([] { CheckRoleIds("r", {"*"}, false); }).parameter(), "r");
  EXPECT_EQ(ErrorFrom([] { CheckRoleIds("r", {"admin"}, true); }).parameter(), "r");
}

TEST(DatasetRules, SharesNameOtherWorkspacesOnce) {
  DatasetShare ok{.tenant_id = "t", .workspace_id = "w2"};
  EXPECT_NO_THROW(CheckShares({ok}, "t", "w1"));
  DatasetShare home{.tenant_id = "t", .workspace_id = "w1"};
  DatasetShare no_levels{.tenant_id = "t", .workspace_id = "w3", .mount_levels = {}};
  DatasetShare bad_level{.tenant_id = "t", .workspace_id = "w3", .mount_levels = {"RX"}};
  DatasetShare past{.tenant_id = "t", .workspace_id = "w3", .shared_at = 10, .expires_at = 5};
  DatasetShare extra{.tenant_id = "t", .workspace_id = "w3", .extra = "[1]"};
  const std::pair<std::vector<DatasetShare>, const char*> cases[] = {
      {{home}, "shares.workspace"},         {{ok, ok}, "shares.workspace"},
      {{no_levels}, "shares.mount_levels"}, {{bad_level}, "shares.mount_levels"},
      {{past}, "shares.expires_at"},        {{extra}, "shares.extra"},
  };
  for (const auto& [shares, parameter] : cases) {
    const std::vector<DatasetShare>& given = shares;  // a lambda may not name a binding (clang)
    EXPECT_EQ(ErrorFrom([&] { CheckShares(given, "t", "w1"); }).parameter(), parameter);
  }
}

TEST(DatasetRules, WhoSeesADataset) {
  Dataset d;
  d.tenant_id = "t";
  d.workspace_id = "w1";
  d.user_id = "owner";
  Viewer owner{"t", "owner", false, {}};
  Viewer member{"t", "m", false, {{"w1", WorkspaceRole::kMember}}};
  Viewer ws_admin{"t", "a", false, {{"w1", WorkspaceRole::kAdmin}}};
  Viewer tenant_admin{"t", "boss", true, {}};
  Viewer elsewhere{"t", "x", false, {{"w2", WorkspaceRole::kMember}}};
  Viewer other_tenant{"u", "y", true, {{"w1", WorkspaceRole::kAdmin}}};
  auto sees = [&](const Viewer& v) { return CanSee(v, d, 100); };
  EXPECT_TRUE(sees(owner));
  EXPECT_FALSE(sees(member));
  EXPECT_TRUE(sees(ws_admin));
  EXPECT_TRUE(sees(tenant_admin));
  EXPECT_FALSE(sees(other_tenant));
  d.accessibility = DatasetAccess::kRolePublic;
  d.accessible_roles = {"role-x"};
  EXPECT_FALSE(sees(member));
  d.accessible_roles = {kMemberRoleId};
  EXPECT_TRUE(sees(member));
  EXPECT_FALSE(sees(elsewhere));
  d.shares = {DatasetShare{.tenant_id = "t", .workspace_id = "w2", .expires_at = 200},
              DatasetShare{.tenant_id = "u", .workspace_id = "z", .status = ShareStatus::kRevoked}};
  EXPECT_TRUE(sees(elsewhere));
  EXPECT_NE(SharedTo(elsewhere, d, 100), nullptr);
  EXPECT_EQ(SharedTo(member, d, 100), nullptr);  // sees it in its own right
  EXPECT_FALSE(CanSee(elsewhere, d, 200));       // expired
  EXPECT_FALSE(sees(other_tenant));              // revoked
  EXPECT_FALSE(CanChange(elsewhere, d));
  EXPECT_EQ(d.NextShareExpiry(), 200);
}

}  // namespace
}  // namespace drover::core
