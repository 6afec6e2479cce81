#include "api/dataset/list_params.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "service/dataset_schema.h"
#include "testing/error_from.h"
#include "text/text.h"

namespace drover::api::dataset {
namespace {

using index::Query;
using index::SortBy;
using service::DatasetNumbers;
using service::DatasetStrings;
using service::DatasetWords;
using service::VersionNumbers;
using service::VersionStrings;
using service::VersionWords;
using Map = std::map<std::string, std::string>;

const service::Principal kWho{"acme", "ann", "ann", "w1", false, false, {}};

Query Datasets(const Map& params) { return ParseListDatasets(params, kWho); }

TEST(DatasetListParams, DefaultsAreOldestFirstTenAPage) {
  Query q = Datasets({});
  EXPECT_EQ(q.sort, SortBy::Number(DatasetNumbers::kCreated));
  EXPECT_FALSE(q.descending);
  EXPECT_EQ(q.offset, 0);
  EXPECT_EQ(q.limit, 10);
  EXPECT_TRUE(q.exact.empty());
  EXPECT_TRUE(q.words.empty());
  EXPECT_FALSE(q.name);
}

TEST(DatasetListParams, EachFilterBecomesItsPartOfTheQuery) {
  Query q = Datasets({{"Name", "MNIST"},
                      {"Label", "Env"},
                      {"Properties", "FILE,DIRECTORY"},
                      {"DataSourceTypes", "NAS"},
                      {"DataTypes", "PIC, TEXT"},
                      {"SourceTypes", "ITAG"},
                      {"DatasetIds", "d-1,d-2"},
                      {"SourceId", "s"},
                      {"SourceDatasetId", "d-0"},
                      {"Provider", "pai"},
                      {"Edition", "ADVANCED"},
                      {"Accessibility", "ROLE_PUBLIC"},
                      {"WorkspaceId", "w9"},
                      {"SortBy", "GmtModifiedTime"},
                      {"Order", "desc"},
                      {"PageNumber", "3"},
                      {"PageSize", "20"}});
  ASSERT_TRUE(q.name);
  EXPECT_EQ(q.name->first, index::NameMatch::kWildcard);
  EXPECT_EQ(q.name->second, "mnist");
  EXPECT_EQ(q.tag_contains, "env");
  EXPECT_EQ(q.exact.at(DatasetStrings::kProperty), (std::vector<std::string>{"FILE", "DIRECTORY"}));
  EXPECT_EQ(q.exact.at(DatasetStrings::kDataSourceType), (std::vector<std::string>{"NAS"}));
  EXPECT_EQ(q.exact.at(DatasetStrings::kDataType), (std::vector<std::string>{"PIC", "TEXT"}));
  EXPECT_EQ(q.exact.at(DatasetStrings::kSourceType), (std::vector<std::string>{"ITAG"}));
  EXPECT_EQ(q.public_ids, (std::vector<std::string>{"d-1", "d-2"}));
  EXPECT_EQ(q.exact.at(DatasetStrings::kSourceId), (std::vector<std::string>{"s"}));
  EXPECT_EQ(q.exact.at(DatasetStrings::kSourceDatasetId), (std::vector<std::string>{"d-0"}));
  EXPECT_EQ(q.exact.at(DatasetStrings::kProvider), (std::vector<std::string>{"pai"}));
  EXPECT_EQ(q.exact.at(DatasetStrings::kEdition), (std::vector<std::string>{"ADVANCED"}));
  EXPECT_EQ(q.values.at(DatasetNumbers::kAccessibility), (std::vector<int64_t>{2}));
  EXPECT_EQ(q.words.at(DatasetWords::kPlaces),
            (std::vector<std::string>{service::PlaceWord("acme", "w9")}));
  EXPECT_EQ(q.sort, SortBy::Number(DatasetNumbers::kModified));
  EXPECT_TRUE(q.descending);
  EXPECT_EQ(q.offset, 40);
  EXPECT_EQ(q.limit, 20);
}

TEST(DatasetListParams, ShareScopesAskForSharesIntoOrOutOfTheWorkspace) {
  Query to_me = Datasets({{"ShareScope", "TO_ME"}});  // the caller's default workspace
  EXPECT_EQ(to_me.words.at(DatasetWords::kSharedInto),
            (std::vector<std::string>{service::PlaceWord("acme", "w1")}));
  Query by_me = Datasets({{"ShareScope", "BY_ME"}, {"WorkspaceId", "w2"}});
  EXPECT_EQ(by_me.values.at(DatasetNumbers::kShared), (std::vector<int64_t>{1}));
  EXPECT_EQ(by_me.exact.at(DatasetStrings::kWorkspace), (std::vector<std::string>{"w2"}));
  EXPECT_EQ(by_me.exact.at(DatasetStrings::kTenant), (std::vector<std::string>{"acme"}));
}

TEST(DatasetListParams, BadValuesAreRefusedNamingTheParameter) {
  const std::pair<Map, const char*> cases[] = {
      {{{"Properties", "FILE,FOLDER"}}, "Properties"},
      {{{"DataSourceTypes", "FTP"}}, "DataSourceTypes"},
      {{{"DataTypes", "pic"}}, "DataTypes"},
      {{{"SourceTypes", "OTHER"}}, "SourceTypes"},
      {{{"Edition", "PRO"}}, "Edition"},
      {{{"Accessibility", "public"}}, "Accessibility"},
      {{{"ShareScope", "ALL"}}, "ShareScope"},
      {{{"SortBy", "DataSize"}}, "SortBy"},
      {{{"Order", "sideways"}}, "Order"},
      {{{"PageNumber", "0"}}, "PageNumber"},
      {{{"PageSize", "1001"}}, "PageSize"},
      {{{"PageSize", "ten"}}, "PageSize"},
      {{{"Name", std::string(128, 'n')}}, "Name"},
      {{{"SourceId", std::string(257, 's')}}, "SourceId"},
  };
  for (const auto& [params, parameter] : cases) {
    const Map& given = params;  // a lambda may not name a structured binding (clang)
    core::Error e = testing::ErrorFrom([&] { Datasets(given); });
    EXPECT_EQ(e.code(), core::ErrorCode::kInvalidArgument) << parameter;
    EXPECT_EQ(e.parameter(), parameter) << e.what();
  }
}

TEST(VersionListParams, FiltersSortsAndPages) {
  Query q = ParseListVersions({{"LabelKeys", "stage,team"},
                               {"LabelValues", "gold"},
                               {"Properties", "FILE"},
                               {"SourceTypes", "PAI-PUBLIC-DATASET,USER"},
                               {"SourceId", "s"},
                               {"SortBy", "DataSize"},
                               {"Order", "DESC"},
                               {"PageSize", "5"}});
  EXPECT_EQ(q.words.at(VersionWords::kLabelKeys),
            (std::vector<std::string>{text::AsOneWord("stage"), text::AsOneWord("team")}));
  EXPECT_EQ(q.words.at(VersionWords::kLabelValues),
            (std::vector<std::string>{text::AsOneWord("gold")}));
  EXPECT_EQ(q.exact.at(VersionStrings::kProperty), (std::vector<std::string>{"FILE"}));
  EXPECT_EQ(q.exact.at(VersionStrings::kSourceType),
            (std::vector<std::string>{"PAI_PUBLIC_DATASET", "USER"}));
  EXPECT_EQ(q.exact.at(VersionStrings::kSourceId), (std::vector<std::string>{"s"}));
  EXPECT_EQ(q.sort, SortBy::Number(VersionNumbers::kDataSize));
  EXPECT_TRUE(q.descending);
  EXPECT_EQ(q.limit, 5);
  EXPECT_EQ(ParseListVersions({}).sort, SortBy::Number(VersionNumbers::kCreated));
  EXPECT_EQ(ParseListVersions({{"SortBy", "VersionName"}}).sort,
            SortBy::Number(VersionNumbers::kNumber));
  EXPECT_EQ(testing::ErrorFrom([] {
              ParseListVersions({{"SortBy", "Name"}});
            }).parameter(),
            "SortBy");
  EXPECT_EQ(testing::ErrorFrom([] {
              ParseListVersions({{"Properties", "x"}});
            }).parameter(),
            "Properties");
}

}  // namespace
}  // namespace drover::api::dataset
