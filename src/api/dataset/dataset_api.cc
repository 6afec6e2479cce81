#include "api/dataset/dataset_api.h"

#include "api/dataset/dataset_job_api.h"
#include "api/dataset/dataset_json.h"
#include "api/dataset/errors.h"
#include "api/dataset/list_params.h"
#include "api/dataset/reply.h"
#include "api/http/params.h"
#include "auth/acs3.h"
#include "auth/roa_v1.h"

namespace drover::api::dataset {

namespace {

using service::DatasetService;
using service::Principal;
using service::Workspace;

void WriteWorkspace(JsonWriter& w, const Workspace& ws, bool in_list) {
  char buf[32];
  w.Member("WorkspaceId", ws.id);
  w.Member("WorkspaceName", ws.name);
  w.Member("DisplayName", ws.name);
  w.Member("Description", "");
  w.Member("Creator", ws.creator);
  w.Key("AdminNames").BeginArray();
  for (const std::string& admin : ws.admins) w.String(admin);
  w.EndArray();
  w.Key("EnvTypes").BeginArray().String("prod").EndArray();
  w.Member("IsDefault", ws.is_default);
  w.Member("Status", "ENABLED");
  w.Key("ExtraInfos").BeginObject().Member("TenantId", ws.tenant).EndObject();
  w.Member("GmtCreateTime", std::string(core::FormatIso8601(ws.created, true, buf)));
  w.Member("GmtModifiedTime", std::string(core::FormatIso8601(ws.created, true, buf)));
  // List items spell it with a lowercase r; GetWorkspace does not.
  w.Member(in_list ? "resourceGroupId" : "ResourceGroupId", "");
}

void WriteOwner(JsonWriter& w, const Principal& who) {
  w.Key("Owner")
      .BeginObject()
      .Member("UserId", who.user_id)
      .Member("UserKp", who.tenant_id)
      .Member("UserName", who.username)
      .Member("DisplayName", who.username)
      .EndObject();
}

}  // namespace

Dialect MakeDialect(DatasetService& datasets, service::DatasetJobService& jobs,
                    const service::WorkspaceDirectory& workspaces) {
  Dialect d;
  d.name = "pai-aiworkspace";
  d.path_families = {"/api/v1/datasets", "/api/v1/workspaces", "/api/v1/defaultWorkspaces",
                     "/api/v1/statistics/"};
  d.verifiers = {&auth::Acs3Verifier(), &auth::RoaV1Verifier()};
  d.render_error = RenderError;
  d.not_found = NotFound;
  constexpr auth::Access kRead = auth::Access::kRead, kWrite = auth::Access::kWrite;
  DatasetService& ds = datasets;

  // ---- datasets -------------------------------------------------------------

  d.Add("POST", "/api/v1/datasets", "paidataset:CreateDataset", kWrite,
        [&ds](Request& r, const Principal& who) {
          NewDataset draft = ParseCreateDataset(r.body);
          core::Dataset created = ds.Create(who, std::move(draft.dataset), std::move(draft.first));
          return Reply(r, [&](JsonWriter& w) { w.Member("DatasetId", created.public_id); });
        });

  d.Add("GET", "/api/v1/datasets", "paidataset:ListDatasets", kRead,
        [&ds](Request& r, const Principal& who) {
          service::DatasetList list = ds.List(who, ParseListDatasets(r.query, who));
          std::vector<std::optional<core::DatasetVersion>> latest = ds.Latest(list.datasets);
          core::Viewer viewer = who.AsViewer();
          core::TimeMs now = ds.clock().Now();
          return Reply(r, [&](JsonWriter& w) {
            w.Key("Datasets").BeginArray();
            for (size_t i = 0; i < list.datasets.size(); ++i) {
              const core::Dataset& dataset = list.datasets[i];
              w.BeginObject();
              WriteDataset(w, dataset, latest[i], {core::SharedTo(viewer, dataset, now), now});
              w.EndObject();
            }
            w.EndArray().Member("TotalCount", list.total);
          });
        });

  d.Add("GET", "/api/v1/datasets/{DatasetId}", "paidataset:GetDataset", kRead,
        [&ds](Request& r, const Principal& who) {
          core::Dataset dataset = ds.Get(who, r.path_params["DatasetId"]);
          std::optional<core::DatasetVersion> latest = ds.Latest(dataset);
          core::TimeMs now = ds.clock().Now();
          return Reply(r, [&](JsonWriter& w) {
            WriteDataset(w, dataset, latest, {core::SharedTo(who.AsViewer(), dataset, now), now});
          });
        });

  d.Add("PUT", "/api/v1/datasets/{DatasetId}", "paidataset:UpdateDataset", kWrite,
        [&ds](Request& r, const Principal& who) {
          ds.Update(who, r.path_params["DatasetId"], ParseUpdateDataset(r.body));
          return Done(r);
        });

  d.Add("DELETE", "/api/v1/datasets/{DatasetId}", "paidataset:DeleteDataset", kWrite,
        [&ds](Request& r, const Principal& who) {
          ds.Delete(who, r.path_params["DatasetId"]);
          return Done(r);
        });

  d.Add("PUT", "/api/v1/datasets/{DatasetId}/publish", "paidataset:PublishDataset", kWrite,
        [&ds](Request& r, const Principal& who) {
          service::DatasetUpdate update;
          update.accessibility = core::DatasetAccess::kPublic;
          ds.Update(who, r.path_params["DatasetId"], update);
          return Done(r);
        });

  d.Add("POST", "/api/v1/datasets/{DatasetId}/labels", "paidataset:CreateDatasetLabels", kWrite,
        [&ds](Request& r, const Principal& who) {
          ds.AddLabels(who, r.path_params["DatasetId"], ParseLabelsBody(r.body));
          return Done(r);
        });

  d.Add("DELETE", "/api/v1/datasets/{DatasetId}/labels", "paidataset:DeleteDatasetLabels", kWrite,
        [&ds](Request& r, const Principal& who) {
          std::vector<std::string> keys = ParseKeys(r.Query("LabelKeys"), "LabelKeys");
          ds.RemoveLabels(who, r.path_params["DatasetId"], keys);
          return Done(r);
        });

  // ---- versions -------------------------------------------------------------

  d.Add("POST", "/api/v1/datasets/{DatasetId}/versions", "paidataset:CreateDatasetVersion", kWrite,
        [&ds](Request& r, const Principal& who) {
          core::DatasetVersion version =
              ds.CreateVersion(who, r.path_params["DatasetId"], ParseCreateVersion(r.body));
          return Reply(r, [&](JsonWriter& w) { w.Member("VersionName", version.name); });
        });

  d.Add("GET", "/api/v1/datasets/{DatasetId}/versions", "paidataset:ListDatasetVersions", kRead,
        [&ds](Request& r, const Principal& who) {
          index::Query query = ParseListVersions(r.query);
          service::VersionList list = ds.ListVersions(who, r.path_params["DatasetId"], query);
          return Reply(r, [&](JsonWriter& w) {
            w.Key("DatasetVersions").BeginArray();
            for (const core::DatasetVersion& version : list.versions) {
              w.BeginObject();
              WriteVersion(w, version);
              w.EndObject();
            }
            w.EndArray().Member("TotalCount", list.total);
            w.Member("PageNumber", query.offset / query.limit + 1).Member("PageSize", query.limit);
          });
        });

  d.Add("GET", "/api/v1/datasets/{DatasetId}/versions/{VersionName}",
        "paidataset:GetDatasetVersion", kRead, [&ds](Request& r, const Principal& who) {
          core::DatasetVersion version =
              ds.GetVersion(who, r.path_params["DatasetId"], r.path_params["VersionName"]);
          return Reply(r, [&](JsonWriter& w) {
            WriteVersion(w, version);
            w.Member("DatasetId", version.dataset_id);
          });
        });

  d.Add("PUT", "/api/v1/datasets/{DatasetId}/versions/{VersionName}",
        "paidataset:UpdateDatasetVersion", kWrite, [&ds](Request& r, const Principal& who) {
          ds.UpdateVersion(who, r.path_params["DatasetId"], r.path_params["VersionName"],
                           ParseUpdateVersion(r.body));
          return Done(r);
        });

  d.Add("DELETE", "/api/v1/datasets/{DatasetId}/versions/{VersionName}",
        "paidataset:DeleteDatasetVersion", kWrite, [&ds](Request& r, const Principal& who) {
          ds.DeleteVersion(who, r.path_params["DatasetId"], r.path_params["VersionName"]);
          return Done(r);
        });

  d.Add("PUT", "/api/v1/datasets/{DatasetId}/versions/{VersionName}/labels",
        "paidataset:CreateDatasetVersionLabels", kWrite, [&ds](Request& r, const Principal& who) {
          ds.AddVersionLabels(who, r.path_params["DatasetId"], r.path_params["VersionName"],
                              ParseLabelsBody(r.body));
          return Done(r);
        });

  d.Add("DELETE", "/api/v1/datasets/{DatasetId}/versions/{VersionName}/labels",
        "paidataset:DeleteDatasetVersionLabels", kWrite, [&ds](Request& r, const Principal& who) {
          std::vector<std::string> keys = ParseKeys(r.Query("Keys"), "Keys");
          ds.RemoveVersionLabels(who, r.path_params["DatasetId"], r.path_params["VersionName"],
                                 keys);
          return Done(r);
        });

  // ---- workspaces -----------------------------------------------------------

  d.Add("GET", "/api/v1/workspaces", "paiworkspace:ListWorkspaces", kRead,
        [&workspaces](Request& r, const Principal& who) {
          Params p(r.query);
          Paging paging = ParsePaging(p, 20, kMaxPageSize);
          bool descending = ParseDescending(p, "ASC or DESC").value_or(false);
          const std::string* sort = p.Get("SortBy");
          if (sort && *sort != "GmtCreateTime" && *sort != "GmtModifiedTime") {
            core::ThrowInvalid("SortBy", "SortBy must be GmtCreateTime or GmtModifiedTime.");
          }
          p.Bool("Verbose");  // validated; every field is cheap to include
          std::vector<Workspace> all = workspaces.Visible(who);
          std::vector<std::string> ids;
          if (const std::string* list = p.Get("WorkspaceIds")) ids = SplitList(*list);
          const std::string* name = p.Get("WorkspaceName");
          const std::string* status = p.Get("Status");
          std::vector<Workspace> matching;
          for (Workspace& ws : all) {
            if (!ids.empty() && std::find(ids.begin(), ids.end(), ws.id) == ids.end()) continue;
            if (name && ws.name.find(*name) == std::string::npos) continue;
            if (status && *status != "ENABLED") continue;
            matching.push_back(std::move(ws));
          }
          if (descending) std::reverse(matching.begin(), matching.end());
          const std::string* option = p.Get("Option");
          bool limits = option && *option == "GetResourceLimits";
          if (option && !limits && *option != "GetWorkspaces") {
            core::ThrowInvalid("Option", "Option must be GetWorkspaces or GetResourceLimits.");
          }
          return Reply(r, [&](JsonWriter& w) {
            w.Key("Workspaces").BeginArray();
            for (size_t i = static_cast<size_t>(std::min<int64_t>(paging.offset, matching.size()));
                 !limits && i < matching.size() &&
                 i - paging.offset < static_cast<size_t>(paging.limit);
                 ++i) {
              w.BeginObject();
              WriteWorkspace(w, matching[i], true);
              w.EndObject();
            }
            w.EndArray().Member("TotalCount", static_cast<int64_t>(limits ? 0 : matching.size()));
            w.Key("ResourceLimits").BeginObject().EndObject();
          });
        });

  d.Add("GET", "/api/v1/workspaces/{WorkspaceId}", "paiworkspace:GetWorkspace", kRead,
        [&workspaces](Request& r, const Principal& who) {
          Params p(r.query);
          bool verbose = p.Bool("Verbose").value_or(false);
          Workspace ws = workspaces.Get(who, r.path_params["WorkspaceId"]);
          return Reply(r, [&](JsonWriter& w) {
            WriteWorkspace(w, ws, false);
            if (verbose) WriteOwner(w, who);
          });
        });

  d.Add("GET", "/api/v1/defaultWorkspaces", "paiworkspace:GetDefaultWorkspace", kRead,
        [&workspaces](Request& r, const Principal& who) {
          Params p(r.query);
          bool verbose = p.Bool("Verbose").value_or(false);
          Workspace ws = workspaces.Get(who, who.default_workspace_id);
          return Reply(r, [&](JsonWriter& w) {
            WriteWorkspace(w, ws, false);
            w.Key("Conditions").BeginArray();
            for (const char* type : {"CREATING", "WORKSPACE_CREATED", "MEMBERS_ADDED", "ENABLED"}) {
              w.BeginObject()
                  .Member("Type", type)
                  .Member("Code", 200)
                  .Member("Message", "")
                  .EndObject();
            }
            w.EndArray();
            if (verbose) WriteOwner(w, who);
          });
        });

  AddDatasetJobRoutes(d, jobs);
  return d;
}

}  // namespace drover::api::dataset
