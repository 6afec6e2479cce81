#include "cli/import.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <unordered_set>

#include "api/dlc/import.h"
#include "core/error.h"
#include "store/sqlite_store.h"

namespace drover::cli {

int Import(const ImportOptions& options) {
  std::ifstream in(options.file);
  if (!in) {
    std::cerr << "cannot read " << options.file << "\n";
    return 1;
  }
  std::filesystem::create_directories(options.data_dir);
  auto store = store::SqliteStore::Open(std::filesystem::path(options.data_dir) / "drover.db");
  core::JobNumber next = store->MaxJobNumber();
  std::unordered_set<std::string> seen;
  store->ForEachJob([&](core::Job&& job) { seen.insert(job.public_id); });

  auto start = std::chrono::steady_clock::now();
  std::vector<store::Mutation> batch;
  size_t imported = 0, skipped = 0, line_number = 0;
  std::string line;
  auto flush = [&] {
    if (batch.empty()) return;
    store->Apply(batch);
    imported += batch.size();
    batch.clear();
  };
  while (std::getline(in, line)) {
    ++line_number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    core::Job job;
    try {
      job = api::dlc::ParseImportedJob(line, options.tenant);
    } catch (const core::Error& e) {
      std::cerr << options.file << ":" << line_number << ": skipped: " << e.what() << "\n";
      ++skipped;
      continue;
    }
    if (!seen.insert(job.public_id).second) {
      std::cerr << options.file << ":" << line_number << ": skipped: JobId " << job.public_id
                << " exists already\n";
      ++skipped;
      continue;
    }
    job.id = ++next;
    batch.push_back(store::Mutation::Put(std::move(job)));
    if (batch.size() >= options.batch) flush();
  }
  flush();
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "imported " << imported << " jobs (" << skipped << " skipped) in " << seconds << " s: "
            << static_cast<int64_t>(imported / std::max(seconds, 1e-9)) << " jobs/s\n";
  return skipped > 0 && imported == 0 ? 1 : 0;
}

}  // namespace drover::cli
