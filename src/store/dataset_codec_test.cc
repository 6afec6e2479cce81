#include "store/dataset_codec.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace drover::store {
namespace {

TEST(DatasetCodec, RoundTripsEveryFieldOfDatasetsAndVersions) {
  core::Dataset d;
  d.id = 3;
  d.public_id = "d-abc";
  d.tenant_id = "t";
  d.workspace_id = "w";
  d.user_id = "u";
  d.username = "u";
  d.name = "数据集-\"q\"";
  d.description = "line\nbreak";
  d.property = "DIRECTORY";
  d.data_source_type = "NAS";
  d.data_type = "PIC";
  d.source_type = "ITAG";
  d.source_id = "s";
  d.uri = "nas://fs/x";
  d.options = R"({"mountPath":"/mnt"})";
  d.import_info = R"({"region":"r"})";
  d.edition = "BASIC";
  d.provider_type = "Lingjun";
  d.provider = "p";
  d.accessibility = core::DatasetAccess::kRolePublic;
  d.accessible_roles = {"PAI.AlgoDeveloper"};
  d.mount_access = "RW";
  d.mount_rw_roles = {"*"};
  d.labels = {{"k", "v"}, {"团队", ""}};
  d.source_dataset_id = "d-0";
  d.source_dataset_version = "v1";
  d.tag_template_type = "TextClassification";
  d.shares = {core::DatasetShare{.tenant_id = "t2",
                                 .workspace_id = "w2",
                                 .mount_levels = {"RO", "RW"},
                                 .secure_mode = true,
                                 .extra = "{}",
                                 .shared_at = 5,
                                 .expires_at = 9,
                                 .status = core::ShareStatus::kRevoked}};
  d.created = 1;
  d.modified = 2;
  d.version_count = 2;
  d.last_version_number = 4;
  d.latest_version = 11;
  EXPECT_EQ(DecodeDataset(EncodeDataset(d)), d);

  core::DatasetVersion v;
  v.id = 11;
  v.public_id = "d-abc/v4";
  v.dataset = 3;
  v.dataset_id = "d-abc";
  v.tenant_id = "t";
  v.workspace_id = "w";
  v.user_id = "u";
  v.name = "v4";
  v.number = 4;
  v.property = "FILE";
  v.data_source_type = "NAS";
  v.uri = "nas://fs/x/f";
  v.source_type = "USER";
  v.source_id = "s";
  v.mount_access = "RO";
  v.options = "{}";
  v.import_info = "{}";
  v.description = "d";
  v.data_count = 7;
  v.data_size = int64_t{1} << 40;
  v.labels = {{"a", "b"}};
  v.created = 3;
  v.modified = 4;
  EXPECT_EQ(DecodeDatasetVersion(EncodeDatasetVersion(v)), v);
}

TEST(DatasetCodec, DefaultsAreLeftOutAndACorruptDocumentIsAnInternalError) {
  core::Dataset plain;
  plain.id = 1;
  EXPECT_EQ(EncodeDataset(plain), R"({"id":1})");
  EXPECT_EQ(DecodeDataset(R"({"id":1})"), plain);
  try {
    DecodeDatasetVersion("{\"id\":");
    ADD_FAILURE() << "decoded a corrupt document";
  } catch (const core::Error& e) {
    EXPECT_EQ(e.code(), core::ErrorCode::kInternal);
    EXPECT_NE(std::string(e.what()).find("dataset version"), std::string::npos);
  }
}

}  // namespace
}  // namespace drover::store
