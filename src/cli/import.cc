#include "cli/import.h"

#include <chrono>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>
#include <unordered_set>

#include "api/dlc/import.h"
#include "core/bounded_queue.h"
#include "core/error.h"
#include "store/job_codec.h"
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
  core::JobNumber next_number = store->MaxJobNumber();
  std::unordered_set<std::string> seen;
  seen.reserve(1 << 20);
  store->ForEachJob([&](core::Job&& job) { seen.insert(job.public_id); });

  store->BeginBulkLoad();
  auto start = std::chrono::steady_clock::now();
  size_t imported = 0, skipped = 0;
  struct Parsed {
    std::vector<store::Mutation> puts;  // encoded here, off the writing thread
    std::vector<std::string> errors;
  };
  auto read_chunk = [&](std::vector<std::string>& lines) {
    lines.clear();
    std::string line;
    while (lines.size() < options.batch && std::getline(in, line)) lines.push_back(std::move(line));
    return !lines.empty();
  };
  // Job numbers follow the store's, one per line (a skipped line leaves a gap).
  const core::JobNumber base = next_number;
  auto parse = [&options, base](const std::vector<std::string>& lines, size_t first_line) {
    Parsed out;
    for (size_t i = 0; i < lines.size(); ++i) {
      if (lines[i].find_first_not_of(" \t\r") == std::string::npos) continue;
      try {
        store::Mutation put =
            store::Mutation::Put(api::dlc::ParseImportedJob(lines[i], options.tenant));
        put.job.id = base + first_line + i;
        put.encoded = store::EncodeJob(put.job);
        // The writer needs only the id and public id beside the document.
        core::Job slim;
        slim.id = put.job.id;
        slim.public_id = std::move(put.job.public_id);
        put.job = std::move(slim);
        out.puts.push_back(std::move(put));
      } catch (const core::Error& e) {
        out.errors.push_back(options.file + ":" + std::to_string(first_line + i) +
                             ": skipped: " + e.what());
      }
    }
    return out;
  };
  // A parser thread reads and parses chunks while this thread writes the
  // ones before: at most two chunks wait between them.
  core::BoundedQueue<Parsed> parsed(2);
  core::Spent<Parsed> written;        // freed by the parser, which made them
  std::exception_ptr parser_failure;  // out of memory, say: ends the import
  std::thread parser([&] {
    try {
      std::vector<std::string> lines;
      size_t line_number = 0;
      while (read_chunk(lines)) {
        written.Take();
        if (!parsed.Push(parse(lines, line_number + 1))) break;
        line_number += lines.size();
        lines = {};
      }
    } catch (...) {
      parser_failure = std::current_exception();
    }
    parsed.Close();
  });
  try {
    for (Parsed chunk; parsed.Pop(chunk);) {
      for (const std::string& error : chunk.errors) std::cerr << error << "\n";
      skipped += chunk.errors.size();
      std::vector<store::Mutation> batch;
      for (store::Mutation& put : chunk.puts) {
        if (!seen.insert(put.job.public_id).second) {
          std::cerr << options.file << ": skipped: JobId " << put.job.public_id
                    << " exists already\n";
          ++skipped;
          continue;
        }
        batch.push_back(std::move(put));
      }
      if (!batch.empty()) store->Apply(batch);
      imported += batch.size();
      chunk.puts = std::move(batch);
      written.GiveBack(std::move(chunk));
    }
  } catch (...) {
    parsed.Close();  // the parser stops at its next chunk
    parser.join();
    throw;
  }
  parser.join();
  if (parser_failure) std::rethrow_exception(parser_failure);
  store->EndBulkLoad();
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "imported " << imported << " jobs (" << skipped << " skipped) in " << seconds
            << " s: " << static_cast<int64_t>(imported / std::max(seconds, 1e-9)) << " jobs/s\n";
  return skipped > 0 && imported == 0 ? 1 : 0;
}

}  // namespace drover::cli
