// A dialect's spelling of the neutral field names services use in their
// errors (core::Error::About): `roles[0].cpu` is DLC's
// `JobSpecs[0].ResourceConfig.CPU`. A name is a path of segments joined by
// '.', each perhaps indexed (`roles[0]`); each segment is looked up in the
// dialect's table, and one it does not know is kept as it is (the
// dialect's own errors already use its spelling).
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <utility>

namespace drover::api {

using FieldNames = std::span<const std::pair<std::string_view, std::string_view>>;

std::string SpellField(std::string_view neutral, FieldNames names);

}  // namespace drover::api
