// `drover jobs …`: PAI-DLC training jobs (API 2020-12-03) from a terminal.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <iostream>
#include <memory>
#include <thread>

#include "cli/client/api_client.h"
#include "cli/client/commands.h"
#include "cli/client/log_window.h"
#include "cli/client/output.h"
#include "core/time.h"

namespace drover::cli::client {

namespace json = boost::json;

namespace {

constexpr const char* kDlcVersion = "2020-12-03";
const std::vector<std::string> kEnded = {"Succeeded", "Failed", "Stopped"};

bool Ended(const std::string& status) {
  return std::find(kEnded.begin(), kEnded.end(), status) != kEnded.end();
}

std::string JobPath(const std::string& id) { return "/api/v1/jobs/" + id; }

core::TimeMs Now() { return core::SystemClock().Now(); }

std::string Age(const json::value& job, const char* field) { return AgeOf(job, field); }

void Print(Format format, const json::value& answer) { std::cout << Answer(format, answer); }

// ==== list ===================================================================

struct ListOptions {
  std::string status, type, name, name_mode, reason, since, sort, order, workspace;
  bool all_workspaces = false, all = false, watch = false;
  int page_size = 50, page = 1;
};

Query ListQuery(const ListOptions& o, const Profile& profile) {
  Query q;
  auto add = [&](const char* key, const std::string& value) {
    if (!value.empty()) q.emplace_back(key, value);
  };
  add("Status", o.status);
  add("JobType", o.type);
  add("DisplayName", o.name);
  add("DisplayNameSearchMode", o.name_mode);
  add("ReasonSearch", o.reason);
  add("SortBy", o.sort);
  add("Order", o.order);
  if (!o.since.empty()) {
    std::optional<core::TimeMs> ago = ParseDuration(o.since);
    if (!ago) throw std::runtime_error("--since must read like 90s, 15m, 2h, 7d or 1w");
    add("StartTime", core::FormatIso8601(Now() - *ago));
  }
  if (o.all_workspaces) {
    add("FromAllWorkspaces", "true");
    add("ShowOwn", "true");  // the API's rule: every workspace, the caller's own jobs
  } else {
    add("WorkspaceId", o.workspace.empty() ? profile.workspace : o.workspace);
  }
  add("PageSize", std::to_string(o.page_size));
  return q;
}

// Every page (`all`), or the one asked for: {"Jobs": [...], "TotalCount": n}.
json::object FetchJobs(ApiClient& client, const ListOptions& o) {
  Query base = ListQuery(o, client.profile());
  json::array jobs;
  int64_t total = 0;
  std::string token;
  for (int page = o.page;; ++page) {
    Query q = base;
    if (!token.empty()) {
      q.emplace_back("NextToken", token);
    } else {
      q.emplace_back("PageNumber", std::to_string(page));
    }
    json::value answer = client.Pai("ListJobs", kDlcVersion, "GET", "/api/v1/jobs", q);
    const json::array& got = answer.at("Jobs").as_array();
    for (const json::value& job : got) jobs.push_back(job);
    total = answer.at("TotalCount").to_number<int64_t>();
    token = Field(answer, "NextToken");
    if (!o.all || got.empty() || static_cast<int64_t>(jobs.size()) >= total) break;
  }
  return json::object{{"Jobs", std::move(jobs)}, {"TotalCount", total}};
}

std::string RenderJobs(Format format, const json::object& list) {
  const json::array& jobs = list.at("Jobs").as_array();
  if (format == Format::kName) {
    std::string out;
    for (const json::value& job : jobs) out += Field(job, "JobId") + "\n";
    return out;
  }
  if (format == Format::kJson) return PrettyJson(list);
  if (format == Format::kYaml) return Yaml(list);
  bool wide = format == Format::kWide;
  std::vector<std::string> headers = {"JOB ID", "NAME", "TYPE", "STATUS", "AGE"};
  if (wide) headers.insert(headers.end(), {"DURATION", "WORKSPACE", "PRIORITY", "REASON"});
  std::vector<std::vector<std::string>> rows;
  for (const json::value& job : jobs) {
    std::vector<std::string> row = {Field(job, "JobId"), Field(job, "DisplayName"),
                                    Field(job, "JobType"), Field(job, "Status"),
                                    Age(job, "GmtCreateTime")};
    if (wide) {
      std::string duration = Field(job, "Duration");
      row.insert(row.end(),
                 {duration.empty() ? "" : ShortDuration(std::stoll(duration) * 1000),
                  Field(job, "WorkspaceId"), Field(job, "Priority"), Field(job, "ReasonMessage")});
    }
    rows.push_back(std::move(row));
  }
  std::string out = Table(headers, rows);
  out += std::to_string(jobs.size()) + " of " + Field(list, "TotalCount") + " jobs\n";
  return out;
}

// ==== logs ===================================================================

std::vector<std::string> Strings(const json::value& array) {
  std::vector<std::string> out;
  for (const json::value& v : array.as_array()) out.emplace_back(v.as_string());
  return out;
}

}  // namespace

// ==== the commands ===========================================================

void Commands::AddJobs(CLI::App& app) {
  CLI::App* jobs = app.add_subcommand("jobs",
                                      "PAI-DLC training jobs: list, get, submit, stop, "
                                      "delete, logs, events, wait");
  jobs->require_subcommand(1);

  // list
  auto list = std::make_shared<ListOptions>();
  CLI::App* ls = jobs->add_subcommand(
      "list",
      "List jobs (ListJobs), newest first\n  e.g. drover jobs list --status Running "
      "--since 2d -o wide");
  ls->alias("ls");
  ls->add_option("--status", list->status, "Only jobs in this status (Running, Succeeded, ...)");
  ls->add_option("--type", list->type, "Only this JobType (PyTorchJob, TFJob, ...)");
  ls->add_option("--name", list->name, "Name search (DisplayName)");
  ls->add_option("--name-mode", list->name_mode, "DisplayNameSearchMode: prefix, fulltext, term");
  ls->add_option("--search-reason", list->reason, "Full-text search in the status reason");
  ls->add_option("--since", list->since,
                 "Created within this long, e.g. 2d (default: the API's last 7 days)");
  ls->add_option("--sort", list->sort, "SortBy: GmtCreateTime, GmtFinishTime, Status, ...");
  ls->add_option("--order", list->order, "asc or desc");
  ls->add_option("--workspace", list->workspace, "WorkspaceId (default: the profile's)");
  ls->add_flag("--all-workspaces", list->all_workspaces, "Your jobs in every workspace");
  ls->add_option("--page-size", list->page_size, "Jobs per page")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  ls->add_option("--page", list->page, "Page number")->check(CLI::Range(1, 1000000));
  ls->add_flag("--all", list->all, "Every page");
  ls->add_flag("-w,--watch", list->watch, "Redraw every 2 seconds until interrupted");
  On(ls, [this, list] {
    Format format = ParseFormat(output_);
    ApiClient client = Client();
    if (!list->watch) {
      std::cout << RenderJobs(format, FetchJobs(client, *list));
      return 0;
    }
    bool tty = ::isatty(STDOUT_FILENO);
    std::string last;
    for (;;) {
      std::string text = RenderJobs(format, FetchJobs(client, *list));
      if (tty) {
        std::cout << "\x1b[H\x1b[2J"
                  << "Every 2s: drover jobs list\n\n"
                  << text << std::flush;
      } else if (text != last) {
        std::cout << text << std::flush;  // piped: a new table only when it changed
      }
      last = std::move(text);
      std::this_thread::sleep_for(std::chrono::seconds(2));
    }
  });

  // get
  auto id = std::make_shared<std::string>();
  CLI::App* get = jobs->add_subcommand("get",
                                       "Show one job (GetJob)\n  e.g. drover jobs get "
                                       "dlc1a2b3c4d5e6f -o yaml");
  get->add_option("id", *id, "JobId")->required();
  On(get, [this, id] {
    Format format = ParseFormat(output_);
    json::value job = Client().Pai("GetJob", kDlcVersion, "GET", JobPath(*id));
    if (format == Format::kName) {
      std::cout << Field(job, "JobId") << "\n";
    } else if (format == Format::kJson || format == Format::kYaml) {
      Print(format, job);
    } else {
      std::cout << FieldPairs(job, {"JobId", "DisplayName", "JobType", "Status", "ReasonCode",
                                    "ReasonMessage", "WorkspaceId", "Priority", "GmtCreateTime",
                                    "GmtRunningTime", "GmtFinishTime", "UserCommand"});
      std::vector<std::vector<std::string>> pods;
      if (const json::value* list_of = job.as_object().if_contains("Pods")) {
        for (const json::value& pod : list_of->as_array()) {
          pods.push_back({Field(pod, "PodId"), Field(pod, "Type"), Field(pod, "Status"),
                          Field(pod, "Ip"), Age(pod, "GmtCreateTime")});
        }
      }
      if (!pods.empty()) std::cout << "\n" << Table({"POD", "TYPE", "STATUS", "IP", "AGE"}, pods);
    }
    return 0;
  });

  // submit
  struct SubmitOptions {
    std::string file, name, type = "PyTorchJob", command, image, cpu = "1", memory = "1Gi", gpu,
                            workspace;
    int workers = 1;
    int priority = 0;
  };
  auto submit = std::make_shared<SubmitOptions>();
  CLI::App* sub = jobs->add_subcommand(
      "submit",
      "Create a job (CreateJob) from flags or a YAML or JSON file of CreateJob's body\n"
      "  e.g. drover jobs submit --name train --image pytorch:2.1 --command 'python train.py'"
      " --gpu 1\n       drover jobs submit -f job.yaml");
  sub->add_option("-f,--file", submit->file, "CreateJob's body, YAML or JSON (- for stdin)");
  sub->add_option("--name", submit->name, "DisplayName");
  sub->add_option("--type", submit->type, "JobType")->capture_default_str();
  sub->add_option("--command", submit->command, "UserCommand");
  sub->add_option("--image", submit->image, "Image of every worker");
  sub->add_option("--workers", submit->workers, "PodCount of workers")
      ->check(CLI::Range(1, 10000))
      ->capture_default_str();
  sub->add_option("--cpu", submit->cpu, "CPU of each worker")->capture_default_str();
  sub->add_option("--memory", submit->memory, "Memory of each worker")->capture_default_str();
  sub->add_option("--gpu", submit->gpu, "GPUs of each worker");
  sub->add_option("--priority", submit->priority, "Priority 1-9")->check(CLI::Range(1, 9));
  sub->add_option("--workspace", submit->workspace, "WorkspaceId (default: the profile's)");
  On(sub, [this, submit] {
    Format format = ParseFormat(output_);
    ApiClient client = Client();
    json::object body;
    if (!submit->file.empty()) {
      body = ReadBody(submit->file);
    } else {
      if (submit->name.empty() || submit->image.empty() || submit->command.empty()) {
        throw std::runtime_error("--name, --image and --command are required without -f");
      }
      json::object resources{{"CPU", submit->cpu}, {"Memory", submit->memory}};
      if (!submit->gpu.empty()) resources["GPU"] = submit->gpu;
      body = json::object{{"DisplayName", submit->name},
                          {"JobType", submit->type},
                          {"UserCommand", submit->command},
                          {"JobSpecs", json::array{json::object{{"Type", "Worker"},
                                                                {"Image", submit->image},
                                                                {"PodCount", submit->workers},
                                                                {"ResourceConfig", resources}}}}};
      if (submit->priority > 0) body["Priority"] = submit->priority;
    }
    std::string workspace =
        submit->workspace.empty() ? client.profile().workspace : submit->workspace;
    if (!workspace.empty() && !body.contains("WorkspaceId")) body["WorkspaceId"] = workspace;
    json::value answer =
        client.Pai("CreateJob", kDlcVersion, "POST", "/api/v1/jobs", {}, json::serialize(body));
    if (format == Format::kJson || format == Format::kYaml) {
      Print(format, answer);
    } else if (format == Format::kName) {
      std::cout << Field(answer, "JobId") << "\n";
    } else {
      std::cout << "job " << Field(answer, "JobId") << " submitted\n";
    }
    return 0;
  });

  // stop, delete
  for (auto [verb, action, method, suffix, done] :
       {std::tuple{"stop", "StopJob", "POST", "/stop", "stopping"},
        std::tuple{"delete", "DeleteJob", "DELETE", "", "deleted"}}) {
    auto ids = std::make_shared<std::vector<std::string>>();
    CLI::App* cmd = jobs->add_subcommand(
        verb, std::string(verb == std::string("stop") ? "Stop" : "Delete") + " jobs (" + action +
                  ")\n  e.g. drover jobs " + verb + " dlc1a2b3c4d5e6f dlc7g8h9i0j1k2l");
    cmd->add_option("ids", *ids, "JobIds")->required();
    On(cmd, [this, ids, action = std::string(action), method = std::string(method),
             suffix = std::string(suffix), done = std::string(done)] {
      return ForEachId(*ids, done, [&](ApiClient& client, const std::string& job) {
        client.Pai(action, kDlcVersion, method, JobPath(job) + suffix);
      });
    });
  }

  // logs
  struct LogsOptions {
    std::string id, pod;
    bool follow = false;
    int tail = 2000;
  };
  auto logs = std::make_shared<LogsOptions>();
  CLI::App* lg =
      jobs->add_subcommand("logs",
                           "Print a pod's log (GetPodLogs); -f follows it until the job ends\n"
                           "  e.g. drover jobs logs dlc1a2b3c4d5e6f -f");
  lg->add_option("id", logs->id, "JobId")->required();
  lg->add_option("--pod", logs->pod, "PodId (default: the job's first pod)");
  lg->add_flag("-f,--follow", logs->follow, "Keep printing new lines until the job ends");
  lg->add_option("--tail", logs->tail, "Lines from the end to start with")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  On(lg, [this, logs] {
    ApiClient client = Client();
    json::value job = client.Pai("GetJob", kDlcVersion, "GET", JobPath(logs->id));
    std::string pod = logs->pod;
    if (pod.empty()) {
      const json::value* pods = job.as_object().if_contains("Pods");
      if (!pods || pods->as_array().empty()) {
        if (!logs->follow) throw std::runtime_error(logs->id + " has no pods yet");
      } else {
        pod = Field(pods->as_array().front(), "PodId");
      }
    }
    std::vector<std::string> shown;
    // A following reader asks for a wide window, so lines written between
    // two polls are within it.
    int window = logs->follow ? std::max(logs->tail, 20000) : logs->tail;
    bool first = true;
    for (;;) {
      if (pod.empty()) {  // waiting for the job's first pod
        const json::value* pods = job.as_object().if_contains("Pods");
        if (pods && !pods->as_array().empty()) pod = Field(pods->as_array().front(), "PodId");
      }
      if (!pod.empty()) {
        json::value answer = client.Pai("GetPodLogs", kDlcVersion, "GET",
                                        JobPath(logs->id) + "/pods/" + pod + "/logs",
                                        {{"MaxLines", std::to_string(window)}});
        std::vector<std::string> lines = Strings(answer.at("Logs"));
        std::vector<std::string> fresh = NewLines(shown, lines);
        if (first && fresh.size() > static_cast<size_t>(logs->tail)) {
          fresh.erase(fresh.begin(), fresh.end() - logs->tail);
        }
        first = false;
        for (const std::string& line : fresh) std::cout << line << "\n";
        std::cout << std::flush;
        shown = std::move(lines);
      }
      if (!logs->follow || Ended(Field(job, "Status"))) return 0;
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
      json::value now = client.Pai("GetJob", kDlcVersion, "GET", JobPath(logs->id));
      // Once it ended, one more read takes the last lines.
      job = std::move(now);
    }
  });

  // events
  auto events_id = std::make_shared<std::string>();
  CLI::App* ev = jobs->add_subcommand("events",
                                      "Print a job's events (GetJobEvents)\n"
                                      "  e.g. drover jobs events dlc1a2b3c4d5e6f");
  ev->add_option("id", *events_id, "JobId")->required();
  On(ev, [this, events_id] {
    Format format = ParseFormat(output_);
    json::value answer =
        Client().Pai("GetJobEvents", kDlcVersion, "GET", JobPath(*events_id) + "/events");
    if (format == Format::kJson || format == Format::kYaml) {
      Print(format, answer);
    } else {
      for (const std::string& line : Strings(answer.at("Events"))) std::cout << line << "\n";
    }
    return 0;
  });

  // wait
  struct WaitOptions {
    std::string id, status = "Succeeded", timeout = "10m";
  };
  auto wait = std::make_shared<WaitOptions>();
  CLI::App* wt = jobs->add_subcommand(
      "wait",
      "Wait until a job reaches a status (exit 0), ends in another (exit 2) or the timeout "
      "passes (exit 3)\n  e.g. drover jobs wait dlc1a2b3c4d5e6f --for Succeeded --timeout 30m");
  wt->add_option("id", wait->id, "JobId")->required();
  wt->add_option("--for", wait->status, "The status to wait for")->capture_default_str();
  wt->add_option("--timeout", wait->timeout, "How long at most, e.g. 90s, 10m, 2h")
      ->capture_default_str();
  On(wt, [this, wait] {
    std::optional<core::TimeMs> limit = ParseDuration(wait->timeout);
    if (!limit) throw std::runtime_error("--timeout must read like 90s, 10m or 2h");
    ApiClient client = Client();
    core::TimeMs deadline = Now() + *limit;
    for (;;) {
      json::value job = client.Pai("GetJob", kDlcVersion, "GET", JobPath(wait->id));
      std::string status = Field(job, "Status");
      if (status == wait->status) {
        std::cout << wait->id << " " << status << "\n";
        return 0;
      }
      if (Ended(status)) {
        std::cerr << wait->id << " ended " << status << ", not " << wait->status << "\n";
        return 2;
      }
      if (Now() >= deadline) {
        std::cerr << wait->id << " is " << status << " after " << wait->timeout << "\n";
        return 3;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
  });
}

}  // namespace drover::cli::client
