#include "store/job_codec.h"

#include "core/error.h"
#include "core/json_reader.h"
#include "core/json_writer.h"

namespace drover::store {

using core::RoleSpec;
using core::StatusEvent;
using core::TrainingJob;

namespace {

// One list of (key, member) pairs serves encoding and decoding, so the two
// can never disagree. `JobT` is `TrainingJob` or `const TrainingJob`.
template <class JobT, class F>
void VisitJobFields(JobT& j, F&& f) {
  f("id", j.id);
  f("public_id", j.public_id);
  f("tenant", j.tenant_id);
  f("workspace", j.workspace_id);
  f("user_id", j.user_id);
  f("username", j.username);
  f("name", j.display_name);
  f("type", j.job_type);
  f("description", j.description);
  f("command", j.user_command);
  f("roles", j.roles);
  f("envs", j.envs);
  f("tags", j.tags);
  f("priority", j.priority);
  f("visibility", j.visibility);
  f("resource_id", j.resource_id);
  f("quota_name", j.resource_quota_name);
  f("max_running_minutes", j.max_running_minutes);
  f("pipeline_id", j.pipeline_id);
  f("template_id", j.template_id);
  f("caller", j.caller);
  f("business_user_id", j.business_user_id);
  f("payment_type", j.payment_type);
  f("oversold_info", j.oversold_info);
  f("enable_assign_node", j.enable_assign_node);
  f("enable_sanity_check", j.enable_sanity_check);
  f("reserved_minutes", j.reserved_minutes);
  f("max_restarts", j.max_restarts);
  f("extras", j.extras);
  f("status", j.status);
  f("sub_status", j.sub_status);
  f("reason_code", j.reason_code);
  f("reason_message", j.reason_message);
  f("restart_count", j.restart_count);
  f("history", j.history);
  f("pods", j.pods);
  f("history_pods", j.history_pods);
  f("created", j.created);
  f("submitted", j.submitted);
  f("running", j.running);
  f("finished", j.finished);
  f("succeeded", j.succeeded);
  f("failed", j.failed);
  f("stopped", j.stopped);
  f("modified", j.modified);
  f("lineage", j.lineage);
  f("pre_version", j.pre_version);
  f("version", j.version);
  f("latest", j.latest);
  f("version_count", j.version_count);
  f("imported", j.imported);
}

template <class RoleT, class F>
void VisitRoleFields(RoleT& r, F&& f) {
  f("role", r.role);
  f("image", r.image);
  f("pods", r.pod_count);
  f("instance_type", r.instance_type);
  f("cpu", r.cpu);
  f("gpu", r.gpu);
  f("memory", r.memory);
  f("restart_policy", r.restart_policy);
}

template <class EventT, class F>
void VisitEventFields(EventT& e, F&& f) {
  f("status", e.status);
  f("start", e.start);
  f("end", e.end);
  f("reason_code", e.reason_code);
  f("reason_message", e.reason_message);
}

template <class PodT, class F>
void VisitPodFields(PodT& p, F&& f) {
  f("name", p.name);
  f("uid", p.uid);
  f("role", p.role);
  f("index", p.index);
  f("status", p.status);
  f("pid", p.pid);
  f("exit_code", p.exit_code);
  f("signal", p.signal);
  f("gpus", p.gpus);
  f("created", p.created);
  f("started", p.started);
  f("finished", p.finished);
}

// ---- encoding -------------------------------------------------------------
// Straight to text. Fields equal to a default-constructed record's are left
// out: documents stay small, and the decoder keeps the default for an
// absent key.

using core::JsonWriter;

void Write(JsonWriter& w, const std::string& v) { w.String(v); }
void Write(JsonWriter& w, int64_t v) { w.Int(v); }
void Write(JsonWriter& w, uint64_t v) { w.Uint(v); }
void Write(JsonWriter& w, bool v) { w.Bool(v); }
void Write(JsonWriter& w, core::Visibility v) { w.Int(static_cast<int64_t>(v)); }
void Write(JsonWriter& w, core::TrainingStatus v) { w.Int(static_cast<int64_t>(v)); }
void Write(JsonWriter& w, const std::map<std::string, std::string>& m) {
  w.BeginObject();
  for (const auto& [key, value] : m) w.Member(key, value);
  w.EndObject();
}
void Write(JsonWriter& w, const RoleSpec& r);
void Write(JsonWriter& w, const StatusEvent& e);
void Write(JsonWriter& w, const core::PodState& p);
template <class T>
void Write(JsonWriter& w, const std::vector<T>& items) {
  w.BeginArray();
  for (const T& item : items) Write(w, item);
  w.EndArray();
}

// The text of each field of a default-constructed T, in visiting order.
template <class T, class Visit>
const std::vector<std::string>& DefaultTexts(Visit visit) {
  static const std::vector<std::string> texts = [&] {
    std::vector<std::string> out;
    const T record{};
    visit(record, [&](const char*, const auto& value) {
      std::string text;
      JsonWriter w(text);
      Write(w, value);
      out.push_back(std::move(text));
    });
    return out;
  }();
  return texts;
}

template <class T, class Visit>
void WriteRecord(JsonWriter& w, const T& record, Visit visit) {
  const std::vector<std::string>& defaults = DefaultTexts<T>(visit);
  size_t field = 0;
  w.BeginObject();
  visit(record, [&](const char* key, const auto& value) {
    JsonWriter::Mark before = w.Position();
    w.Key(key);
    JsonWriter::Mark value_at = w.Position();
    Write(w, value);
    if (w.Since(value_at) == defaults[field]) w.Rewind(before);
    ++field;
  });
  w.EndObject();
}

void Write(JsonWriter& w, const RoleSpec& r) {
  WriteRecord(w, r, [](const RoleSpec& x, auto&& f) { VisitRoleFields(x, f); });
}
void Write(JsonWriter& w, const StatusEvent& e) {
  WriteRecord(w, e, [](const StatusEvent& x, auto&& f) { VisitEventFields(x, f); });
}
void Write(JsonWriter& w, const core::PodState& p) {
  WriteRecord(w, p, [](const core::PodState& x, auto&& f) { VisitPodFields(x, f); });
}

// ---- decoding -------------------------------------------------------------
// Without a tree: decoding runs once per job at start-up and fifty times per
// list page.

using core::JsonReader;

void Read(JsonReader& r, std::string& out) { r.String(out); }
void Read(JsonReader& r, int64_t& out) { out = r.Int(); }
void Read(JsonReader& r, uint64_t& out) { out = r.Uint(); }
void Read(JsonReader& r, bool& out) { out = r.Bool(); }
void Read(JsonReader& r, core::Visibility& out) { out = static_cast<core::Visibility>(r.Int()); }
void Read(JsonReader& r, core::TrainingStatus& out) {
  out = static_cast<core::TrainingStatus>(r.Int());
}
void Read(JsonReader& r, std::map<std::string, std::string>& out) {
  r.BeginObject();
  for (std::string_view key; r.NextKey(key);) {
    std::string name(key);
    r.String(out[std::move(name)]);
  }
}
void Read(JsonReader& r, RoleSpec& out);
void Read(JsonReader& r, StatusEvent& out);
void Read(JsonReader& r, core::PodState& out);
template <class T>
void Read(JsonReader& r, std::vector<T>& out) {
  r.BeginArray();
  while (r.NextElement()) Read(r, out.emplace_back());
}

// Reads the members in visiting order: the next field is either the next
// key of the document or absent (left at its default, as the encoder
// left it out).
struct InOrder {
  JsonReader& r;
  std::string_view key;
  bool more;
  template <class T>
  void operator()(const char* name, T& member) {
    if (more && key == name) {
      Read(r, member);
      more = r.NextKey(key);
    }
  }
};

// Reads one object into `record`. One pass suffices for what the encoder
// wrote; a document in another order, or with a key this version does not
// know, is read again from the start, member by member, by key.
template <class T, class Visit>
void ReadRecord(JsonReader& r, T& record, Visit visit) {
  size_t start = r.Position();
  r.BeginObject();
  InOrder in{r, {}, false};
  in.more = r.NextKey(in.key);
  visit(record, in);
  if (!in.more) return;
  record = T{};
  r.Seek(start);
  r.BeginObject();
  for (std::string_view key; r.NextKey(key);) {
    std::string name(key);
    bool known = false;
    visit(record, [&](const char* field, auto& member) {
      if (!known && name == field) {
        Read(r, member);
        known = true;
      }
    });
    if (!known) r.Skip();
  }
}

void Read(JsonReader& r, RoleSpec& out) {
  ReadRecord(r, out, [](RoleSpec& x, auto&& f) { VisitRoleFields(x, f); });
}
void Read(JsonReader& r, StatusEvent& out) {
  ReadRecord(r, out, [](StatusEvent& x, auto&& f) { VisitEventFields(x, f); });
}
void Read(JsonReader& r, core::PodState& out) {
  ReadRecord(r, out, [](core::PodState& x, auto&& f) { VisitPodFields(x, f); });
}

}  // namespace

std::string EncodeJob(const TrainingJob& job) {
  std::string out;
  out.reserve(1024);
  JsonWriter w(out);
  WriteRecord(w, job, [](const TrainingJob& x, auto&& f) { VisitJobFields(x, f); });
  return out;
}

TrainingJob DecodeJob(std::string_view document) {
  try {
    JsonReader r(document);
    TrainingJob job;
    ReadRecord(r, job, [](TrainingJob& x, auto&& f) { VisitJobFields(x, f); });
    if (!r.AtEnd()) throw JsonReader::Error("text after the document");
    return job;
  } catch (const std::exception& e) {
    throw core::Error(core::ErrorCode::kInternal, std::string("corrupt stored job: ") + e.what());
  }
}

}  // namespace drover::store
