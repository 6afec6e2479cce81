// `drover datasets …` and `drover dataset-jobs …`: PAI datasets, their
// versions and the jobs that work on them (AIWorkSpace API 2021-02-04).
#include <CLI/CLI.hpp>
#include <boost/json/serialize.hpp>
#include <iostream>
#include <memory>

#include "cli/client/api_client.h"
#include "cli/client/commands.h"
#include "cli/client/output.h"

namespace drover::cli::client {

namespace json = boost::json;

namespace {

constexpr const char* kWorkspaceVersion = "2021-02-04";

std::string DatasetPath(const std::string& id) { return "/api/v1/datasets/" + id; }

// Every page of a PageNumber/PageSize list (`all`), or the one asked for,
// as {"<items>": [...], "TotalCount": n}.
json::object FetchPages(ApiClient& client, const std::string& action, const std::string& path,
                        const Query& query, const char* items, int page_size, int page, bool all) {
  json::array got;
  int64_t total = 0;
  for (;; ++page) {
    Query q = query;
    q.emplace_back("PageNumber", std::to_string(page));
    q.emplace_back("PageSize", std::to_string(page_size));
    json::value answer = client.Pai(action, kWorkspaceVersion, "GET", path, q);
    const json::value* list = answer.as_object().if_contains(items);
    size_t n = list && list->is_array() ? list->as_array().size() : 0;
    if (n > 0) {
      for (const json::value& item : list->as_array()) got.push_back(item);
    }
    total = answer.as_object().contains("TotalCount") ? answer.at("TotalCount").to_number<int64_t>()
                                                      : static_cast<int64_t>(got.size());
    if (!all || n == 0 || static_cast<int64_t>(got.size()) >= total) break;
  }
  return json::object{{items, std::move(got)}, {"TotalCount", total}};
}

// A list as -o asks: the answer (json, yaml), the ids (name) or a table.
void PrintList(Format format, const json::object& list, const char* items, const char* id_field,
               const std::vector<std::string>& headers,
               const std::function<std::vector<std::string>(const json::value&, bool wide)>& row,
               size_t wide_from) {
  const json::array& all = list.at(items).as_array();
  if (format == Format::kJson || format == Format::kYaml) {
    std::cout << Answer(format, list);
    return;
  }
  if (format == Format::kName) {
    for (const json::value& item : all) std::cout << Field(item, id_field) << "\n";
    return;
  }
  bool wide = format == Format::kWide;
  std::vector<std::string> shown(
      headers.begin(),
      wide ? headers.end() : headers.begin() + static_cast<std::ptrdiff_t>(wide_from));
  std::vector<std::vector<std::string>> rows;
  for (const json::value& item : all) rows.push_back(row(item, wide));
  std::cout << Table(shown, rows) << all.size() << " of " << Field(list, "TotalCount") << "\n";
}

// One object as -o asks: the answer, its id, or its fields one per line.
void PrintOne(Format format, const json::value& answer, const char* id_field,
              const std::vector<const char*>& fields) {
  if (format == Format::kJson || format == Format::kYaml) {
    std::cout << Answer(format, answer);
  } else if (format == Format::kName) {
    std::cout << Field(answer, id_field) << "\n";
  } else {
    std::cout << FieldPairs(answer, fields);
  }
}

std::string Bytes(const json::value& item, const char* field) {
  std::string text = Field(item, field);
  return text.empty() ? "" : HumanBytes(std::stod(text));
}

}  // namespace

void Commands::AddDatasets(CLI::App& app) {
  CLI::App* ds = app.add_subcommand(
      "datasets", "PAI datasets (AIWorkSpace 2021-02-04): list, get, create, delete, versions");
  ds->require_subcommand(1);

  struct ListOptions {
    std::string name, label, workspace;
    int page_size = 50, page = 1;
    bool all = false;
  };
  auto list = std::make_shared<ListOptions>();
  CLI::App* ls = ds->add_subcommand(
      "list", "List datasets (ListDatasets)\n  e.g. drover datasets list --name images -o wide");
  ls->alias("ls");
  ls->add_option("--name", list->name, "Name search (Name, fuzzy)");
  ls->add_option("--label", list->label, "Text in a label's key or value");
  ls->add_option("--workspace", list->workspace, "WorkspaceId (default: the profile's)");
  ls->add_option("--page-size", list->page_size, "Datasets per page")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  ls->add_option("--page", list->page, "Page number")->check(CLI::Range(1, 1000000));
  ls->add_flag("--all", list->all, "Every page");
  On(ls, [this, list] {
    Format format = ParseFormat(output_);
    ApiClient client = Client();
    Query q;
    if (!list->name.empty()) q.emplace_back("Name", list->name);
    if (!list->label.empty()) q.emplace_back("Label", list->label);
    std::string workspace = list->workspace.empty() ? client.profile().workspace : list->workspace;
    if (!workspace.empty()) q.emplace_back("WorkspaceId", workspace);
    json::object answer = FetchPages(client, "ListDatasets", "/api/v1/datasets", q, "Datasets",
                                     list->page_size, list->page, list->all);
    PrintList(
        format, answer, "Datasets", "DatasetId",
        {"DATASET ID", "NAME", "PROPERTY", "SOURCE", "LATEST", "AGE", "URI", "WORKSPACE",
         "ACCESSIBILITY"},
        [](const json::value& d, bool wide) {
          const json::value* latest = d.as_object().if_contains("LatestVersion");
          std::vector<std::string> row = {
              Field(d, "DatasetId"),
              Field(d, "Name"),
              Field(d, "Property"),
              Field(d, "DataSourceType"),
              latest && latest->is_object() ? Field(*latest, "VersionName") : "",
              AgeOf(d, "GmtCreateTime")};
          if (wide) {
            row.insert(row.end(),
                       {Field(d, "Uri"), Field(d, "WorkspaceId"), Field(d, "Accessibility")});
          }
          return row;
        },
        6);
    return 0;
  });

  auto id = std::make_shared<std::string>();
  CLI::App* get = ds->add_subcommand("get",
                                     "Show one dataset (GetDataset)\n  e.g. drover "
                                     "datasets get d-abc123 -o yaml");
  get->add_option("id", *id, "DatasetId")->required();
  On(get, [this, id] {
    json::value d = Client().Pai("GetDataset", kWorkspaceVersion, "GET", DatasetPath(*id));
    PrintOne(ParseFormat(output_), d, "DatasetId",
             {"DatasetId", "Name", "Description", "WorkspaceId", "Property", "DataSourceType",
              "DataType", "Uri", "Accessibility", "Edition", "MountAccess", "OwnerId",
              "GmtCreateTime", "GmtModifiedTime"});
    return 0;
  });

  struct CreateOptions {
    std::string file, name, uri, source_type = "NAS", property = "DIRECTORY", data_type,
                                 description, workspace;
  };
  auto create = std::make_shared<CreateOptions>();
  CLI::App* mk = ds->add_subcommand(
      "create",
      "Create a dataset (CreateDataset) from flags or a YAML or JSON file of its body\n"
      "  e.g. drover datasets create --name images --type NAS --uri "
      "nas://0a1b2c3d.cn-hangzhou/images/");
  mk->add_option("-f,--file", create->file, "CreateDataset's body, YAML or JSON (- for stdin)");
  mk->add_option("--name", create->name, "Name");
  mk->add_option("--uri", create->uri, "Uri: nas://…, oss://…, a local path of the storage map");
  mk->add_option("--type", create->source_type, "DataSourceType (NAS, OSS, CPFS, …)")
      ->capture_default_str();
  mk->add_option("--property", create->property, "DIRECTORY or FILE")->capture_default_str();
  mk->add_option("--data-type", create->data_type, "COMMON, PIC, TEXT, VIDEO or AUDIO");
  mk->add_option("--description", create->description, "Description");
  mk->add_option("--workspace", create->workspace, "WorkspaceId (default: the profile's)");
  On(mk, [this, create] {
    Format format = ParseFormat(output_);
    ApiClient client = Client();
    json::object body;
    if (!create->file.empty()) {
      body = ReadBody(create->file);
    } else {
      if (create->name.empty() || create->uri.empty()) {
        throw std::runtime_error("--name and --uri are required without -f");
      }
      body = json::object{{"Name", create->name},
                          {"Uri", create->uri},
                          {"DataSourceType", create->source_type},
                          {"Property", create->property}};
      if (!create->data_type.empty()) body["DataType"] = create->data_type;
      if (!create->description.empty()) body["Description"] = create->description;
    }
    std::string workspace =
        create->workspace.empty() ? client.profile().workspace : create->workspace;
    if (!workspace.empty() && !body.contains("WorkspaceId")) body["WorkspaceId"] = workspace;
    json::value answer = client.Pai("CreateDataset", kWorkspaceVersion, "POST", "/api/v1/datasets",
                                    {}, json::serialize(body));
    if (format == Format::kJson || format == Format::kYaml) {
      std::cout << Answer(format, answer);
    } else if (format == Format::kName) {
      std::cout << Field(answer, "DatasetId") << "\n";
    } else {
      std::cout << "dataset " << Field(answer, "DatasetId") << " created\n";
    }
    return 0;
  });

  auto ids = std::make_shared<std::vector<std::string>>();
  CLI::App* rm = ds->add_subcommand("delete",
                                    "Delete datasets (DeleteDataset)\n  e.g. drover "
                                    "datasets delete d-abc123");
  rm->add_option("ids", *ids, "DatasetIds")->required();
  On(rm, [this, ids] {
    return ForEachId(*ids, "deleted", [](ApiClient& client, const std::string& dataset) {
      client.Pai("DeleteDataset", kWorkspaceVersion, "DELETE", DatasetPath(dataset));
    });
  });

  struct VersionsOptions {
    std::string id;
    int page_size = 50;
    bool all = false;
  };
  auto versions = std::make_shared<VersionsOptions>();
  CLI::App* vs =
      ds->add_subcommand("versions",
                         "List a dataset's versions (ListDatasetVersions)\n  e.g. drover datasets "
                         "versions d-abc123");
  vs->add_option("id", versions->id, "DatasetId")->required();
  vs->add_option("--page-size", versions->page_size, "Versions per page")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  vs->add_flag("--all", versions->all, "Every page");
  On(vs, [this, versions] {
    ApiClient client = Client();
    json::object answer =
        FetchPages(client, "ListDatasetVersions", DatasetPath(versions->id) + "/versions", {},
                   "DatasetVersions", versions->page_size, 1, versions->all);
    PrintList(
        ParseFormat(output_), answer, "DatasetVersions", "VersionName",
        {"VERSION", "PROPERTY", "SOURCE", "FILES", "SIZE", "AGE", "URI", "DESCRIPTION"},
        [](const json::value& v, bool wide) {
          std::vector<std::string> row = {Field(v, "VersionName"),    Field(v, "Property"),
                                          Field(v, "DataSourceType"), Field(v, "DataCount"),
                                          Bytes(v, "DataSize"),       AgeOf(v, "GmtCreateTime")};
          if (wide) row.insert(row.end(), {Field(v, "Uri"), Field(v, "Description")});
          return row;
        },
        6);
    return 0;
  });
}

void Commands::AddDatasetJobs(CLI::App& app) {
  CLI::App* dj =
      app.add_subcommand("dataset-jobs",
                         "Jobs over a dataset version's files (catalogue, export, import, tag, "
                         "index): list, run, get, stop");
  dj->require_subcommand(1);

  struct ListOptions {
    std::string dataset, version, status, action, workspace;
    int page_size = 50;
    bool all = false;
  };
  auto list = std::make_shared<ListOptions>();
  CLI::App* ls =
      dj->add_subcommand("list",
                         "List a dataset's jobs (ListDatasetJobs)\n  e.g. drover dataset-jobs list "
                         "d-abc123 --version v1");
  ls->alias("ls");
  ls->add_option("dataset", list->dataset, "DatasetId")->required();
  ls->add_option("--version", list->version, "DatasetVersion");
  ls->add_option("--status", list->status, "Status (Pending, Running, Succeeded, …)");
  ls->add_option("--action", list->action, "JobAction (FileMetaBuild, FileMetaExport, …)");
  ls->add_option("--workspace", list->workspace, "WorkspaceId (default: the profile's)");
  ls->add_option("--page-size", list->page_size, "Jobs per page")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  ls->add_flag("--all", list->all, "Every page");
  On(ls, [this, list] {
    ApiClient client = Client();
    Query q;
    auto add = [&](const char* key, const std::string& value) {
      if (!value.empty()) q.emplace_back(key, value);
    };
    add("DatasetVersion", list->version);
    add("Status", list->status);
    add("JobAction", list->action);
    add("WorkspaceId", list->workspace.empty() ? client.profile().workspace : list->workspace);
    json::object answer =
        FetchPages(client, "ListDatasetJobs", DatasetPath(list->dataset) + "/datasetjobs", q,
                   "DatasetJobs", list->page_size, 1, list->all);
    PrintList(
        ParseFormat(output_), answer, "DatasetJobs", "DatasetJobId",
        {"JOB ID", "ACTION", "VERSION", "STATUS", "FILES", "AGE", "MODE", "FAILED", "DESCRIPTION"},
        [](const json::value& j, bool wide) {
          std::string total = Field(j, "TotalFileCount");
          std::vector<std::string> row = {
              Field(j, "DatasetJobId"),
              Field(j, "JobAction"),
              Field(j, "DatasetVersion"),
              Field(j, "Status"),
              total.empty() ? "" : Field(j, "CompletedFileCount") + "/" + total,
              AgeOf(j, "CreateTime")};
          if (wide) {
            row.insert(row.end(),
                       {Field(j, "JobMode"), Field(j, "FailedFileCount"), Field(j, "Description")});
          }
          return row;
        },
        6);
    return 0;
  });

  struct RunOptions {
    std::string dataset, action, version = "v1", mode, spec = "{}", workspace, description;
  };
  auto run = std::make_shared<RunOptions>();
  CLI::App* rn = dj->add_subcommand(
      "run",
      "Start a dataset job (CreateDatasetJob)\n  e.g. drover dataset-jobs run d-abc123 "
      "--action FileMetaBuild --version v1");
  rn->add_option("dataset", run->dataset, "DatasetId")->required();
  rn->add_option("--action", run->action,
                 "JobAction: FileMetaBuild, FileMetaExport, FileMetaImport, IntelligentTag, "
                 "IntelligentTagRevert, SemanticIndex")
      ->required();
  rn->add_option("--version", run->version, "DatasetVersion")->capture_default_str();
  rn->add_option("--mode", run->mode, "JobMode: Full or Increment");
  rn->add_option("--spec", run->spec, "JobSpec, a JSON object")->capture_default_str();
  rn->add_option("--description", run->description, "Description");
  rn->add_option("--workspace", run->workspace,
                 "WorkspaceId (default: the profile's, else the dataset's)");
  On(rn, [this, run] {
    Format format = ParseFormat(output_);
    ApiClient client = Client();
    std::string workspace = run->workspace.empty() ? client.profile().workspace : run->workspace;
    if (workspace.empty()) {
      workspace =
          Field(client.Pai("GetDataset", kWorkspaceVersion, "GET", DatasetPath(run->dataset)),
                "WorkspaceId");
    }
    json::object body{{"WorkspaceId", workspace},
                      {"JobAction", run->action},
                      {"JobSpec", run->spec},
                      {"DatasetVersion", run->version}};
    if (!run->mode.empty()) body["JobMode"] = run->mode;
    if (!run->description.empty()) body["Description"] = run->description;
    json::value answer =
        client.Pai("CreateDatasetJob", kWorkspaceVersion, "POST",
                   DatasetPath(run->dataset) + "/datasetjobs", {}, json::serialize(body));
    if (format == Format::kJson || format == Format::kYaml) {
      std::cout << Answer(format, answer);
    } else if (format == Format::kName) {
      std::cout << Field(answer, "DatasetJobId") << "\n";
    } else {
      std::cout << "dataset job " << Field(answer, "DatasetJobId") << " started\n";
    }
    return 0;
  });

  struct JobRef {
    std::string dataset, job;
  };
  auto ref = std::make_shared<JobRef>();
  CLI::App* get = dj->add_subcommand(
      "get",
      "Show a dataset job and its log (GetDatasetJob)\n  e.g. drover dataset-jobs get "
      "d-abc123 dsjob-xyz");
  get->add_option("dataset", ref->dataset, "DatasetId")->required();
  get->add_option("job", ref->job, "DatasetJobId")->required();
  On(get, [this, ref] {
    Format format = ParseFormat(output_);
    json::value job = Client().Pai("GetDatasetJob", kWorkspaceVersion, "GET",
                                   DatasetPath(ref->dataset) + "/datasetjobs/" + ref->job);
    if (format == Format::kName) {
      std::cout << ref->job << "\n";
      return 0;
    }
    PrintOne(format, job, "",
             {"JobAction", "JobMode", "Status", "Description", "CreateTime", "FinishTime",
              "TotalFileCount", "CompletedFileCount", "FailedFileCount", "JobSpec"});
    if (format == Format::kTable || format == Format::kWide) {
      const json::value* logs = job.as_object().if_contains("Logs");
      if (logs && logs->is_array() && !logs->as_array().empty()) {
        std::cout << "\n";
        for (const json::value& line : logs->as_array()) std::cout << line.as_string() << "\n";
      }
    }
    return 0;
  });

  auto stop = std::make_shared<JobRef>();
  CLI::App* st = dj->add_subcommand(
      "stop",
      "Stop a dataset job (StopDatasetJob)\n  e.g. drover dataset-jobs stop d-abc123 "
      "dsjob-xyz");
  st->add_option("dataset", stop->dataset, "DatasetId")->required();
  st->add_option("job", stop->job, "DatasetJobId")->required();
  On(st, [this, stop] {
    Client().Pai("StopDatasetJob", kWorkspaceVersion, "PUT",
                 DatasetPath(stop->dataset) + "/datasetjobs/" + stop->job + "/action/stop", {},
                 "{}");
    std::cout << stop->job << " stopping\n";
    return 0;
  });
}

}  // namespace drover::cli::client
