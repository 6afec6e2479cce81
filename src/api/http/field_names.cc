#include "api/http/field_names.h"

namespace drover::api {

std::string SpellField(std::string_view neutral, FieldNames names) {
  std::string out;
  while (!neutral.empty()) {
    size_t dot = neutral.find('.');
    std::string_view segment = neutral.substr(0, dot);
    neutral = dot == std::string_view::npos ? std::string_view() : neutral.substr(dot + 1);
    size_t bracket = segment.find('[');
    std::string_view name = segment.substr(0, bracket);
    std::string_view index =
        bracket == std::string_view::npos ? std::string_view() : segment.substr(bracket);
    for (const auto& [from, to] : names) {
      if (from == name) {
        name = to;
        break;
      }
    }
    if (!out.empty()) out += '.';
    out.append(name).append(index);
  }
  return out;
}

}  // namespace drover::api
