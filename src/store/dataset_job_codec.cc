#include "store/dataset_job_codec.h"

#include "store/document.h"

namespace drover::store {

using core::DatasetFile;
using core::DatasetJob;
using core::DatasetJobConfig;

template <>
struct Fields<DatasetJob> {
  template <class R, class F>
  static void Visit(R& r, F&& f) {
    f("id", r.id);
    f("public_id", r.public_id);
    f("dataset", r.dataset);
    f("dataset_id", r.dataset_id);
    f("version", r.version);
    f("tenant", r.tenant_id);
    f("workspace", r.workspace_id);
    f("user_id", r.user_id);
    f("action", r.action);
    f("mode", r.mode);
    f("spec", r.spec);
    f("description", r.description);
    f("status", r.status);
    f("created", r.created);
    f("started", r.started);
    f("finished", r.finished);
    f("modified", r.modified);
    f("logs", r.logs);
    f("total", r.total_files);
    f("completed", r.completed_files);
    f("failed", r.failed_files);
    f("reason", r.reason);
  }
};

template <>
struct Fields<DatasetJobConfig> {
  template <class R, class F>
  static void Visit(R& r, F&& f) {
    f("id", r.id);
    f("public_id", r.public_id);
    f("dataset", r.dataset);
    f("dataset_id", r.dataset_id);
    f("version", r.version);
    f("tenant", r.tenant_id);
    f("workspace", r.workspace_id);
    f("user_id", r.user_id);
    f("type", r.config_type);
    f("config", r.config);
    f("created", r.created);
    f("modified", r.modified);
  }
};

template <>
struct Fields<DatasetFile> {
  template <class R, class F>
  static void Visit(R& r, F&& f) {
    f("id", r.id);
    f("public_id", r.public_id);
    f("dataset", r.dataset);
    f("dataset_id", r.dataset_id);
    f("version", r.version);
    f("tenant", r.tenant_id);
    f("workspace", r.workspace_id);
    f("user_id", r.user_id);
    f("uri", r.uri);
    f("name", r.file_name);
    f("dir", r.file_dir);
    f("type", r.file_type);
    f("content_type", r.content_type);
    f("size", r.size);
    f("fingerprint", r.fingerprint);
    f("file_created", r.file_created);
    f("file_updated", r.file_updated);
    f("meta", r.meta_attributes);
    f("ai_tags", r.ai_tags);
    f("user_tags", r.user_tags);
    f("deleted_ai_tags", r.deleted_ai_tags);
    f("comment", r.comment);
    f("tag_updated", r.tag_updated);
    f("status", r.status);
    f("created", r.created);
    f("semantic_job", r.semantic_job_id);
    f("semantic_indexed", r.semantic_indexed);
    f("embedding", r.embedding);
  }
};

std::string EncodeDatasetJob(const DatasetJob& job) { return EncodeDocument(job, 512); }
DatasetJob DecodeDatasetJob(std::string_view document) {
  return DecodeDocument<DatasetJob>(document, "dataset job");
}
std::string EncodeDatasetJobConfig(const DatasetJobConfig& config) {
  return EncodeDocument(config, 256);
}
DatasetJobConfig DecodeDatasetJobConfig(std::string_view document) {
  return DecodeDocument<DatasetJobConfig>(document, "dataset job config");
}
std::string EncodeDatasetFile(const DatasetFile& file) { return EncodeDocument(file, 384); }
DatasetFile DecodeDatasetFile(std::string_view document) {
  return DecodeDocument<DatasetFile>(document, "dataset file");
}

}  // namespace drover::store
