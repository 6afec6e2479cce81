#include "store/batch_job_codec.h"

#include "store/document.h"
#include "store/object_tag_fields.h"

namespace drover::store {

using core::BatchChunk;
using core::BatchFailure;
using core::BatchJob;

template <>
struct Fields<BatchFailure> {
  template <class R, class F>
  static void Visit(R& r, F&& f) {
    f("code", r.code);
    f("reason", r.reason);
  }
};

template <>
struct Fields<BatchJob> {
  template <class R, class F>
  static void Visit(R& r, F&& f) {
    f("id", r.id);
    f("public_id", r.public_id);
    f("tenant", r.tenant_id);
    f("user_id", r.user_id);
    f("op", r.operation);
    f("tags", r.tags);
    f("acl", r.acl);
    f("days", r.restore_days);
    f("tier", r.restore_tier);
    f("m_bucket", r.manifest_bucket);
    f("m_object", r.manifest_object);
    f("m_etag", r.manifest_etag);
    f("m_format", r.manifest_format);
    f("m_fields", r.manifest_fields);
    f("by_prefix", r.by_prefix);
    f("p_bucket", r.prefix_bucket);
    f("prefix", r.prefix);
    f("report", r.report_enabled);
    f("r_bucket", r.report_bucket);
    f("r_prefix", r.report_prefix);
    f("r_scope", r.report_scope);
    f("confirm", r.confirmation_required);
    f("priority", r.priority);
    f("description", r.description);
    f("role", r.role_arn);
    f("token", r.client_token);
    f("digest", r.request_digest);
    f("status", r.status);
    f("reason", r.status_reason);
    f("failures", r.failures);
    f("created", r.created);
    f("active_since", r.active_since);
    f("active_ms", r.active_ms);
    f("terminated", r.terminated);
    f("total", r.total);
    f("succeeded", r.succeeded);
    f("failed", r.failed);
    f("done", r.done);
    f("report_key", r.report_key);
  }
};

template <>
struct Fields<BatchChunk> {
  template <class R, class F>
  static void Visit(R& r, F&& f) {
    f("id", r.id);
    f("job", r.job);
    f("first", r.first);
    f("count", r.count);
    f("rows", r.rows);
  }
};

std::string EncodeBatchJob(const BatchJob& job) { return EncodeDocument(job, 512); }
BatchJob DecodeBatchJob(std::string_view document) {
  return DecodeDocument<BatchJob>(document, "batch job");
}
std::string EncodeBatchChunk(const BatchChunk& chunk) {
  return EncodeDocument(chunk, 64 + chunk.rows.size());
}
BatchChunk DecodeBatchChunk(std::string_view document) {
  return DecodeDocument<BatchChunk>(document, "batch chunk");
}

}  // namespace drover::store
