#include "core/dataset_job.h"

#include <algorithm>
#include <cctype>

#include "core/error.h"
#include "core/json_reader.h"
#include "core/json_writer.h"

namespace drover::core {

namespace {

using S = DatasetJobStatus;

bool IsActive(S s) { return s == S::kPending || s == S::kStarting || s == S::kRunning; }

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

std::string_view DatasetJobStatusName(DatasetJobStatus status) {
  return kDatasetJobStatusNames[static_cast<size_t>(status)];
}

std::optional<DatasetJobStatus> ParseDatasetJobStatus(std::string_view name) {
  for (int s = 0; s < kDatasetJobStatusCount; ++s) {
    if (kDatasetJobStatusNames[s] == name) return static_cast<DatasetJobStatus>(s);
  }
  return std::nullopt;
}

bool IsFinished(DatasetJobStatus status) {
  return status == S::kSucceeded || status == S::kFailed || status == S::kPartialFailed ||
         status == S::kManuallyStop;
}

bool CanMove(DatasetJobStatus from, DatasetJobStatus to) {
  switch (to) {
    case S::kStarting:
      return from == S::kPending;
    case S::kRunning:
      return from == S::kStarting;
    case S::kSucceeded:
    case S::kPartialFailed:
      return from == S::kRunning;
    case S::kFailed:
    case S::kManuallyStop:
      return IsActive(from);
    case S::kPending:  // a job a restart interrupted runs again
      return from == S::kStarting || from == S::kRunning;
    case S::kDeleting:
    case S::kDeleted:
      return false;
  }
  return false;
}

void AddJobLog(DatasetJob& job, TimeMs now, std::string_view level, std::string_view text) {
  // "2025-02-17T09:58:10.143Z" as "2025-02-17 09:58:10.143".
  std::string line = FormatIso8601(now, true);
  line[10] = ' ';
  line.back() = ' ';
  line += level;
  line += ": ";
  line += text;
  job.logs.push_back(std::move(line));
  if (job.logs.size() > kMaxJobLogLines) {
    job.logs.erase(job.logs.begin(), job.logs.begin() + static_cast<std::ptrdiff_t>(
                                                            job.logs.size() - kMaxJobLogLines));
  }
}

std::string_view FileTypeOf(std::string_view content_type) {
  for (std::string_view type : {"image", "text", "audio", "video"}) {
    if (content_type.starts_with(type) && content_type.size() > type.size() &&
        content_type[type.size()] == '/') {
      return type;
    }
  }
  return "application";
}

std::string_view ContentTypeOf(std::string_view file_name) {
  static constexpr std::pair<std::string_view, std::string_view> kTypes[] = {
      {"png", "image/png"},         {"jpg", "image/jpeg"},
      {"jpeg", "image/jpeg"},       {"tif", "image/tiff"},
      {"tiff", "image/tiff"},       {"bmp", "image/bmp"},
      {"gif", "image/gif"},         {"ico", "image/x-icon"},
      {"svg", "image/svg+xml"},     {"webp", "image/webp"},
      {"heic", "image/heic"},       {"txt", "text/plain"},
      {"csv", "text/csv"},          {"md", "text/markdown"},
      {"json", "application/json"}, {"jsonl", "application/jsonl"},
      {"html", "text/html"},        {"xml", "text/xml"},
      {"wav", "audio/wav"},         {"mp3", "audio/mpeg"},
      {"flac", "audio/flac"},       {"mp4", "video/mp4"},
      {"avi", "video/x-msvideo"},   {"mov", "video/quicktime"},
      {"pdf", "application/pdf"},
  };
  size_t dot = file_name.rfind('.');
  if (dot == std::string_view::npos) return "application/octet-stream";
  std::string ext = Lower(file_name.substr(dot + 1));
  for (const auto& [known, type] : kTypes) {
    if (ext == known) return type;
  }
  return "application/octet-stream";
}

namespace {

uint32_t BigEndian(std::string_view s, size_t at, int bytes) {
  uint32_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | static_cast<unsigned char>(s[at + i]);
  return v;
}

uint32_t LittleEndian(std::string_view s, size_t at, int bytes) {
  uint32_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(s[at + i]);
  return v;
}

std::optional<ImageSize> JpegSize(std::string_view s) {
  size_t at = 2;
  while (at + 9 < s.size()) {
    if (static_cast<unsigned char>(s[at]) != 0xFF) return std::nullopt;
    auto marker = static_cast<unsigned char>(s[at + 1]);
    if (marker == 0xFF) {  // fill byte
      ++at;
      continue;
    }
    uint32_t length = BigEndian(s, at + 2, 2);
    // Start of frame: SOF0–SOF15 but DHT (C4), JPG (C8) and DAC (CC).
    if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) {
      return ImageSize{BigEndian(s, at + 7, 2), BigEndian(s, at + 5, 2)};
    }
    if (length < 2) return std::nullopt;
    at += 2 + length;
  }
  return std::nullopt;
}

}  // namespace

std::optional<ImageSize> ImageSizeOf(std::string_view s) {
  if (s.size() >= 24 && s.starts_with("\x89PNG\r\n\x1a\n") && s.substr(12, 4) == "IHDR") {
    return ImageSize{BigEndian(s, 16, 4), BigEndian(s, 20, 4)};
  }
  if (s.size() >= 10 && (s.starts_with("GIF87a") || s.starts_with("GIF89a"))) {
    return ImageSize{LittleEndian(s, 6, 2), LittleEndian(s, 8, 2)};
  }
  if (s.size() >= 26 && s.starts_with("BM")) {
    auto height = static_cast<int32_t>(LittleEndian(s, 22, 4));
    return ImageSize{static_cast<int32_t>(LittleEndian(s, 18, 4)),
                     height < 0 ? -int64_t{height} : height};
  }
  if (s.size() >= 4 && static_cast<unsigned char>(s[0]) == 0xFF &&
      static_cast<unsigned char>(s[1]) == 0xD8) {
    return JpegSize(s);
  }
  if (s.size() >= 30 && s.starts_with("RIFF") && s.substr(8, 4) == "WEBP") {
    std::string_view chunk = s.substr(12, 4);
    if (chunk == "VP8X") return ImageSize{LittleEndian(s, 24, 3) + 1, LittleEndian(s, 27, 3) + 1};
    if (chunk == "VP8 ") {
      return ImageSize{LittleEndian(s, 26, 2) & 0x3FFF, LittleEndian(s, 28, 2) & 0x3FFF};
    }
    if (chunk == "VP8L" && s.size() >= 25) {
      uint32_t bits = LittleEndian(s, 21, 4);
      return ImageSize{(bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1};
    }
  }
  return std::nullopt;
}

std::string FileMetaLine(const DatasetFile& f) {
  std::string line;
  JsonWriter w(line);
  auto time = [&](std::string_view key, TimeMs t) {
    if (t != 0) w.Member(key, FormatIso8601(t, true));
  };
  auto strings = [&](std::string_view key, const std::vector<std::string>& items) {
    w.Key(key).BeginArray();
    for (const std::string& item : items) w.String(item);
    w.EndArray();
  };
  w.BeginObject().Member("Uri", f.uri).Member("FileName", f.file_name);
  w.Member("FileDir", f.file_dir).Member("FileType", f.file_type);
  w.Member("ContentType", f.content_type).Member("DataSize", f.size);
  w.Member("FileFingerPrint", f.fingerprint);
  time("FileCreateTime", f.file_created);
  time("FileUpdateTime", f.file_updated);
  if (!f.meta_attributes.empty()) w.Member("MetaAttributes", f.meta_attributes);
  w.Key("Tags").BeginObject();
  strings("ai", f.ai_tags);
  strings("user", f.user_tags);
  strings("user-delete-ai-tags", f.deleted_ai_tags);
  w.EndObject();
  if (!f.comment.empty()) w.Member("Comment", f.comment);
  w.EndObject();
  return line;
}

std::optional<DatasetFile> ParseFileMetaLine(std::string_view line, std::string& why) {
  DatasetFile f;
  try {
    JsonReader r(line);
    auto time = [&](std::string_view key) -> TimeMs {
      std::string name(key);  // before the read moves the reader on
      std::string text = r.String();
      std::optional<TimeMs> t = ParseIso8601(text);
      if (!t) throw JsonReader::Error(name + " is not an ISO 8601 time");
      return *t;
    };
    auto strings = [&](std::vector<std::string>& out) {
      r.BeginArray();
      while (r.NextElement()) out.push_back(r.String());
    };
    r.BeginObject();
    for (std::string_view key; r.NextKey(key);) {
      if (key == "Uri") {
        f.uri = r.String();
      } else if (key == "FileName") {
        f.file_name = r.String();
      } else if (key == "FileDir") {
        f.file_dir = r.String();
      } else if (key == "FileType") {
        f.file_type = r.String();
      } else if (key == "ContentType") {
        f.content_type = r.String();
      } else if (key == "DataSize") {
        f.size = r.Int();
      } else if (key == "FileFingerPrint") {
        f.fingerprint = r.String();
      } else if (key == "FileCreateTime") {
        f.file_created = time(key);
      } else if (key == "FileUpdateTime") {
        f.file_updated = time(key);
      } else if (key == "MetaAttributes") {
        f.meta_attributes = r.String();
      } else if (key == "Comment") {
        f.comment = r.String();
      } else if (key == "Tags") {
        r.BeginObject();
        for (std::string_view group; r.NextKey(group);) {
          if (group == "ai") {
            strings(f.ai_tags);
          } else if (group == "user") {
            strings(f.user_tags);
          } else if (group == "user-delete-ai-tags") {
            strings(f.deleted_ai_tags);
          } else {
            r.Skip();
          }
        }
      } else {
        r.Skip();
      }
    }
    if (!r.AtEnd()) throw JsonReader::Error("text after the object");
  } catch (const JsonReader::Error& e) {
    why = e.what();
    return std::nullopt;
  }
  if (f.uri.empty()) {
    why = "no Uri";
    return std::nullopt;
  }
  return f;
}

void CheckDatasetJob(const DatasetJob& job) {
  if (job.action.empty()) ThrowMissing("job_action");
  CheckOneOf("job_action", job.action, kJobActions);
  CheckOneOf("job_mode", job.mode, kJobModes);
  if (job.mode == "Increment" && job.action != "SemanticIndex" && job.action != "IntelligentTag") {
    ThrowInvalidField("job_mode", " may be Increment only for SemanticIndex and IntelligentTag.");
  }
  if (job.spec.empty()) ThrowMissing("job_spec");
  CheckJsonObjectText("job_spec", job.spec);
  CheckLength("description", job.description, kMaxDescriptionChars);
}

void CheckDatasetJobConfig(const DatasetJobConfig& config) {
  if (config.config_type.empty()) ThrowMissing("config_type");
  CheckOneOf("config_type", config.config_type, kJobConfigTypes);
  if (config.config.empty()) ThrowMissing("config");
  CheckJsonObjectText("config", config.config);
}

}  // namespace drover::core
