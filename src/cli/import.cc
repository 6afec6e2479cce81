#include "cli/import.h"

#include <chrono>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string_view>
#include <thread>
#include <vector>

#include "api/dlc/import.h"
#include "core/bounded_queue.h"
#include "core/error.h"
#include "store/job_codec.h"
#include "store/open.h"

namespace drover::cli {

namespace {

// The public ids in the store so far, as 64-bit hashes in an open-addressing
// table: 8-16 bytes an id, where a std::unordered_set<std::string> took a
// node and a heap string each (~90 bytes, 0.9 GB at 10M jobs, rehashed
// five times on the way). A hash seen before only says "maybe": the store
// is asked for the exact id.
class SeenHashes {
 public:
  // False when `id`'s hash was there already.
  bool Insert(std::string_view id) {
    uint64_t hash = std::hash<std::string_view>()(id) | 1;  // 0 marks an empty slot
    if (2 * (size_ + 1) > slots_.size()) Grow();
    size_t mask = slots_.size() - 1;
    for (size_t i = hash & mask;; i = (i + 1) & mask) {
      if (slots_[i] == hash) return false;
      if (slots_[i] == 0) {
        slots_[i] = hash;
        ++size_;
        return true;
      }
    }
  }

 private:
  void Grow() {
    std::vector<uint64_t> old = std::move(slots_);
    slots_.assign(std::max<size_t>(old.size() * 2, 1 << 20), 0);
    size_t mask = slots_.size() - 1;
    for (uint64_t hash : old) {
      if (hash == 0) continue;
      size_t i = hash & mask;
      while (slots_[i] != 0) i = (i + 1) & mask;
      slots_[i] = hash;
    }
  }

  std::vector<uint64_t> slots_;  // a power of two, at most half full
  size_t size_ = 0;
};

}  // namespace

int Import(const ImportOptions& options) {
  std::ifstream in(options.file);
  if (!in) {
    std::cerr << "cannot read " << options.file << "\n";
    return 1;
  }
  auto store = store::OpenRecordStore(options.store, options.data_dir);
  core::JobNumber next_number = store::MaxNumber<core::TrainingJob>(*store);
  SeenHashes seen;
  store->ForEach(store::kTrainingJob.id,
                 [&](const store::RecordView& job) { seen.Insert(job.public_id); });

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
  // Numbers follow the store's, one per line (a skipped line leaves a gap).
  const core::JobNumber base = next_number;
  auto parse = [&options, base](const std::vector<std::string>& lines, size_t first_line) {
    Parsed out;
    for (size_t i = 0; i < lines.size(); ++i) {
      if (lines[i].find_first_not_of(" \t\r") == std::string::npos) continue;
      try {
        core::TrainingJob job = api::dlc::ParseImportedJob(lines[i], options.tenant);
        job.id = base + first_line + i;
        out.puts.push_back(store::Put(job));
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
      std::vector<store::Mutation> batch, pending;  // written; to write
      auto write_pending = [&] {
        if (pending.empty()) return;
        store->Apply(pending);
        imported += pending.size();
        std::move(pending.begin(), pending.end(), std::back_inserter(batch));
        pending.clear();
      };
      for (store::Mutation& put : chunk.puts) {
        // Seen, or a hash collision: the store, with what is pending, knows.
        if (!seen.Insert(put.record.public_id)) {
          write_pending();
          if (store->Find(store::kTrainingJob.id, put.record.public_id)) {
            std::cerr << options.file << ": skipped: JobId " << put.record.public_id
                      << " exists already\n";
            ++skipped;
            continue;
          }
        }
        pending.push_back(std::move(put));
      }
      write_pending();
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
