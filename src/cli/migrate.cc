#include "cli/migrate.h"

#include <chrono>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <stdexcept>
#include <vector>

#include "store/kinds.h"
#include "store/open.h"

namespace drover::cli {

namespace {

// A side of the migration: a PostgreSQL URL, else a data dir.
struct Side {
  std::string url;
  std::filesystem::path data_dir;
  explicit Side(const std::string& text) {
    if (store::IsPostgresUrl(text)) {
      url = text;
    } else {
      data_dir = text;
    }
  }
  std::unique_ptr<store::GroupCommitStore> Records() const {
    return store::OpenRecordStore(url, data_dir);
  }
  std::unique_ptr<store::KeyStore> Keys() const { return store::OpenKeyStore(url, data_dir); }
};

}  // namespace

int Migrate(const MigrateOptions& options) {
  if (options.from == options.to) throw std::invalid_argument("--from and --to are one store");
  auto started = std::chrono::steady_clock::now();
  Side from(options.from), to(options.to);
  // Records and keys one after the other: a SQLite target's bulk load
  // needs the only connection to its file.
  if (!to.Keys()->Empty()) {
    throw std::invalid_argument(options.to +
                                " is not empty (it has access keys): migrate into a new store");
  }
  size_t records = 0;
  {
    std::unique_ptr<store::GroupCommitStore> source = from.Records();
    std::unique_ptr<store::GroupCommitStore> target = to.Records();
    if (store::Revision revision = target->CurrentRevision(); revision > 0) {
      throw std::invalid_argument(options.to + " is not empty (revision " +
                                  std::to_string(revision) + "): migrate into a new store");
    }
    target->BeginBulkLoad();
    std::map<store::KindId, uint64_t> max_numbers;
    for (const store::RecordKind& kind : store::kRecordKinds) {
      std::vector<store::Mutation> batch;
      size_t copied = 0;
      auto flush = [&] {
        if (batch.empty()) return;
        target->Apply(batch);
        copied += batch.size();
        batch.clear();
      };
      source->ForEach(kind.id, [&](const store::RecordView& r) {
        batch.push_back(store::Mutation::Put(
            kind.id, store::Record{r.number, std::string(r.public_id), std::string(r.doc)}));
        if (batch.size() >= options.batch) flush();
      });
      flush();
      max_numbers[kind.id] = source->MaxNumber(kind.id);
      records += copied;
      if (copied > 0) std::cout << kind.name << ": " << copied << "\n";
    }
    target->EndBulkLoad();
    target->Adopt(source->InstallationKey(), max_numbers);
  }
  size_t keys = 0;
  {
    std::unique_ptr<store::KeyStore> target = to.Keys();
    for (const core::AccessKey& key : from.Keys()->List()) {
      target->Put(key);
      ++keys;
    }
  }
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::cout << "migrated " << records << " records and " << keys << " keys from " << options.from
            << " to " << options.to << " in " << seconds << " s\n";
  return 0;
}

}  // namespace drover::cli
