#include "service/dataset_job_schema.h"

#include <algorithm>

#include "text/text.h"

namespace drover::service {

namespace {

using core::DatasetFile;
using core::DatasetJob;
using core::DatasetJobConfig;
using index::NumberField;
using index::StringField;

StringField Exact(const char* name) { return StringField{.name = name, .exact = true}; }
NumberField Time(const char* name) { return {.name = name, .zero_is_none = true, .sort = true}; }
NumberField Bitmaps(const char* name) { return {.name = name, .bitmaps = true}; }

std::vector<std::string> StatusNames() {
  return {std::begin(core::kDatasetJobStatusNames), std::end(core::kDatasetJobStatusNames)};
}

index::SchemaOf<DatasetJob>* DeclareJob() {
  auto* s = new index::SchemaOf<DatasetJob>(
      "dataset-job", [](const DatasetJob& j) -> uint64_t { return j.id; },
      [](const DatasetJob& j) -> std::string_view { return j.public_id; });
  using S = DatasetJobStrings;
  s->String(S::kTenant, Exact("TenantId"), &DatasetJob::tenant_id);
  s->String(S::kUserId, Exact("UserId"), &DatasetJob::user_id);
  s->String(S::kWorkspace, Exact("WorkspaceId"), &DatasetJob::workspace_id);
  s->String(S::kVersion, Exact("DatasetVersion"), &DatasetJob::version);
  s->String(S::kAction, {.name = "JobAction", .exact = true, .sort = true}, &DatasetJob::action);
  s->String(S::kDescription, {.name = "Description", .search = true, .sort = true},
            &DatasetJob::description);
  using N = DatasetJobNumbers;
  s->Number(N::kCreated, Time("CreateTime"), &DatasetJob::created);
  s->Number(N::kFinished, Time("FinishTime"), &DatasetJob::finished);
  s->Number(N::kDataset, Bitmaps("Dataset"),
            [](const DatasetJob& j) { return static_cast<int64_t>(j.dataset); });
  s->Number(
      N::kStatus,
      {.name = "Status", .bitmaps = true, .sort = true, .small = true, .names = StatusNames()},
      [](const DatasetJob& j) { return static_cast<int64_t>(j.status); });
  s->Created(N::kCreated);
  s->Access({.tenant = S::kTenant, .owner = S::kUserId});
  s->Check();
  return s;
}

index::SchemaOf<DatasetJobConfig>* DeclareConfig() {
  auto* s = new index::SchemaOf<DatasetJobConfig>(
      "dataset-job-config", [](const DatasetJobConfig& c) -> uint64_t { return c.id; },
      [](const DatasetJobConfig& c) -> std::string_view { return c.public_id; });
  using S = JobConfigStrings;
  s->String(S::kTenant, Exact("TenantId"), &DatasetJobConfig::tenant_id);
  s->String(S::kUserId, Exact("UserId"), &DatasetJobConfig::user_id);
  s->String(S::kWorkspace, Exact("WorkspaceId"), &DatasetJobConfig::workspace_id);
  s->String(S::kVersion, Exact("DatasetVersion"), &DatasetJobConfig::version);
  s->String(S::kConfigType, {.name = "ConfigType", .exact = true, .sort = true},
            &DatasetJobConfig::config_type);
  using N = JobConfigNumbers;
  s->Number(N::kCreated, Time("CreateTime"), &DatasetJobConfig::created);
  s->Number(N::kModified, Time("ModifyTime"), &DatasetJobConfig::modified);
  s->Number(N::kDataset, Bitmaps("Dataset"),
            [](const DatasetJobConfig& c) { return static_cast<int64_t>(c.dataset); });
  s->Created(N::kCreated);
  s->Access({.tenant = S::kTenant, .owner = S::kUserId});
  s->Check();
  return s;
}

index::SchemaOf<DatasetFile>* DeclareFile() {
  auto* s = new index::SchemaOf<DatasetFile>(
      "dataset-file", [](const DatasetFile& f) -> uint64_t { return f.id; },
      [](const DatasetFile& f) -> std::string_view { return f.public_id; });
  using S = DatasetFileStrings;
  s->String(S::kTenant, Exact("TenantId"), &DatasetFile::tenant_id);
  s->String(S::kUserId, Exact("UserId"), &DatasetFile::user_id);
  s->String(S::kVersion, Exact("DatasetVersion"), &DatasetFile::version);
  s->String(S::kFileDir, {.name = "FileDir", .contains = true}, &DatasetFile::file_dir);
  s->String(S::kFileType, Exact("FileType"), &DatasetFile::file_type);
  s->String(S::kContentType, Exact("ContentType"), &DatasetFile::content_type);
  s->String(S::kFileName, {.name = "FileName", .search = true, .sort = true},
            &DatasetFile::file_name);
  using N = DatasetFileNumbers;
  s->Number(N::kFileCreated, Time("FileCreateTime"), &DatasetFile::file_created);
  s->Number(N::kFileUpdated, Time("FileUpdateTime"), &DatasetFile::file_updated);
  s->Number(N::kTagUpdated, Time("TagUpdateTime"), &DatasetFile::tag_updated);
  s->Number(N::kDataset, Bitmaps("Dataset"),
            [](const DatasetFile& f) { return static_cast<int64_t>(f.dataset); });
  s->Number(N::kSize, {.name = "DataSize", .sort = true}, &DatasetFile::size);
  auto one_word_each = [](const std::vector<std::string>& tags) {
    std::string words;
    for (const std::string& tag : tags) words += text::AsOneWord(tag) + " ";
    return words;
  };
  using W = DatasetFileWords;
  s->Words(W::kTags, {"Tags", false},
           [one_word_each](const DatasetFile& f) { return one_word_each(ShownTags(f)); });
  s->Words(W::kAiTags, {"AiTags", false},
           [one_word_each](const DatasetFile& f) { return one_word_each(f.ai_tags); });
  s->Words(W::kUserTags, {"UserTags", false},
           [one_word_each](const DatasetFile& f) { return one_word_each(f.user_tags); });
  s->Words(W::kDeletedAiTags, {"DeletedAiTags", false},
           [one_word_each](const DatasetFile& f) { return one_word_each(f.deleted_ai_tags); });
  s->Created(N::kFileCreated);
  s->Access({.tenant = S::kTenant, .owner = S::kUserId});
  s->Check();
  return s;
}

}  // namespace

const index::SchemaOf<DatasetJob>& DatasetJobSchema() {
  static const index::SchemaOf<DatasetJob>* schema = DeclareJob();  // never destroyed
  return *schema;
}

const index::SchemaOf<DatasetJobConfig>& DatasetJobConfigSchema() {
  static const index::SchemaOf<DatasetJobConfig>* schema = DeclareConfig();  // never destroyed
  return *schema;
}

const index::SchemaOf<DatasetFile>& DatasetFileSchema() {
  static const index::SchemaOf<DatasetFile>* schema = DeclareFile();  // never destroyed
  return *schema;
}

std::vector<std::string> ShownTags(const DatasetFile& file) {
  std::vector<std::string> shown;
  auto add = [&](const std::string& tag) {
    if (std::find(shown.begin(), shown.end(), tag) == shown.end()) shown.push_back(tag);
  };
  for (const std::string& tag : file.ai_tags) {
    if (std::find(file.deleted_ai_tags.begin(), file.deleted_ai_tags.end(), tag) ==
        file.deleted_ai_tags.end()) {
      add(tag);
    }
  }
  for (const std::string& tag : file.user_tags) add(tag);
  return shown;
}

}  // namespace drover::service
