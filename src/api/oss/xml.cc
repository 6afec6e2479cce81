#include "api/oss/xml.h"

#include <sstream>

#include "core/error.h"

namespace drover::api::oss {

XmlOut::XmlOut(const char* root) {
  pugi::xml_node declaration = doc_.append_child(pugi::node_declaration);
  declaration.append_attribute("version") = "1.0";
  declaration.append_attribute("encoding") = "UTF-8";
  root_ = doc_.append_child(root);
}

std::string XmlOut::Text() const {
  std::ostringstream out;
  doc_.save(out, "", pugi::format_raw);
  return out.str();
}

pugi::xml_node AddText(pugi::xml_node parent, const char* name, std::string_view text) {
  pugi::xml_node node = parent.append_child(name);
  node.text().set(std::string(text).c_str());
  return node;
}

pugi::xml_document ParseBody(const std::string& body, const char* root) {
  pugi::xml_document doc;
  pugi::xml_parse_result parsed = doc.load_buffer(body.data(), body.size());
  if (!parsed || !doc.child(root)) {
    throw core::Error(core::ErrorCode::kInvalidArgument,
                      std::string("The XML you provided was not well-formed or did not validate "
                                  "against our published schema (expected <") +
                          root + ">).",
                      "body", kMalformedXml);
  }
  return doc;
}

}  // namespace drover::api::oss
