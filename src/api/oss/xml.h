// The XML OSS speaks, through pugixml: documents written without
// indentation under the UTF-8 declaration, and request bodies read with a
// MalformedXML error for anything that does not parse.
#pragma once

#include <pugixml.hpp>
#include <string>
#include <string_view>

namespace drover::api::oss {

// A response document with one root element.
class XmlOut {
 public:
  explicit XmlOut(const char* root);
  pugi::xml_node root() { return root_; }
  std::string Text() const;

 private:
  pugi::xml_document doc_;
  pugi::xml_node root_;
};

// Appends <name>text</name> to `parent` and returns it.
pugi::xml_node AddText(pugi::xml_node parent, const char* name, std::string_view text);

// Parses a request body; throws core::Error(kInvalidArgument, reason
// kMalformedXml) when it is not XML with a root named `root`.
pugi::xml_document ParseBody(const std::string& body, const char* root);

inline constexpr char kMalformedXml[] = "MalformedXML";

}  // namespace drover::api::oss
