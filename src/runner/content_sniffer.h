// ContentSniffer: a file's content type from its first bytes (libmagic,
// the `file` command's database), its name deciding where the bytes do
// not: text (UTF-8, no NUL) and unknown binary data take the type the
// extension names (`.csv` is text/csv, `.json` application/json), while a
// PNG is image/png whatever it is called. One per thread (a libmagic cookie is
// not to be shared).
//
//   ContentSniffer sniff;
//   sniff.TypeOf("scan.dat", first_bytes);  // "image/png"
#pragma once

#include <string>
#include <string_view>

struct magic_set;

namespace drover::runner {

class ContentSniffer {
 public:
  // Loads libmagic's database; without one, types come from names alone.
  ContentSniffer();
  ~ContentSniffer();
  ContentSniffer(const ContentSniffer&) = delete;
  ContentSniffer& operator=(const ContentSniffer&) = delete;

  std::string TypeOf(std::string_view file_name, std::string_view head);

 private:
  magic_set* magic_ = nullptr;
};

}  // namespace drover::runner
