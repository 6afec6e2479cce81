// What the object service's files (object_service.cc, _batch.cc,
// _multipart.cc) share: the errors they throw and the file I/O they do.
// Not for use outside them.
#pragma once

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/hex.h"

namespace drover::service::object_internal {

using core::Error;
using core::ErrorCode;

[[noreturn]] inline void Fail(ErrorCode code, const std::string& message, const char* reason,
                              std::string parameter = {}) {
  throw Error(code, message, std::move(parameter), reason);
}

[[noreturn]] inline void IoFailed(const std::string& what) {
  throw Error(ErrorCode::kInternal, what + ": " + std::strerror(errno));
}

// Object digests and ids are uppercase hex.
inline std::string Hex(const unsigned char* data, size_t size) {
  return core::Hex(data, size, /*upper=*/true);
}

inline std::string Base64(const unsigned char* data, size_t size) {
  std::string out(4 * ((size + 2) / 3) + 1, '\0');  // and EVP's NUL
  int n =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(size));
  out.resize(static_cast<size_t>(n));
  return out;
}

// MD5 over pieces fed in turn.
class Md5 {
 public:
  Md5() : ctx_(EVP_MD_CTX_new()) { EVP_DigestInit_ex(ctx_, EVP_md5(), nullptr); }
  ~Md5() { EVP_MD_CTX_free(ctx_); }
  Md5(const Md5&) = delete;
  Md5& operator=(const Md5&) = delete;
  void Add(const void* data, size_t size) { EVP_DigestUpdate(ctx_, data, size); }
  // The 16 raw bytes.
  std::string Finish() {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_DigestFinal_ex(ctx_, digest, &length);
    return std::string(reinterpret_cast<char*>(digest), length);
  }

 private:
  EVP_MD_CTX* ctx_;
};

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

inline void SyncPath(const std::string& path, bool directory) {
  Fd fd(::open(path.c_str(), (directory ? O_DIRECTORY : 0) | O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0 || ::fsync(fd.get()) != 0) IoFailed("fsync " + path);
}

inline void WriteAll(int fd, const char* data, size_t size, const std::string& path) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) IoFailed("write " + path);
    data += n;
    size -= static_cast<size_t>(n);
  }
}

// Reads [offset, offset+size) of `fd`, feeding `md5` and, when `out` is
// open, writing each piece there.
inline void Pump(int fd, uint64_t offset, uint64_t size, Md5* md5, int out,
                 const std::string& what) {
  std::vector<char> buffer(1 << 20);
  while (size > 0) {
    ssize_t n = ::pread(fd, buffer.data(), std::min<uint64_t>(size, buffer.size()),
                        static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) IoFailed("read " + what);
    if (md5) md5->Add(buffer.data(), static_cast<size_t>(n));
    if (out >= 0) WriteAll(out, buffer.data(), static_cast<size_t>(n), what);
    offset += static_cast<uint64_t>(n);
    size -= static_cast<uint64_t>(n);
  }
}

}  // namespace drover::service::object_internal
