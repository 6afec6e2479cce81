#include "api/modelarts/job_json.h"

#include <boost/json.hpp>
#include <cstdio>

#include "api/http/params.h"
#include "api/modelarts/status_map.h"
#include "core/error.h"

namespace drover::api::modelarts {

namespace json = boost::json;
using core::TrainingJob;

namespace {

// The part of TrainingJob::extras this dialect owns: the create request's config.
constexpr const char* kExtrasKey = "modelarts";

json::object ParseBody(std::string_view body) { return ParseJsonObject(body, "body"); }

bool ValidJobName(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string ParseDescription(const Fields& f) {
  std::string desc = f.String("job_desc").value_or("");
  if (desc.size() > 256) core::ThrowInvalid("job_desc", "job_desc must be 0 to 256 characters.");
  return desc;
}

// Single-quotes `s` for /bin/sh.
std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'')
      out += "'\\''";
    else
      out += c;
  }
  return out + "'";
}

// Where a ModelArts job finds its data_url's data.
constexpr char kDataUrlMountPath[] = "/home/ma-user/modelarts/inputs/data_url_0/";

// The config object → the draft's command, workers and extras.
void ParseConfig(const json::object& body, TrainingJob& job, bool version) {
  Fields top(body);
  const json::object* config = top.Object("config");
  if (!config) core::ThrowMissing("config");
  Fields f(*config, "config.");

  std::optional<int64_t> workers = f.Int("worker_server_num");
  if (!workers) core::ThrowMissing(f.Name("worker_server_num"));
  if (*workers < 1 || *workers > core::kMaxPodsPerJob) {
    core::ThrowInvalid(f.Name("worker_server_num"), "config.worker_server_num must be from 1 to " +
                                                        std::to_string(core::kMaxPodsPerJob) + ".");
  }

  int sources = (f.String("data_url") ? 1 : 0) + (f.String("dataset_id") ? 1 : 0) +
                (f.Array("data_source") ? 1 : 0);
  if (sources != 1) {
    core::ThrowInvalid("config.data_url",
                       "Exactly one data source is needed: config.data_url, config.dataset_id with "
                       "config.dataset_version_id, or config.data_source.");
  }
  if (f.String("dataset_id") && !f.String("dataset_version_id"))
    core::ThrowMissing(f.Name("dataset_version_id"));
  if (f.String("spec_id") && f.String("pool_id")) {
    core::ThrowInvalid("config.pool_id", "Give config.spec_id or config.pool_id, not both.");
  }
  if (version && !f.String("train_url")) core::ThrowMissing(f.Name("train_url"));
  // A dedicated pool is the job's ResourceId: a quota of --quota-file.
  if (std::optional<std::string> pool = f.String("pool_id")) {
    if (pool->empty() || pool->size() > 64)
      core::ThrowInvalid(f.Name("pool_id"), "config.pool_id must be 1 to 64 characters.");
    job.resource_id = *pool;
  }

  std::string args;
  if (const json::array* parameters = f.Array("parameter")) {
    for (size_t i = 0; i < parameters->size(); ++i) {
      std::string name = "config.parameter[" + std::to_string(i) + "].";
      if (!(*parameters)[i].is_object())
        core::ThrowInvalid("config.parameter", name + " must be an object.");
      Fields p((*parameters)[i].get_object(), name);
      std::optional<std::string> label = p.String("label");
      if (!label || label->empty()) core::ThrowMissing(p.Name("label"));
      args += " " + ShellQuote("--" + *label + "=" + p.String("value").value_or(""));
    }
  }
  if (std::optional<std::string> command = f.String("user_command");
      command &&
      (command->size() > core::kMaxCommandBytes || command->find('\0') != std::string::npos)) {
    core::ThrowInvalid(f.Name("user_command"), "config.user_command must be at most " +
                                                   std::to_string(core::kMaxCommandBytes) +
                                                   " bytes without NUL.");
  }
  if (std::optional<std::string> command = f.String("user_command"); command && !command->empty()) {
    job.user_command = *command + args;
  } else {
    std::optional<std::string> app = f.String("app_url"), boot = f.String("boot_file_url");
    if (!app || app->empty()) core::ThrowMissing(f.Name("app_url"));
    if (!boot || boot->empty()) core::ThrowMissing(f.Name("boot_file_url"));
    std::string boot_path = boot->starts_with("/") ? *boot : *app + "/" + *boot;
    std::string interpreter = boot_path.ends_with(".sh") ? "sh" : "python3";
    job.user_command =
        "cd " + ShellQuote(*app) + " && " + interpreter + " " + ShellQuote(boot_path) + args;
  }

  // A data_url on this machine (nas://, file://) is mounted where ModelArts
  // puts a job's input, and the boot file is told where; an OBS path is
  // recorded as it is.
  if (std::optional<std::string> data = f.String("data_url");
      data && (data->starts_with("nas://") || data->starts_with("file://"))) {
    core::DataMount mount;
    mount.uri = *data;
    mount.mount_path = kDataUrlMountPath;
    mount.mount_access = "RO";
    job.mounts = {std::move(mount)};
    job.user_command += " " + ShellQuote(std::string("--data_url=") + kDataUrlMountPath);
  }

  job.job_type = "PyTorchJob";
  job.roles = {core::RoleSpec{"Worker", f.String("user_image_url").value_or(""), *workers, "", "",
                              "", "", ""}};
  job.extras = json::serialize(json::object{{kExtrasKey, *config}});
}

json::object Config(const TrainingJob& job) {
  json::value all = json::parse(job.extras);
  if (const json::value* mine = all.as_object().if_contains(kExtrasKey);
      mine && mine->is_object()) {
    return mine->get_object();
  }
  return {};
}

}  // namespace

CreateRequest ParseCreateJob(std::string_view body_text, const std::string& default_workspace) {
  json::object body = ParseBody(body_text);
  Fields f(body);
  CreateRequest out;
  TrainingJob& job = out.draft;
  std::optional<std::string> name = f.String("job_name");
  if (!name || name->empty()) core::ThrowMissing("job_name");
  if (!ValidJobName(*name)) {
    core::ThrowInvalid("job_name", "job_name must be 1 to 64 letters, digits, '-' and '_'.");
  }
  job.display_name = *name;
  job.description = ParseDescription(f);
  std::string workspace = f.String("workspace_id").value_or("0");
  job.workspace_id = workspace == "0" ? default_workspace : workspace;
  ParseConfig(body, job, /*version=*/false);
  return out;
}

CreateRequest ParseCreateVersion(std::string_view body_text) {
  json::object body = ParseBody(body_text);
  Fields f(body);
  CreateRequest out;
  std::optional<int64_t> pre = f.Int("pre_version_id");
  if (!pre) core::ThrowMissing("pre_version_id");
  out.pre_version_id = *pre;
  out.draft.description = ParseDescription(f);
  ParseConfig(body, out.draft, /*version=*/true);
  return out;
}

std::string ParseUpdateDescription(std::string_view body_text) {
  json::object body = ParseBody(body_text);
  Fields f(body);
  if (!f.String("job_desc")) core::ThrowMissing("job_desc");
  return ParseDescription(f);
}

std::string VersionName(int64_t version) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "V%04lld", static_cast<long long>(version));
  return buf;
}

namespace {

int64_t DurationMs(const TrainingJob& job, core::TimeMs now) {
  if (job.running == 0) return 0;
  core::TimeMs end =
      job.finished ? job.finished : (core::IsTerminal(job.status) ? job.running : now);
  return end > job.running ? end - job.running : 0;
}

}  // namespace

json::object RenderListItem(const TrainingJob& latest, core::TimeMs now) {
  return json::object{
      {"job_id", latest.Lineage()},     {"job_name", latest.display_name},
      {"version_id", latest.id},        {"status", StatusCode(latest.status)},
      {"create_time", latest.created},  {"duration", DurationMs(latest, now)},
      {"job_desc", latest.description}, {"version_count", latest.version_count},
  };
}

json::object RenderOverviewItem(const TrainingJob& job, core::TimeMs now) {
  return json::object{
      {"version_id", job.id},
      {"version_name", VersionName(job.version)},
      {"job_id", job.Lineage()},
      {"job_name", job.display_name},
      {"job_desc", job.description},
      {"status", StatusCode(job.status)},
      {"create_time", job.created},
      {"duration", DurationMs(job, now)},
      {"worker_server_num", job.NodeCount()},
      {"gpu_num", job.RequestGpu()},
      {"pool_id", job.resource_id},
  };
}

json::object RenderVersion(const TrainingJob& job, core::TimeMs now) {
  json::object config = Config(job);
  json::object o;
  // The request's config first (data_url, train_url, volumes, …), then
  // what Drover knows, so modeled fields always win.
  for (const auto& kv : config) o[kv.key()] = kv.value();
  o["version_id"] = job.id;
  o["version_name"] = VersionName(job.version);
  o["pre_version_id"] = job.pre_version;
  o["job_id"] = job.Lineage();
  o["job_name"] = job.display_name;
  o["job_desc"] = job.description;
  o["status"] = StatusCode(job.status);
  o["create_time"] = job.created;
  o["start_time"] = job.running;
  o["duration"] = DurationMs(job, now);
  o["worker_server_num"] = job.NodeCount();
  o["user_command"] =
      config.contains("user_command") ? config["user_command"] : json::value(job.user_command);
  o["gpu"] = job.RequestGpu() > 0;
  o["gpu_num"] = job.RequestGpu();
  o["cpu"] = std::to_string(job.RequestCpu());
  if (!o.contains("engine_id")) o["engine_id"] = 1;
  o["resource_id"] = job.resource_id;
  o["model_metric_list"] = "{}";
  o["system_metric_list"] = "{}";
  o["dlc_job_id"] = job.public_id;  // the same run as PAI-DLC shows it
  return o;
}

}  // namespace drover::api::modelarts
