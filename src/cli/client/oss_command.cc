// `drover oss …`: object storage from a terminal, as ossutil does it —
// mb, ls, cp (a file or a tree, either way, in parallel, resumable, with a
// progress bar) and rm — over the OSS API, signed OSS V1.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <memory>
#include <mutex>
#include <thread>

#include "cli/client/api_client.h"
#include "cli/client/commands.h"
#include "cli/client/oss_client.h"
#include "cli/client/output.h"
#include "cli/client/progress.h"

namespace drover::cli::client {

namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

struct OssUrl {
  std::string bucket, key;
};

// oss://bucket[/key]; nullopt for a local path.
std::optional<OssUrl> ParseOssUrl(const std::string& text) {
  if (!text.starts_with("oss://")) return std::nullopt;
  std::string rest = text.substr(6);
  size_t slash = rest.find('/');
  OssUrl url{rest.substr(0, slash), slash == std::string::npos ? "" : rest.substr(slash + 1)};
  if (url.bucket.empty()) throw std::runtime_error(text + " names no bucket");
  return url;
}

OssUrl NeedOssUrl(const std::string& text) {
  std::optional<OssUrl> url = ParseOssUrl(text);
  if (!url) throw std::runtime_error(text + " is not oss://BUCKET[/KEY]");
  return *url;
}

// Every object under `prefix`, page after page.
std::vector<ObjectEntry> ListAll(OssClient& oss, const std::string& bucket,
                                 const std::string& prefix) {
  std::vector<ObjectEntry> all;
  std::string token;
  do {
    ObjectListing page = oss.List(bucket, prefix, "", token);
    all.insert(all.end(), page.objects.begin(), page.objects.end());
    token = page.next_token;
  } while (!token.empty());
  return all;
}

// A key under a "directory" prefix: "a/b" + "c.txt" → "a/b/c.txt".
std::string Under(const std::string& prefix, const std::string& rest) {
  if (prefix.empty() || prefix.ends_with('/')) return prefix + rest;
  return prefix + "/" + rest;
}

struct CopyTask {
  bool upload = true;
  fs::path local;
  std::string bucket, key;
  uint64_t size = 0;
  std::string etag;  // a download's source ETag
};

std::string Describe(const CopyTask& t) {
  std::string remote = "oss://" + t.bucket + "/" + t.key;
  return t.upload ? t.local.string() + " -> " + remote : remote + " -> " + t.local.string();
}

struct CpOptions {
  std::string from, to;
  bool recursive = false, force = false;
  int jobs = 8;
};

std::vector<CopyTask> PlanCopy(OssClient& oss, const CpOptions& o) {
  std::optional<OssUrl> from = ParseOssUrl(o.from), to = ParseOssUrl(o.to);
  if (from.has_value() == to.has_value()) {
    throw std::runtime_error("cp copies between a local path and oss://BUCKET/KEY, one of each");
  }
  std::vector<CopyTask> tasks;
  if (to) {  // upload
    fs::path source(o.from);
    if (fs::is_directory(source)) {
      if (!o.recursive) throw std::runtime_error(o.from + " is a directory: cp -r copies a tree");
      for (const auto& entry : fs::recursive_directory_iterator(source)) {
        if (!entry.is_regular_file()) continue;
        tasks.push_back({true, entry.path(), to->bucket,
                         Under(to->key, fs::relative(entry.path(), source).generic_string()),
                         entry.file_size(), ""});
      }
    } else {
      if (!fs::is_regular_file(source)) throw std::runtime_error("no file " + o.from);
      std::string key = to->key.empty() || to->key.ends_with('/')
                            ? to->key + source.filename().string()
                            : to->key;
      tasks.push_back({true, source, to->bucket, key, fs::file_size(source), ""});
    }
  } else {  // download
    fs::path target(o.to);
    if (o.recursive) {
      for (const ObjectEntry& e : ListAll(oss, from->bucket, from->key)) {
        if (e.key.ends_with('/')) continue;  // a "directory" marker
        std::string rest = e.key.substr(from->key.size());
        while (rest.starts_with('/')) rest.erase(0, 1);
        if (rest.empty()) rest = fs::path(e.key).filename().string();
        tasks.push_back({false, target / rest, from->bucket, e.key, e.size, e.etag});
      }
    } else {
      std::optional<ObjectEntry> e = oss.Head(from->bucket, from->key);
      if (!e) throw ApiError(404, "NoSuchKey", "no object " + o.from, "");
      fs::path local = fs::is_directory(target) || o.to.ends_with('/')
                           ? target / fs::path(from->key).filename()
                           : target;
      tasks.push_back({false, local, from->bucket, from->key, e->size, e->etag});
    }
  }
  return tasks;
}

// Whether the copy is there already: the same size and MD5 at the other end.
bool AlreadyThere(OssClient& oss, const CopyTask& t) {
  if (t.upload) {
    std::optional<ObjectEntry> there = oss.Head(t.bucket, t.key);
    if (!there || there->size != t.size) return false;
    std::string etag = there->etag;
    std::transform(etag.begin(), etag.end(), etag.begin(), ::tolower);
    return etag == FileMd5Hex(t.local);
  }
  std::error_code ec;
  if (!fs::is_regular_file(t.local, ec) || fs::file_size(t.local, ec) != t.size) return false;
  std::string etag = t.etag;
  std::transform(etag.begin(), etag.end(), etag.begin(), ::tolower);
  return etag == FileMd5Hex(t.local);
}

}  // namespace

void Commands::AddOss(CLI::App& app) {
  CLI::App* oss = app.add_subcommand(
      "oss", "Object storage, as OSS: mb, ls, cp (trees, parallel, resumable), rm");
  oss->require_subcommand(1);

  auto bucket = std::make_shared<std::string>();
  CLI::App* mb = oss->add_subcommand("mb",
                                     "Make a bucket (PutBucket)\n  e.g. drover oss mb "
                                     "oss://images");
  mb->add_option("bucket", *bucket, "oss://BUCKET")->required();
  On(mb, [this, bucket] {
    OssUrl url = NeedOssUrl(*bucket);
    OssClient(Client().profile(), Debug()).MakeBucket(url.bucket);
    std::cout << "made oss://" << url.bucket << "\n";
    return 0;
  });

  struct LsOptions {
    std::string url;
    bool dirs = false;
  };
  auto ls = std::make_shared<LsOptions>();
  CLI::App* lsc = oss->add_subcommand(
      "ls",
      "List buckets, or the objects under oss://BUCKET[/PREFIX] (every level; -d one)\n"
      "  e.g. drover oss ls oss://images/2026/");
  lsc->add_option("url", ls->url, "oss://BUCKET[/PREFIX]; none: the buckets");
  lsc->add_flag("-d,--dirs", ls->dirs, "One level: objects and common prefixes under the prefix");
  On(lsc, [this, ls] {
    Format format = ParseFormat(output_);
    OssClient client(Client().profile(), Debug());
    if (ls->url.empty()) {
      json::array buckets;
      std::vector<std::vector<std::string>> rows;
      for (const auto& [name, created] : client.ListBuckets()) {
        buckets.push_back(json::object{{"Name", name}, {"CreationDate", created}});
        rows.push_back({"oss://" + name, created});
      }
      if (format == Format::kJson || format == Format::kYaml) {
        std::cout << Answer(format, json::object{{"Buckets", buckets}});
      } else if (format == Format::kName) {
        for (const auto& row : rows) std::cout << row[0] << "\n";
      } else {
        std::cout << Table({"BUCKET", "CREATED"}, rows);
      }
      return 0;
    }
    OssUrl url = NeedOssUrl(ls->url);
    std::vector<ObjectEntry> objects;
    std::vector<std::string> prefixes;
    if (ls->dirs) {
      std::string token;
      do {
        ObjectListing page = client.List(url.bucket, url.key, "/", token);
        objects.insert(objects.end(), page.objects.begin(), page.objects.end());
        prefixes.insert(prefixes.end(), page.prefixes.begin(), page.prefixes.end());
        token = page.next_token;
      } while (!token.empty());
    } else {
      objects = ListAll(client, url.bucket, url.key);
    }
    if (format == Format::kJson || format == Format::kYaml) {
      json::array list;
      for (const ObjectEntry& e : objects) {
        list.push_back(json::object{
            {"Key", e.key}, {"Size", e.size}, {"ETag", e.etag}, {"LastModified", e.modified}});
      }
      json::array common;
      for (const std::string& p : prefixes) common.push_back(json::value(p));
      std::cout << Answer(format, json::object{{"Objects", list}, {"CommonPrefixes", common}});
      return 0;
    }
    std::vector<std::vector<std::string>> rows;
    uint64_t bytes = 0;
    for (const std::string& p : prefixes)
      rows.push_back({"DIR", "", "oss://" + url.bucket + "/" + p});
    for (const ObjectEntry& e : objects) {
      bytes += e.size;
      rows.push_back({std::to_string(e.size), e.modified, "oss://" + url.bucket + "/" + e.key});
    }
    if (format == Format::kName) {
      for (const auto& row : rows) std::cout << row[2] << "\n";
      return 0;
    }
    std::cout << Table({"SIZE", "LAST MODIFIED", "OBJECT"}, rows) << objects.size() << " objects, "
              << HumanBytes(static_cast<double>(bytes)) << "\n";
    return 0;
  });

  auto cp = std::make_shared<CpOptions>();
  CLI::App* cpc = oss->add_subcommand(
      "cp",
      "Copy a file or (-r) a tree into a bucket or out of it, N at a time; what is there "
      "already (same size and MD5) is skipped, so a copy cut short goes on where it stopped\n"
      "  e.g. drover oss cp -r ./data oss://images/2026/\n"
      "       drover oss cp -r oss://images/2026/ ./back");
  cpc->add_option("from", cp->from, "Local path or oss://BUCKET/KEY")->required();
  cpc->add_option("to", cp->to, "oss://BUCKET/KEY or local path")->required();
  cpc->add_flag("-r,--recursive", cp->recursive,
                "Copy a directory, or every object under a prefix");
  cpc->add_flag("--force", cp->force, "Copy even what is there already");
  cpc->add_option("-j,--jobs", cp->jobs, "Copies at once")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  On(cpc, [this, cp] {
    Profile profile = Client().profile();
    std::vector<CopyTask> tasks;
    {
      OssClient planner(profile, Debug());
      tasks = PlanCopy(planner, *cp);
    }
    uint64_t bytes = 0;
    for (const CopyTask& t : tasks) bytes += t.size;
    auto started = std::chrono::steady_clock::now();
    Progress progress("files", tasks.size(), bytes, ::isatty(STDERR_FILENO) != 0);
    std::atomic<size_t> next = 0;
    std::mutex failures_mu;
    std::vector<std::string> failures;
    std::vector<std::thread> workers;
    for (int w = 0; w < std::min<int>(cp->jobs, static_cast<int>(tasks.size())); ++w) {
      workers.emplace_back([&] {
        OssClient oss(profile, Debug());
        for (size_t i = next++; i < tasks.size(); i = next++) {
          const CopyTask& t = tasks[i];
          try {
            if (!cp->force && AlreadyThere(oss, t)) {
              progress.Done(t.size, "skipped " + Describe(t) + " (there already)", true);
              continue;
            }
            if (t.upload) {
              oss.Put(t.bucket, t.key, t.local);
            } else {
              oss.Get(t.bucket, t.key, t.local);
            }
            progress.Done(t.size, "copied " + Describe(t) + " (" +
                                      HumanBytes(static_cast<double>(t.size)) + ")");
          } catch (const std::exception& e) {
            const auto* api = dynamic_cast<const ApiError*>(&e);
            std::lock_guard lock(failures_mu);
            failures.push_back(Describe(t) + ": " + (api ? api->Text() : std::string(e.what())));
            progress.Done(0, "failed " + Describe(t));
          }
        }
      });
    }
    for (std::thread& w : workers) w.join();
    progress.Finish();
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    for (const std::string& f : failures) std::cerr << "Error: " << f << "\n";
    char took[32];
    std::snprintf(took, sizeof took, "%.1f", seconds);
    std::cout << tasks.size() - failures.size() - progress.skipped() << " copied, "
              << progress.skipped() << " there already, " << failures.size()
              << " failed: " << HumanBytes(static_cast<double>(bytes)) << " in " << took << " s\n";
    return failures.empty() ? 0 : 1;
  });

  struct RmOptions {
    std::string url;
    bool recursive = false;
  };
  auto rm = std::make_shared<RmOptions>();
  CLI::App* rmc = oss->add_subcommand(
      "rm",
      "Delete an object, or (-r) every object under a prefix\n  e.g. drover oss rm -r "
      "oss://images/tmp/");
  rmc->add_option("url", rm->url, "oss://BUCKET/KEY")->required();
  rmc->add_flag("-r,--recursive", rm->recursive, "Every object under the prefix");
  On(rmc, [this, rm] {
    OssUrl url = NeedOssUrl(rm->url);
    OssClient client(Client().profile(), Debug());
    std::vector<std::string> keys;
    if (rm->recursive) {
      for (const ObjectEntry& e : ListAll(client, url.bucket, url.key)) keys.push_back(e.key);
    } else {
      if (url.key.empty()) throw std::runtime_error("rm deletes objects; name one, or -r a prefix");
      keys.push_back(url.key);
    }
    for (const std::string& key : keys) {
      client.Delete(url.bucket, key);
      std::cout << "deleted oss://" << url.bucket << "/" << key << "\n";
    }
    return 0;
  });
}

}  // namespace drover::cli::client
