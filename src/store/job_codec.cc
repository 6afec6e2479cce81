#include "store/job_codec.h"

#include "store/document.h"

namespace drover::store {

using core::RoleSpec;
using core::StatusEvent;
using core::TrainingJob;

template <>
struct Fields<RoleSpec> {
  template <class R, class F>
  static void Visit(R& r, F&& f) {
    f("role", r.role);
    f("image", r.image);
    f("pods", r.pod_count);
    f("instance_type", r.instance_type);
    f("cpu", r.cpu);
    f("gpu", r.gpu);
    f("memory", r.memory);
    f("restart_policy", r.restart_policy);
  }
};

template <>
struct Fields<StatusEvent> {
  template <class R, class F>
  static void Visit(R& r, F&& f) {
    f("status", r.status);
    f("start", r.start);
    f("end", r.end);
    f("reason_code", r.reason_code);
    f("reason_message", r.reason_message);
  }
};

template <>
struct Fields<core::DataMount> {
  template <class R, class F>
  static void Visit(R& r, F&& f) {
    f("dataset", r.dataset_id);
    f("version", r.version);
    f("uri", r.uri);
    f("source_kind", r.data_source_type);
    f("property", r.property);
    f("path", r.mount_path);
    f("access", r.mount_access);
    f("options", r.options);
  }
};

template <>
struct Fields<core::PodState> {
  template <class R, class F>
  static void Visit(R& r, F&& f) {
    f("name", r.name);
    f("uid", r.uid);
    f("role", r.role);
    f("index", r.index);
    f("status", r.status);
    f("pid", r.pid);
    f("exit_code", r.exit_code);
    f("signal", r.signal);
    f("gpus", r.gpus);
    f("created", r.created);
    f("started", r.started);
    f("finished", r.finished);
  }
};

template <>
struct Fields<TrainingJob> {
  template <class R, class F>
  static void Visit(R& r, F&& f) {
    f("id", r.id);
    f("public_id", r.public_id);
    f("tenant", r.tenant_id);
    f("workspace", r.workspace_id);
    f("user_id", r.user_id);
    f("username", r.username);
    f("name", r.display_name);
    f("type", r.job_type);
    f("description", r.description);
    f("command", r.user_command);
    f("roles", r.roles);
    f("envs", r.envs);
    f("mounts", r.mounts);
    f("tags", r.tags);
    f("priority", r.priority);
    f("visibility", r.visibility);
    f("resource_id", r.resource_id);
    f("quota_name", r.resource_quota_name);
    f("max_running_minutes", r.max_running_minutes);
    f("pipeline_id", r.pipeline_id);
    f("template_id", r.template_id);
    f("caller", r.caller);
    f("business_user_id", r.business_user_id);
    f("payment_type", r.payment_type);
    f("oversold_info", r.oversold_info);
    f("enable_assign_node", r.enable_assign_node);
    f("enable_sanity_check", r.enable_sanity_check);
    f("reserved_minutes", r.reserved_minutes);
    f("max_restarts", r.max_restarts);
    f("extras", r.extras);
    f("status", r.status);
    f("sub_status", r.sub_status);
    f("reason_code", r.reason_code);
    f("reason_message", r.reason_message);
    f("restart_count", r.restart_count);
    f("history", r.history);
    f("pods", r.pods);
    f("history_pods", r.history_pods);
    f("created", r.created);
    f("submitted", r.submitted);
    f("running", r.running);
    f("finished", r.finished);
    f("succeeded", r.succeeded);
    f("failed", r.failed);
    f("stopped", r.stopped);
    f("modified", r.modified);
    f("lineage", r.lineage);
    f("pre_version", r.pre_version);
    f("version", r.version);
    f("latest", r.latest);
    f("version_count", r.version_count);
    f("imported", r.imported);
  }
};

std::string EncodeJob(const TrainingJob& job) { return EncodeDocument(job, 1024); }

TrainingJob DecodeJob(std::string_view document) {
  return DecodeDocument<TrainingJob>(document, "job");
}

}  // namespace drover::store
