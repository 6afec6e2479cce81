// FileScan: the reading half of FileMetaBuild. It walks a directory tree
// (or takes one file) on threads of its own, ahead of the caller, and
// reads each regular file the catalogue does not know at its size and
// modification time: its MD5, its content type (ContentSniffer) and an
// image's width and height. The caller takes the results in chunks and
// stores them while the walk goes on; at most a few chunks wait. Four
// threads share the directories and runs of their names, so that a disk
// has reads to overlap when the files are not in the page cache; results
// come in no particular order.
//
// Files are opened relative to their directory (one path lookup each), and
// a file the catalogue knows is only stat'ed. What is not a readable
// regular file (a dangling link, a FIFO, a directory's link, a file it may
// not read) comes back as kNotRegular or kUnreadable; a directory it
// cannot list as kBadDirectory. Links are followed to files, never into
// directories.
//
//   FileScan scan(root, /*single=*/false, known);
//   for (auto chunk = scan.Next(); !chunk.empty(); chunk = scan.Next()) ...
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/bounded_queue.h"
#include "core/dataset_job.h"
#include "core/time.h"

namespace drover::runner {

// What the catalogue holds of a file: a file still at both is not read.
struct KnownFile {
  int64_t size = 0;
  core::TimeMs updated = 0;
  size_t position = 0;  // the caller's, to tell which known files were seen
};

struct ScannedFile {
  enum class Outcome { kUnchanged, kRead, kNotRegular, kUnreadable, kBadDirectory };
  Outcome outcome = Outcome::kRead;
  std::string relative;              // under the root, '/'-separated; a single file: its name
  const KnownFile* known = nullptr;  // its entry in `known`, if it has one
  int64_t size = 0;
  core::TimeMs created = 0;  // the inode's change time
  core::TimeMs updated = 0;
  std::string md5;  // hex
  std::string content_type;
  std::optional<core::ImageSize> image;
  std::string error;  // kBadDirectory: why
};

class FileScan {
 public:
  // `known` is by relative path; it must outlive the scan and stay as it is
  // while it runs. With `single`, `root` is the one file. Setting `cancel`
  // ends the walk within a file, as the destructor does.
  FileScan(std::filesystem::path root, bool single,
           const std::unordered_map<std::string, KnownFile>& known,
           const std::atomic<bool>& cancel);
  // Stops the walk and waits for its thread.
  ~FileScan();
  FileScan(const FileScan&) = delete;
  FileScan& operator=(const FileScan&) = delete;

  // The next chunk; empty once the walk is done.
  std::vector<ScannedFile> Next();
  // Hands a chunk the caller is done with back, to be freed on the walk's
  // thread, where it was allocated (core::Spent).
  void GiveBack(std::vector<ScannedFile> chunk) { spent_.GiveBack(std::move(chunk)); }

 private:
  struct OpenDirectory;
  // A directory to list (dir null, `relative` its path), or a run of names
  // in a directory listed already.
  struct Work {
    std::shared_ptr<OpenDirectory> dir;
    std::vector<std::string> names;
    std::string relative;
  };
  // A thread's results until handed over.
  struct Chunk {
    std::vector<ScannedFile> files;
    std::chrono::steady_clock::time_point pushed = std::chrono::steady_clock::now();
  };
  void Walk();  // each thread's
  void Give(Work work);
  bool Emit(Chunk& chunk, ScannedFile file);
  bool Going() const;

  const std::filesystem::path root_;
  const bool single_;
  const std::unordered_map<std::string, KnownFile>& known_;
  const std::atomic<bool>& cancel_;
  std::atomic<bool> stop_{false};  // written under mu_
  std::mutex mu_;
  std::condition_variable work_ready_;
  std::vector<Work> work_;  // guarded by mu_; taken last first (depth first)
  size_t busy_ = 0;         // guarded by mu_: threads working on an item
  size_t live_ = 0;         // guarded by mu_: threads not yet done
  core::BoundedQueue<std::vector<ScannedFile>> chunks_{8};
  core::Spent<std::vector<ScannedFile>> spent_;
  std::vector<std::thread> threads_;
};

}  // namespace drover::runner
