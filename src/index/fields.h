// What each JobQuery field means on a job — one definition that every
// engine shares, so they cannot disagree about it.
#pragma once

#include <string>

#include "index/query.h"

namespace drover::index {

const std::string& ExactValue(const core::Job& job, ExactField field);
core::TimeMs TimeValue(const core::Job& job, TimeField field);
// The text a words field is cut from (text::Words).
std::string WordsSource(const core::Job& job, WordsField field);
// `query` is folded; `folded_name` is text::Fold(display_name).
bool NameMatches(std::string_view folded_name, NameMatch mode, std::string_view query);

}  // namespace drover::index
