// `drover batch …`: OSS Batch Operations jobs — list, create, describe,
// confirm, cancel, priority and wait (with a progress line) — over OSS's
// batch API (POST /?batchJob …), signed OSS V1.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <chrono>
#include <iostream>
#include <memory>
#include <pugixml.hpp>
#include <set>
#include <thread>

#include "auth/canonical.h"
#include "cli/client/api_client.h"
#include "cli/client/commands.h"
#include "cli/client/oss_client.h"
#include "cli/client/output.h"
#include "cli/client/progress.h"
#include "core/time.h"

namespace drover::cli::client {

namespace json = boost::json;

namespace {

const std::set<std::string> kEnded = {"Complete", "Cancelled", "Failed"};

// An answer's XML as JSON: elements with children are objects, text is a
// string; a name repeated among siblings, or one that is always a list
// item (JobListDescriptor, JobFailure, Tag), becomes an array.
json::value XmlToJson(const pugi::xml_node& node) {
  static const std::set<std::string> kItems = {"JobListDescriptor", "JobFailure", "Tag"};
  if (!node.first_child() || node.first_child().type() == pugi::node_pcdata) {
    return json::value(node.text().as_string());
  }
  json::object o;
  for (pugi::xml_node child : node.children()) {
    if (child.type() != pugi::node_element) continue;
    std::string name = child.name();
    bool list = kItems.contains(name) || std::distance(node.children(child.name()).begin(),
                                                       node.children(child.name()).end()) > 1;
    if (list) {
      if (!o.contains(name)) o[name] = json::array();
      o[name].as_array().push_back(XmlToJson(child));
    } else {
      o[name] = XmlToJson(child);
    }
  }
  return o;
}

json::value ParseAnswer(const std::string& xml, const char* root) {
  pugi::xml_document doc;
  if (!doc.load_string(xml.c_str())) throw std::runtime_error("the answer is not XML");
  return XmlToJson(doc.child(root));
}

std::string EpochAge(const json::value& job, const char* field) {
  std::string text = Field(job, field);
  if (text.empty() || text == "0") return "";
  return ShortDuration(core::SystemClock().Now() - std::stoll(text) * 1000);
}

// A number field of a JSON object; -1 when absent or not a number.
int64_t Number(const json::value& object, const char* key) {
  std::string text = Field(object, key);
  try {
    return text.empty() ? -1 : std::stoll(text);
  } catch (const std::exception&) {
    return -1;
  }
}

std::string Progressed(const json::value& job) {
  const json::value* p = job.as_object().if_contains("ProgressSummary");
  if (!p || !p->is_object()) return "";
  int64_t total = Number(*p, "TotalNumberOfTasks");
  if (total < 0) return "";
  int64_t done = std::max<int64_t>(Number(*p, "NumberOfTasksSucceeded"), 0) +
                 std::max<int64_t>(Number(*p, "NumberOfTasksFailed"), 0);
  return std::to_string(done) + "/" + std::to_string(total);
}

std::string Operation(const json::value& job) {
  const json::value* op = job.as_object().if_contains("Operation");
  if (!op) return "";
  if (op->is_string()) return std::string(op->as_string());
  if (op->is_object() && !op->as_object().empty()) return op->as_object().begin()->key();
  return "";
}

// oss://bucket/prefix as (bucket, prefix).
std::pair<std::string, std::string> Place(const std::string& url, const char* flag) {
  if (!url.starts_with("oss://"))
    throw std::runtime_error(std::string(flag) + " is oss://BUCKET/…");
  std::string rest = url.substr(6);
  size_t slash = rest.find('/');
  return {rest.substr(0, slash), slash == std::string::npos ? "" : rest.substr(slash + 1)};
}

std::string Escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

struct CreateOptions {
  std::string file, op, acl, prefix, manifest, report,
      report_scope = "AllTasks", description, role = "acs:ram::0:role/AliyunOSSBatchOperationsRole",
      token, tier = "Standard";
  std::vector<std::string> tags;
  int64_t priority = 10;
  int days = 1;
  bool confirm = false;
};

std::string CreateXml(const CreateOptions& o) {
  std::string tag_set;
  for (const std::string& tag : o.tags) {
    size_t eq = tag.find('=');
    if (eq == std::string::npos) throw std::runtime_error("--tag is KEY=VALUE, not " + tag);
    tag_set += "<Tag><Key>" + Escape(tag.substr(0, eq)) + "</Key><Value>" +
               Escape(tag.substr(eq + 1)) + "</Value></Tag>";
  }
  std::string operation;
  if (o.op == "put-tagging") {
    operation = "<PutObjectTagging><TagSet>" + tag_set + "</TagSet></PutObjectTagging>";
  } else if (o.op == "add-tagging") {
    operation = "<AddObjectTagging><TagSet>" + tag_set + "</TagSet></AddObjectTagging>";
  } else if (o.op == "delete-tagging") {
    operation = "<DeleteObjectTagging/>";
  } else if (o.op == "acl") {
    operation = "<PutObjectAcl><ObjectAcl>" + Escape(o.acl) + "</ObjectAcl></PutObjectAcl>";
  } else if (o.op == "restore") {
    operation = "<RestoreObject><Days>" + std::to_string(o.days) + "</Days><Tier>" +
                Escape(o.tier) + "</Tier></RestoreObject>";
  } else {
    throw std::runtime_error(
        "--op is put-tagging, add-tagging, delete-tagging, acl or restore, not " + o.op);
  }
  if (o.prefix.empty() == o.manifest.empty()) {
    throw std::runtime_error("name the objects with one of --prefix and --manifest");
  }
  std::string xml = "<CreateJobRequest><ConfirmationRequired>" +
                    std::string(o.confirm ? "true" : "false") + "</ConfirmationRequired>" +
                    "<Operation>" + operation + "</Operation>";
  if (!o.report.empty()) {
    auto [bucket, prefix] = Place(o.report, "--report");
    xml += "<Report><Bucket>" + Escape(bucket) + "</Bucket><Enabled>true</Enabled><Prefix>" +
           Escape(prefix) + "</Prefix><ReportScope>" + Escape(o.report_scope) +
           "</ReportScope></Report>";
  } else {
    xml += "<Report><Enabled>false</Enabled></Report>";
  }
  if (!o.token.empty()) xml += "<ClientRequestToken>" + Escape(o.token) + "</ClientRequestToken>";
  if (!o.manifest.empty()) {
    auto [bucket, object] = Place(o.manifest, "--manifest");
    xml += "<Manifest><Location><Bucket>" + Escape(bucket) + "</Bucket><Object>" + Escape(object) +
           "</Object></Location><Spec><Fields>Bucket,Key</Fields>"
           "<Format>OSS_BatchOperations_CSV_20250611</Format></Spec></Manifest>";
  } else {
    auto [bucket, prefix] = Place(o.prefix, "--prefix");
    xml += "<KeyPrefixManifestGenerator><SourceBucket>" + Escape(bucket) +
           "</SourceBucket><Prefix>" + Escape(prefix) + "</Prefix></KeyPrefixManifestGenerator>";
  }
  xml += "<Description>" + Escape(o.description) + "</Description><Priority>" +
         std::to_string(o.priority) + "</Priority><RoleArn>" + Escape(o.role) +
         "</RoleArn></CreateJobRequest>";
  return xml;
}

}  // namespace

void Commands::AddBatch(CLI::App& app) {
  CLI::App* batch = app.add_subcommand(
      "batch",
      "OSS Batch Operations jobs: list, create, describe, confirm, cancel, priority, "
      "wait");
  batch->require_subcommand(1);
  auto oss = [this] { return std::make_unique<OssClient>(Client().profile(), Debug()); };
  auto describe = [](OssClient& client, const std::string& id) {
    return ParseAnswer(client.Call("GET", "/?batchJob&batchJobId=" + auth::Rfc3986Encode(id)),
                       "DescribeJobResult")
        .at("Job");
  };

  struct ListOptions {
    std::string statuses;
    int max = 100;
    bool all = false;
  };
  auto list = std::make_shared<ListOptions>();
  CLI::App* ls = batch->add_subcommand(
      "list", "List batch jobs (ListJobs)\n  e.g. drover batch list --status 'Active|Complete'");
  ls->alias("ls");
  ls->add_option("--status", list->statuses, "Statuses, joined with |");
  ls->add_option("--max", list->max, "Jobs per page")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  ls->add_flag("--all", list->all, "Every page");
  On(ls, [this, list, oss] {
    Format format = ParseFormat(output_);
    auto client = oss();
    json::array jobs;
    std::string token;
    do {
      std::string target = "/?batchJob&max-keys=" + std::to_string(list->max);
      if (!list->statuses.empty())
        target += "&batchJobStatuses=" + auth::Rfc3986Encode(list->statuses);
      if (!token.empty()) target += "&continuation-token=" + auth::Rfc3986Encode(token);
      json::value page = ParseAnswer(client->Call("GET", target), "ListJobsResult");
      const json::value* found = page.as_object().if_contains("Jobs");
      if (found && found->is_object()) {
        if (const json::value* items = found->as_object().if_contains("JobListDescriptor")) {
          for (const json::value& job : items->as_array()) jobs.push_back(job);
        }
      }
      token = Field(page, "NextToken");
    } while (list->all && !token.empty());
    json::object answer{{"Jobs", jobs}};
    if (!token.empty()) answer["NextToken"] = token;
    if (format == Format::kJson || format == Format::kYaml) {
      std::cout << Answer(format, answer);
    } else if (format == Format::kName) {
      for (const json::value& job : jobs) std::cout << Field(job, "JobId") << "\n";
    } else {
      bool wide = format == Format::kWide;
      std::vector<std::string> headers = {"JOB ID",   "OPERATION", "STATUS",
                                          "PRIORITY", "TASKS",     "AGE"};
      if (wide) headers.push_back("DESCRIPTION");
      std::vector<std::vector<std::string>> rows;
      for (const json::value& job : jobs) {
        std::vector<std::string> row = {Field(job, "JobId"),  Operation(job),
                                        Field(job, "Status"), Field(job, "Priority"),
                                        Progressed(job),      EpochAge(job, "CreationTime")};
        if (wide) row.push_back(Field(job, "Description"));
        rows.push_back(std::move(row));
      }
      std::cout << Table(headers, rows);
    }
    return 0;
  });

  auto create = std::make_shared<CreateOptions>();
  CLI::App* mk = batch->add_subcommand(
      "create",
      "Create a batch job (CreateJob) over a prefix or a CSV manifest\n"
      "  e.g. drover batch create --op put-tagging --tag state=done --prefix oss://images/2026/ "
      "--report oss://images/reports/");
  mk->add_option("-f,--file", create->file, "CreateJobRequest XML as OSS takes it (- for stdin)");
  mk->add_option("--op", create->op, "put-tagging, add-tagging, delete-tagging, acl, restore");
  mk->add_option("--tag", create->tags, "KEY=VALUE (repeatable): the tagging operations' tags");
  mk->add_option("--acl", create->acl, "acl: private, public-read, public-read-write, default");
  mk->add_option("--days", create->days, "restore: days the copy stays")->check(CLI::Range(1, 365));
  mk->add_option("--tier", create->tier, "restore: Standard, Expedited or Bulk")
      ->capture_default_str();
  mk->add_option("--prefix", create->prefix, "oss://BUCKET/PREFIX: every object under it");
  mk->add_option("--manifest", create->manifest, "oss://BUCKET/OBJECT: a CSV of bucket,key lines");
  mk->add_option("--report", create->report, "oss://BUCKET/PREFIX: where the report goes");
  mk->add_option("--report-scope", create->report_scope, "AllTasks or FailedTasksOnly")
      ->capture_default_str();
  mk->add_option("--priority", create->priority, "Priority, larger first")
      ->check(CLI::Range(int64_t{0}, int64_t{2147483647}))
      ->capture_default_str();
  mk->add_flag("--confirm", create->confirm, "Wait in Suspended until `drover batch confirm`");
  mk->add_option("--description", create->description, "Description");
  mk->add_option("--role-arn", create->role, "RoleArn (Drover checks its form only)")
      ->capture_default_str();
  mk->add_option("--token", create->token,
                 "ClientRequestToken: a repeat with it makes no second job");
  On(mk, [this, create, oss] {
    Format format = ParseFormat(output_);
    std::string xml = create->file.empty() ? CreateXml(*create) : ReadText(create->file);
    json::value answer = ParseAnswer(oss()->Call("POST", "/?batchJob", xml), "CreateJobResult");
    if (format == Format::kJson || format == Format::kYaml) {
      std::cout << Answer(format, answer);
    } else if (format == Format::kName) {
      std::cout << Field(answer, "JobId") << "\n";
    } else {
      std::cout << "batch job " << Field(answer, "JobId") << " created\n";
    }
    return 0;
  });

  auto id = std::make_shared<std::string>();
  CLI::App* ds = batch->add_subcommand(
      "describe", "Show a batch job (DescribeJob)\n  e.g. drover batch describe OTliZjk= -o yaml");
  ds->add_option("id", *id, "JobId")->required();
  On(ds, [this, id, oss, describe] {
    Format format = ParseFormat(output_);
    auto client = oss();
    json::value job = describe(*client, *id);
    if (format == Format::kJson || format == Format::kYaml) {
      std::cout << Answer(format, job);
      return 0;
    }
    if (format == Format::kName) {
      std::cout << Field(job, "JobId") << "\n";
      return 0;
    }
    std::cout << Pairs({{"JobId", Field(job, "JobId")},
                        {"Operation", Operation(job)},
                        {"Status", Field(job, "Status")},
                        {"StatusUpdateReason", Field(job, "StatusUpdateReason")},
                        {"Priority", Field(job, "Priority")},
                        {"Tasks", Progressed(job)},
                        {"Description", Field(job, "Description")},
                        {"Created", EpochAge(job, "CreationTime") + " ago"}});
    return 0;
  });

  struct StatusOptions {
    std::string id, reason;
  };
  for (auto [verb, status, help] :
       {std::tuple{"cancel", "Cancelled", "Cancel a batch job (UpdateJobStatus to Cancelled)"},
        std::tuple{"confirm", "Ready",
                   "Let a job created with --confirm run (UpdateJobStatus to Ready)"}}) {
    auto options = std::make_shared<StatusOptions>();
    CLI::App* cmd = batch->add_subcommand(
        verb, std::string(help) + "\n  e.g. drover batch " + verb + " OTliZjk=");
    cmd->add_option("id", options->id, "JobId")->required();
    cmd->add_option("--reason", options->reason, "StatusUpdateReason");
    On(cmd, [options, oss, status = std::string(status)] {
      std::string target = "/?batchJobStatus&batchJobId=" + auth::Rfc3986Encode(options->id) +
                           "&requestedJobStatus=" + status;
      if (!options->reason.empty()) {
        target += "&statusUpdateReason=" + auth::Rfc3986Encode(options->reason);
      }
      json::value answer = ParseAnswer(oss()->Call("POST", target), "UpdateJobStatusResult");
      std::cout << options->id << " " << Field(answer, "Status") << "\n";
      return 0;
    });
  }

  struct PriorityOptions {
    std::string id;
    int64_t priority = 0;
  };
  auto priority = std::make_shared<PriorityOptions>();
  CLI::App* pr = batch->add_subcommand(
      "priority",
      "Change a job's priority (UpdateJobPriority)\n  e.g. drover batch priority "
      "OTliZjk= 50");
  pr->add_option("id", priority->id, "JobId")->required();
  pr->add_option("priority", priority->priority, "Priority, larger first")
      ->required()
      ->check(CLI::Range(int64_t{0}, int64_t{2147483647}));
  On(pr, [priority, oss] {
    json::value answer = ParseAnswer(
        oss()->Call("POST", "/?batchJobPriority&batchJobId=" + auth::Rfc3986Encode(priority->id) +
                                "&targetPriority=" + std::to_string(priority->priority)),
        "UpdateJobPriorityResult");
    std::cout << priority->id << " priority " << Field(answer, "Priority") << "\n";
    return 0;
  });

  struct WaitOptions {
    std::string id, timeout = "1h";
  };
  auto wait = std::make_shared<WaitOptions>();
  CLI::App* wt = batch->add_subcommand(
      "wait",
      "Follow a job until it ends, with a progress line of its tasks: exit 0 Complete, 2 "
      "Cancelled or Failed, 3 at the timeout\n  e.g. drover batch wait OTliZjk=");
  wt->add_option("id", wait->id, "JobId")->required();
  wt->add_option("--timeout", wait->timeout, "How long at most, e.g. 90s, 10m, 2h")
      ->capture_default_str();
  On(wt, [wait, oss, describe] {
    std::optional<core::TimeMs> limit = ParseDuration(wait->timeout);
    if (!limit) throw std::runtime_error("--timeout must read like 90s, 10m or 2h");
    core::TimeMs deadline = core::SystemClock().Now() + *limit;
    auto client = oss();
    std::unique_ptr<Progress> progress;
    std::string last_status;
    for (;;) {
      json::value job = describe(*client, wait->id);
      std::string status = Field(job, "Status");
      const json::value* p = job.as_object().if_contains("ProgressSummary");
      int64_t total = p ? Number(*p, "TotalNumberOfTasks") : -1;
      if (!progress && total > 0) {
        progress = std::make_unique<Progress>("tasks", static_cast<uint64_t>(total), 0,
                                              ::isatty(STDERR_FILENO) != 0);
      }
      if (progress) {
        int64_t done = std::max<int64_t>(Number(*p, "NumberOfTasksSucceeded"), 0) +
                       std::max<int64_t>(Number(*p, "NumberOfTasksFailed"), 0);
        progress->Reached(
            static_cast<uint64_t>(std::max<int64_t>(done, 0)),
            status + ": " + std::to_string(done) + "/" + std::to_string(total) + " tasks");
      }
      if (kEnded.contains(status)) {
        if (progress) progress->Finish();
        std::cout << wait->id << " " << status << " " << Progressed(job) << "\n";
        return status == "Complete" ? 0 : 2;
      }
      if (status != last_status && !::isatty(STDERR_FILENO)) {
        std::cout << wait->id << " " << status << "\n" << std::flush;
      }
      last_status = status;
      if (core::SystemClock().Now() >= deadline) {
        if (progress) progress->Finish();
        std::cerr << wait->id << " is " << status << " after " << wait->timeout << "\n";
        return 3;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  });
}

}  // namespace drover::cli::client
