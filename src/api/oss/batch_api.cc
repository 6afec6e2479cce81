#include "api/oss/batch_api.h"

#include <charconv>

#include "api/oss/errors.h"
#include "api/oss/xml.h"
#include "auth/crypto.h"
#include "core/url.h"
#include "index/continuation.h"

namespace drover::api::oss {

namespace {

using core::BatchJob;
using core::BatchStatus;
using service::BatchJobService;
using service::Principal;

const std::string& Param(const Request& r, const std::string& name) {
  const std::string* v = r.Query(name);
  if (!v || v->empty()) core::ThrowMissing(name);
  return *v;
}

int64_t Integer(const std::string& text, const std::string& name, int64_t low, int64_t high) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || v < low ||
      v > high) {
    core::ThrowInvalid(name, name + " must be an integer from " + std::to_string(low) + " to " +
                                 std::to_string(high) + ".");
  }
  return v;
}

bool Bool(const char* text, const std::string& name) {
  std::string_view t = text;
  if (t.empty() || t == "false") return false;
  if (t == "true") return true;
  core::ThrowInvalid(name, name + " must be true or false.");
}

Response Reply(const XmlOut& xml, const Request& r) {
  Response response(200, "application/xml", xml.Text());
  AddCommonHeaders(response, r);
  return response;
}

void AddTags(pugi::xml_node parent, const std::vector<core::ObjectTag>& tags) {
  pugi::xml_node set = parent.append_child("TagSet");
  for (const core::ObjectTag& t : tags) {
    pugi::xml_node tag = set.append_child("Tag");
    AddText(tag, "Key", t.key);
    AddText(tag, "Value", t.value);
  }
}

std::vector<core::ObjectTag> ReadTags(pugi::xml_node op) {
  std::vector<core::ObjectTag> tags;
  for (pugi::xml_node tag : op.child("TagSet").children("Tag")) {
    tags.push_back({tag.child_value("Key"), tag.child_value("Value")});
  }
  return tags;
}

void AddProgress(pugi::xml_node parent, const BatchJob& job) {
  pugi::xml_node p = parent.append_child("ProgressSummary");
  AddText(p, "NumberOfTasksFailed", std::to_string(job.failed));
  AddText(p, "NumberOfTasksSucceeded", std::to_string(job.succeeded));
  AddText(p.append_child("Timers"), "ElapsedTimeInActiveSeconds",
          std::to_string(core::ElapsedActiveSeconds(job, core::SystemClock().Now())));
  AddText(p, "TotalNumberOfTasks", std::to_string(job.total));
}

std::string Seconds(core::TimeMs t) { return std::to_string(t / 1000); }

// Status filter and page size: the fingerprint a continuation must match.
uint64_t Fingerprint(const std::vector<BatchStatus>& statuses) {
  uint64_t h = 1469598103934665603ULL;
  for (BatchStatus s : statuses) h = (h ^ (static_cast<uint64_t>(s) + 1)) * 1099511628211ULL;
  return h;
}

class BatchHandlers {
 public:
  explicit BatchHandlers(BatchJobService& jobs) : jobs_(jobs) {}

  Response Create(Request& r, const Principal& who) {
    pugi::xml_document doc = ParseBody(r.body, "CreateJobRequest");
    pugi::xml_node req = doc.child("CreateJobRequest");
    BatchJob spec;
    spec.confirmation_required =
        Bool(req.child_value("ConfirmationRequired"), "ConfirmationRequired");
    pugi::xml_node operation = req.child("Operation");
    int operations = 0;
    for (pugi::xml_node op : operation.children()) {
      if (op.type() != pugi::node_element) continue;
      ++operations;
      std::string_view name = op.name();
      if (name == "PutObjectTagging") {
        spec.operation = core::BatchOperation::kPutObjectTagging;
        spec.tags = ReadTags(op);
      } else if (name == "DeleteObjectTagging") {
        spec.operation = core::BatchOperation::kDeleteObjectTagging;
      } else if (name == "AddObjectTagging") {
        spec.operation = core::BatchOperation::kAddObjectTagging;
        spec.tags = ReadTags(op);
      } else if (name == "PutObjectAcl") {
        spec.operation = core::BatchOperation::kPutObjectAcl;
        std::optional<core::Acl> acl = core::ParseAcl(op.child_value("ObjectAcl"));
        if (!acl) {
          core::ThrowInvalid("ObjectAcl",
                             "ObjectAcl is private, public-read, public-read-write "
                             "or default.");
        }
        spec.acl = *acl;
      } else if (name == "RestoreObject") {
        spec.operation = core::BatchOperation::kRestoreObject;
        std::string days = op.child_value("Days");
        spec.restore_days = days.empty() ? 1 : static_cast<int>(Integer(days, "Days", 1, 365));
        spec.restore_tier = op.child_value("Tier");
        if (!spec.restore_tier.empty() && spec.restore_tier != "Standard" &&
            spec.restore_tier != "Expedited" && spec.restore_tier != "Bulk") {
          core::ThrowInvalid("Tier", "Tier is Standard, Expedited or Bulk.");
        }
      } else {
        core::ThrowInvalid("Operation", "The operation " + std::string(name) +
                                            " is not one of PutObjectTagging, DeleteObjectTagging,"
                                            " AddObjectTagging, PutObjectAcl and RestoreObject.");
      }
    }
    if (operations != 1) {
      core::ThrowInvalid("Operation", "Operation must hold exactly one operation.");
    }
    pugi::xml_node report = req.child("Report");
    spec.report_enabled = Bool(report.child_value("Enabled"), "Report.Enabled");
    spec.report_bucket = report.child_value("Bucket");
    spec.report_prefix = report.child_value("Prefix");
    spec.report_scope = report.child_value("ReportScope");
    spec.client_token = req.child_value("ClientRequestToken");
    pugi::xml_node manifest = req.child("Manifest");
    pugi::xml_node generator = req.child("KeyPrefixManifestGenerator");
    if (manifest && generator) {
      core::ThrowInvalid("Manifest", "Give a Manifest or a KeyPrefixManifestGenerator, not both.");
    }
    if (generator) {
      spec.by_prefix = true;
      spec.prefix_bucket = generator.child_value("SourceBucket");
      spec.prefix = generator.child_value("Prefix");
    } else {
      spec.manifest_bucket = manifest.child("Location").child_value("Bucket");
      spec.manifest_object = manifest.child("Location").child_value("Object");
      spec.manifest_etag = manifest.child("Location").child_value("ETag");
      spec.manifest_format = manifest.child("Spec").child_value("Format");
      spec.manifest_fields = manifest.child("Spec").child_value("Fields");
      if (spec.manifest_format.empty()) spec.manifest_format = core::kCsvManifest;
      if (!spec.manifest_fields.empty() && spec.manifest_fields != "Bucket,Key") {
        core::ThrowInvalid("Manifest.Spec.Fields", "Fields must be Bucket,Key.");
      }
    }
    spec.description = req.child_value("Description");
    std::string priority = req.child_value("Priority");
    spec.priority = priority.empty() ? 0 : Integer(priority, "Priority", 0, 2147483647);
    spec.role_arn = req.child_value("RoleArn");
    if (!spec.role_arn.starts_with("acs:ram::") ||
        spec.role_arn.find(":role/") == std::string::npos) {
      throw core::Error(core::ErrorCode::kInvalidArgument,
                        "RoleArn must be acs:ram::<uid>:role/<name>.", "RoleArn");
    }
    spec.request_digest = auth::Sha256Hex(r.body);
    BatchJob job = jobs_.Create(who, std::move(spec));
    XmlOut xml("CreateJobResult");
    AddText(xml.root(), "JobId", job.public_id);
    return Reply(xml, r);
  }

  Response Describe(Request& r, const Principal& who) {
    BatchJob job = jobs_.Get(who, Param(r, "batchJobId"));
    XmlOut xml("DescribeJobResult");
    pugi::xml_node j = xml.root().append_child("Job");
    AddText(j, "ConfirmationRequired", job.confirmation_required ? "true" : "false");
    AddText(j, "CreationTime", Seconds(job.created));
    pugi::xml_node failures = j.append_child("FailureReasons");
    pugi::xml_node failure = failures.append_child("JobFailure");
    for (const core::BatchFailure& f : job.failures) {
      AddText(failure, "FailureCode", f.code);
      AddText(failure, "FailureReason", f.reason);
      failure = failures.append_child("JobFailure");
    }
    failures.remove_child(failure);
    if (job.failures.empty()) failures.append_child("JobFailure");
    AddText(j, "JobId", job.public_id);
    pugi::xml_node op =
        j.append_child("Operation")
            .append_child(std::string(core::BatchOperationName(job.operation)).c_str());
    switch (job.operation) {
      case core::BatchOperation::kPutObjectTagging:
      case core::BatchOperation::kAddObjectTagging:
        AddTags(op, job.tags);
        break;
      case core::BatchOperation::kPutObjectAcl:
        AddText(op, "ObjectAcl", core::AclName(job.acl));
        break;
      case core::BatchOperation::kRestoreObject:
        AddText(op, "Days", std::to_string(job.restore_days));
        if (!job.restore_tier.empty()) AddText(op, "Tier", job.restore_tier);
        break;
      case core::BatchOperation::kDeleteObjectTagging:
        break;
    }
    pugi::xml_node report = j.append_child("Report");
    AddText(report, "Bucket", job.report_bucket);
    AddText(report, "Enabled", job.report_enabled ? "true" : "false");
    AddText(report, "Prefix", job.report_prefix);
    AddText(report, "ReportScope", job.report_scope);
    if (job.by_prefix) {
      pugi::xml_node g = j.append_child("KeyPrefixManifestGenerator");
      AddText(g, "SourceBucket", job.prefix_bucket);
      AddText(g, "Prefix", job.prefix);
    } else {
      pugi::xml_node m = j.append_child("Manifest");
      pugi::xml_node location = m.append_child("Location");
      AddText(location, "Bucket", job.manifest_bucket);
      AddText(location, "Object", job.manifest_object);
      AddText(location, "ETag", job.manifest_etag);
      pugi::xml_node spec = m.append_child("Spec");
      AddText(spec, "Fields", job.manifest_fields.empty() ? "Bucket,Key" : job.manifest_fields);
      AddText(spec, "Format", job.manifest_format);
    }
    AddText(j, "Description", job.description);
    AddText(j, "Priority", std::to_string(job.priority));
    AddText(j, "RoleArn", job.role_arn);
    AddText(j, "StatusUpdateReason", job.status_reason);
    AddProgress(j, job);
    AddText(j, "Status", core::BatchStatusName(job.status));
    if (job.terminated > 0) AddText(j, "TerminationDate", Seconds(job.terminated));
    return Reply(xml, r);
  }

  Response List(Request& r, const Principal& who) {
    std::vector<BatchStatus> statuses;
    if (const std::string* given = r.Query("batchJobStatuses"); given && !given->empty()) {
      size_t start = 0;
      while (start <= given->size()) {
        size_t bar = given->find('|', start);
        if (bar == std::string::npos) bar = given->size();
        std::string name = given->substr(start, bar - start);
        name.erase(0, name.find_first_not_of(' '));
        name.erase(name.find_last_not_of(' ') + 1);
        std::optional<BatchStatus> s = core::ParseBatchStatus(name);
        if (!s) {
          core::ThrowInvalid("batchJobStatuses",
                             "batchJobStatuses holds " + name + ", which is not a job status.");
        }
        statuses.push_back(*s);
        start = bar + 1;
      }
    }
    int64_t max = 100;
    if (const std::string* m = r.Query("max-keys")) max = Integer(*m, "max-keys", 1, 1000);
    index::Query q;
    q.limit = max;
    q.pin = true;
    uint64_t fingerprint = Fingerprint(statuses);
    if (const std::string* token = r.Query("continuation-token"); token && !token->empty()) {
      std::optional<index::Continuation> c = index::DecodeContinuation(*token);
      if (token->size() > 1024 || !c || c->fingerprint != fingerprint) {
        core::ThrowInvalid("continuation-token",
                           "The continuation-token is not one this list handed out.");
      }
      q.at = c->snapshot;
      q.offset = c->offset;
      q.now = c->now;
    }
    BatchJobService::Page page = jobs_.List(who, statuses, q);
    XmlOut xml("ListJobsResult");
    if (q.offset + q.limit < page.total) {
      AddText(xml.root(), "NextToken",
              index::EncodeContinuation({page.snapshot, q.offset + q.limit, fingerprint,
                                         q.now ? q.now : core::SystemClock().Now()}));
    }
    pugi::xml_node jobs = xml.root().append_child("Jobs");
    for (const BatchJob& job : page.jobs) {
      pugi::xml_node d = jobs.append_child("JobListDescriptor");
      AddText(d, "CreationTime", Seconds(job.created));
      AddText(d, "Description", job.description);
      AddText(d, "JobId", job.public_id);
      AddText(d, "Operation", core::BatchOperationName(job.operation));
      AddText(d, "Priority", std::to_string(job.priority));
      AddProgress(d, job);
      AddText(d, "Status", core::BatchStatusName(job.status));
      if (job.terminated > 0) AddText(d, "TerminationDate", Seconds(job.terminated));
    }
    return Reply(xml, r);
  }

  Response UpdatePriority(Request& r, const Principal& who) {
    int64_t priority = Integer(Param(r, "targetPriority"), "targetPriority", 0, 2147483647);
    BatchJob job = jobs_.UpdatePriority(who, Param(r, "batchJobId"), priority);
    XmlOut xml("UpdateJobPriorityResult");
    AddText(xml.root(), "JobId", job.public_id);
    AddText(xml.root(), "Priority", std::to_string(job.priority));
    return Reply(xml, r);
  }

  Response UpdateStatus(Request& r, const Principal& who) {
    std::optional<BatchStatus> requested = core::ParseBatchStatus(Param(r, "requestedJobStatus"));
    if (!requested) {
      core::ThrowInvalid("requestedJobStatus", "requestedJobStatus is Ready or Cancelled.");
    }
    const std::string* reason = r.Query("statusUpdateReason");
    BatchJob job = jobs_.UpdateStatus(who, Param(r, "batchJobId"), *requested,
                                      reason ? *reason : std::string());
    XmlOut xml("UpdateJobStatusResult");
    AddText(xml.root(), "JobId", job.public_id);
    AddText(xml.root(), "Status", core::BatchStatusName(job.status));
    AddText(xml.root(), "StatusUpdateReason", job.status_reason);
    return Reply(xml, r);
  }

 private:
  BatchJobService& jobs_;
};

}  // namespace

void AddBatchRoutes(Dialect& d, BatchJobService& jobs) {
  auto h = std::make_shared<BatchHandlers>(jobs);
  using A = auth::Access;
  auto add = [&](const char* method, std::vector<std::string> subresources, const char* action,
                 A access, Response (BatchHandlers::*handler)(Request&, const Principal&)) {
    d.routes.push_back(
        Route{method, "/", std::move(subresources), std::string("oss:") + action, access,
              [h, handler](Request& r, const Principal& who) { return ((*h).*handler)(r, who); }});
  };
  add("POST", {"batchJob"}, "CreateJob", A::kWrite, &BatchHandlers::Create);
  add("GET", {"batchJob"}, "ListJobs", A::kRead, &BatchHandlers::List);
  add("GET", {"batchJob", "batchJobId"}, "DescribeJob", A::kRead, &BatchHandlers::Describe);
  add("POST", {"batchJobPriority"}, "UpdateJobPriority", A::kWrite, &BatchHandlers::UpdatePriority);
  add("POST", {"batchJobStatus"}, "UpdateJobStatus", A::kWrite, &BatchHandlers::UpdateStatus);
}

std::string ReportRow(const service::ObjectService::BatchTask& task,
                      const std::optional<core::Error>& outcome) {
  auto csv = [](std::string_view text) {
    std::string out = "\"";
    for (char c : text) {
      if (c == '"') out += '"';
      out += c;
    }
    return out + "\"";
  };
  std::string row = task.bucket + "," + core::PercentEncodeKey(task.key) + ",,";
  if (!outcome) return row + "succeeded,,200,\n";
  auto [status, code] = OssCodeOf(*outcome);
  return row + "failed," + code + "," + std::to_string(status) + "," + csv(outcome->what()) + "\n";
}

}  // namespace drover::api::oss
