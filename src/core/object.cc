#include "core/object.h"

#include <set>

#include "core/error.h"
#include "core/url.h"
#include "core/utf8.h"

namespace drover::core {

namespace {

template <class E, size_t N>
std::optional<E> ParseName(const std::string_view (&names)[N], std::string_view name) {
  for (size_t i = 0; i < N; ++i) {
    if (names[i] == name) return static_cast<E>(i);
  }
  return std::nullopt;
}

[[noreturn]] void Refuse(const std::string& parameter, const std::string& message,
                         const char* reason = "") {
  throw Error(ErrorCode::kInvalidArgument, message, parameter, reason);
}

}  // namespace

std::string_view StorageClassName(StorageClass c) {
  return kStorageClassNames[static_cast<size_t>(c)];
}

std::optional<StorageClass> ParseStorageClass(std::string_view name) {
  return ParseName<StorageClass>(kStorageClassNames, name);
}

bool IsFrozenClass(StorageClass c) {
  return c == StorageClass::kArchive || c == StorageClass::kColdArchive ||
         c == StorageClass::kDeepColdArchive;
}

std::string_view AclName(Acl acl) { return kAclNames[static_cast<size_t>(acl)]; }

std::optional<Acl> ParseAcl(std::string_view name) { return ParseName<Acl>(kAclNames, name); }

void CheckBucketName(std::string_view name) {
  auto ok_edge = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  bool ok = name.size() >= 3 && name.size() <= 63 && ok_edge(name.front()) && ok_edge(name.back());
  for (char c : name) ok = ok && (ok_edge(c) || c == '-');
  if (!ok) {
    Refuse("bucket",
           "The bucket name \"" + ToValidUtf8(name) +
               "\" is invalid: 3 to 63 characters of lowercase letters, digits and hyphens, "
               "starting and ending with a letter or digit.",
           kInvalidBucketName);
  }
}

void CheckObjectKey(std::string_view key) {
  if (key.empty() || key.size() > 1023 || key.front() == '/' || key.front() == '\\' ||
      !IsValidUtf8(key)) {
    Refuse("key",
           "The object name is invalid: 1 to 1023 bytes of UTF-8, not starting with '/' or '\\'.",
           kInvalidObjectName);
  }
}

void CheckTags(const std::vector<ObjectTag>& tags) {
  if (tags.size() > 10) {
    Refuse("Tagging", "An object has at most 10 tags; " + std::to_string(tags.size()) + " given.");
  }
  std::set<std::string_view> keys;
  for (const ObjectTag& tag : tags) {
    size_t key_length = CountCodePoints(tag.key), value_length = CountCodePoints(tag.value);
    if (!IsValidUtf8(tag.key) || !IsValidUtf8(tag.value)) {
      Refuse("Tagging", "A tag's key and value must be valid UTF-8.");
    }
    if (key_length < 1 || key_length > 128) {
      Refuse("Tagging", "A tag key has 1 to 128 characters; \"" + tag.key + "\" has " +
                            std::to_string(key_length) + ".");
    }
    if (value_length > 256) {
      Refuse("Tagging", "A tag value has at most 256 characters; the value of \"" + tag.key +
                            "\" has " + std::to_string(value_length) + ".");
    }
    if (!keys.insert(tag.key).second) {
      Refuse("Tagging", "The tag key \"" + tag.key + "\" is given twice.");
    }
  }
}

std::vector<ObjectTag> ParseTagging(std::string_view header) {
  std::vector<ObjectTag> tags;
  for (auto& [key, value] : QueryPairs(header)) {
    tags.push_back({std::move(key), value.value_or("")});
  }
  CheckTags(tags);
  return tags;
}

void CheckUserMeta(const std::map<std::string, std::string>& meta) {
  size_t total = 0;
  for (const auto& [name, value] : meta) total += name.size() + value.size();
  if (total > 8192) {
    Refuse("x-oss-meta-*", "User metadata (x-oss-meta-* names and values) is at most 8 KB; " +
                               std::to_string(total) + " bytes given.");
  }
}

RestoreState RestoreStateAt(const ObjectMeta& object, TimeMs now) {
  if (object.restore_expires == 0 || now >= object.restore_expires) return RestoreState::kFrozen;
  return now < object.restore_ready ? RestoreState::kRestoring : RestoreState::kRestored;
}

bool Readable(const ObjectMeta& object, TimeMs now) {
  return !IsFrozenClass(object.storage_class) ||
         RestoreStateAt(object, now) == RestoreState::kRestored;
}

}  // namespace drover::core
