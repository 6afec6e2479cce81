#include "runner/file_scan.h"

#include <dirent.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <memory>
#include <utility>

#include "core/hex.h"
#include "runner/content_sniffer.h"

namespace drover::runner {

namespace fs = std::filesystem;

namespace {

constexpr size_t kChunkFiles = 1000;
// Threads that walk and read at once: enough to keep a disk's queue busy
// when the files are not in the page cache.
constexpr size_t kThreads = 4;
constexpr size_t kRunFiles = 256;  // names of one directory handed out together
constexpr auto kChunkWait = std::chrono::milliseconds(100);  // a slow walk still reports
constexpr size_t kReadBytes = 1 << 16;                       // also enough to find an image's size

core::TimeMs MsOf(const struct timespec& t) {
  return static_cast<core::TimeMs>(t.tv_sec) * 1000 + t.tv_nsec / 1'000'000;
}

struct Closer {
  int fd;
  ~Closer() { ::close(fd); }
};

// Reads files for one thread: its buffer, MD5 context and libmagic cookie
// are reused from file to file.
class Reader {
 public:
  Reader(const std::unordered_map<std::string, KnownFile>& known, const std::atomic<bool>& stop,
         const std::atomic<bool>& cancel)
      : known_(known), stop_(stop), cancel_(cancel), md5_(EVP_MD_CTX_new()) {}
  ~Reader() { EVP_MD_CTX_free(md5_); }
  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;

  // The file `name` of the directory `dir` (a descriptor, or AT_FDCWD with
  // a whole path).
  ScannedFile Scan(int dir, const char* name, std::string relative) {
    ScannedFile file;
    file.relative = std::move(relative);
    auto known = known_.find(file.relative);
    struct stat st {};
    if (known != known_.end()) {
      if (::fstatat(dir, name, &st, 0) != 0 || !S_ISREG(st.st_mode)) {
        file.outcome = ScannedFile::Outcome::kNotRegular;
        return file;
      }
      file.known = &known->second;
      file.size = st.st_size;
      file.created = MsOf(st.st_ctim);
      file.updated = MsOf(st.st_mtim);
      if (file.size == known->second.size && file.updated == known->second.updated) {
        file.outcome = ScannedFile::Outcome::kUnchanged;
        return file;
      }
    }
    // Non-blocking, so a FIFO does not wait for a writer; it is then no
    // regular file.
    int fd = ::openat(dir, name, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
      bool missing = errno == ENOENT || errno == ELOOP || errno == ENOTDIR;
      file.outcome =
          missing ? ScannedFile::Outcome::kNotRegular : ScannedFile::Outcome::kUnreadable;
      return file;
    }
    Closer closer{fd};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
      file.outcome = ScannedFile::Outcome::kNotRegular;
      return file;
    }
    file.created = MsOf(st.st_ctim);
    file.updated = MsOf(st.st_mtim);
    if (!Read(fd, file)) {
      file.outcome = ScannedFile::Outcome::kUnreadable;
      return file;
    }
    size_t slash = file.relative.rfind('/');
    std::string_view name_part = std::string_view(file.relative).substr(slash + 1);
    file.content_type = sniffer_.TypeOf(name_part, head_);
    if (core::FileTypeOf(file.content_type) == "image") file.image = core::ImageSizeOf(head_);
    file.outcome = ScannedFile::Outcome::kRead;
    return file;
  }

 private:
  // The file's MD5, size and first bytes (head_), reading it to its end. A
  // short read of a regular file is its end, so a small file takes one
  // read.
  bool Read(int fd, ScannedFile& file) {
    EVP_DigestInit_ex(md5_, EVP_md5(), nullptr);
    head_.clear();
    int64_t size = 0;
    for (;;) {
      if (stop_ || cancel_) return false;
      ssize_t got = ::read(fd, buffer_.get(), kReadBytes);
      if (got < 0) {
        if (errno == EINTR) continue;
        return false;
      }
      EVP_DigestUpdate(md5_, buffer_.get(), static_cast<size_t>(got));
      if (head_.size() < kReadBytes) {
        head_.append(buffer_.get(), std::min(static_cast<size_t>(got), kReadBytes - head_.size()));
      }
      size += got;
      if (static_cast<size_t>(got) < kReadBytes) break;
    }
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned length = 0;
    EVP_DigestFinal_ex(md5_, digest, &length);
    file.md5 = core::Hex(digest, length);
    file.size = size;
    return true;
  }

  const std::unordered_map<std::string, KnownFile>& known_;
  const std::atomic<bool>& stop_;
  const std::atomic<bool>& cancel_;
  EVP_MD_CTX* md5_;
  std::unique_ptr<char[]> buffer_ = std::make_unique<char[]>(kReadBytes);
  std::string head_;
  ContentSniffer sniffer_;
};

}  // namespace

// A directory the walk has open, shared by the runs of its names.
struct FileScan::OpenDirectory {
  int fd = -1;
  std::string relative;  // '' for the root, else ending in '/'
  ~OpenDirectory() {
    if (fd >= 0) ::close(fd);
  }
};

FileScan::FileScan(fs::path root, bool single,
                   const std::unordered_map<std::string, KnownFile>& known,
                   const std::atomic<bool>& cancel)
    : root_(std::move(root)), single_(single), known_(known), cancel_(cancel) {
  work_.push_back(Work{});  // the root
  size_t threads = single_ ? 1 : kThreads;
  live_ = threads;
  for (size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { Walk(); });
}

FileScan::~FileScan() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  work_ready_.notify_all();
  chunks_.Close();
  for (std::thread& thread : threads_) thread.join();
}

std::vector<ScannedFile> FileScan::Next() {
  std::vector<ScannedFile> chunk;
  chunks_.Pop(chunk);
  return chunk;
}

bool FileScan::Going() const { return !stop_ && !cancel_; }

bool FileScan::Emit(Chunk& chunk, ScannedFile file) {
  chunk.files.push_back(std::move(file));
  auto now = std::chrono::steady_clock::now();
  if (chunk.files.size() < kChunkFiles && now - chunk.pushed < kChunkWait) return Going();
  chunk.pushed = now;
  spent_.Take();  // freed on a thread of the walk
  bool open = chunks_.Push(std::move(chunk.files));
  chunk.files.clear();
  chunk.files.reserve(kChunkFiles);
  return open && Going();
}

void FileScan::Give(Work work) {
  {
    std::lock_guard lock(mu_);
    work_.push_back(std::move(work));
  }
  work_ready_.notify_one();
}

void FileScan::Walk() {
  Reader reader(known_, stop_, cancel_);
  Chunk chunk;
  auto bad_directory = [&](std::string relative, int error) {
    ScannedFile file;
    file.outcome = ScannedFile::Outcome::kBadDirectory;
    file.relative = std::move(relative);
    file.error = std::strerror(error);
    return Emit(chunk, std::move(file));
  };
  // Lists a directory: its subdirectories and runs of its names become work
  // for any thread; its last run this thread scans itself.
  auto list = [&](const std::string& relative) {
    auto dir = std::make_shared<OpenDirectory>();
    dir->relative = relative;
    dir->fd = ::open((root_ / relative).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR* listing = dir->fd < 0 ? nullptr : ::fdopendir(::dup(dir->fd));
    if (listing == nullptr) return bad_directory(relative, errno);
    std::vector<std::string> names;
    bool going = true;
    errno = 0;
    while (going) {
      dirent* entry = ::readdir(listing);
      if (entry == nullptr) {
        if (errno != 0) going = bad_directory(relative, errno);
        break;
      }
      const char* name = entry->d_name;
      if (name[0] == '.' && (name[1] == '\0' || (name[1] == '.' && name[2] == '\0'))) continue;
      unsigned char type = entry->d_type;
      if (type == DT_UNKNOWN) {
        struct stat st {};
        if (::fstatat(dir->fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0) type = IFTODT(st.st_mode);
      }
      if (type == DT_DIR) {
        Give(Work{nullptr, {}, relative + name + "/"});
      } else {
        names.emplace_back(name);
        if (names.size() == kRunFiles) Give(Work{dir, std::exchange(names, {}), {}});
      }
      going = Going();
      errno = 0;
    }
    ::closedir(listing);
    for (const std::string& name : names) {
      if (!going) break;
      going = Emit(chunk, reader.Scan(dir->fd, name.c_str(), relative + name));
    }
    return going;
  };

  if (single_) {
    Emit(chunk, reader.Scan(AT_FDCWD, root_.c_str(), root_.filename().string()));
  } else {
    for (bool going = true; going;) {
      Work work;
      {
        std::unique_lock lock(mu_);
        work_ready_.wait(lock, [&] { return !work_.empty() || busy_ == 0 || stop_; });
        if (work_.empty() || stop_) break;  // all done (or stopped)
        work = std::move(work_.back());
        work_.pop_back();
        ++busy_;
      }
      if (work.dir == nullptr) {
        going = list(work.relative);
      } else {
        for (const std::string& name : work.names) {
          going = Emit(chunk, reader.Scan(work.dir->fd, name.c_str(), work.dir->relative + name));
          if (!going) break;
        }
      }
      {
        std::lock_guard lock(mu_);
        --busy_;
        if (!going) stop_ = true;  // the consumer left, or the job was stopped
      }
      work_ready_.notify_all();
    }
  }
  if (!chunk.files.empty()) chunks_.Push(std::move(chunk.files));
  std::lock_guard lock(mu_);
  if (--live_ == 0) chunks_.Close();  // the last thread out
}

}  // namespace drover::runner
