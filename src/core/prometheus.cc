#include "core/prometheus.h"

#include <charconv>
#include <cmath>

namespace drover::core {

namespace {

std::string Number(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (std::isnan(v)) return "NaN";
  char buf[32];
  auto [end, error] = std::to_chars(buf, buf + sizeof buf, v);
  return error == std::errc() ? std::string(buf, end) : "NaN";
}

// A bucket's bound as people write it ("0.0001", not "1e-04").
std::string Bound(double v) {
  char buf[32];
  auto [end, error] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
  return error == std::errc() ? std::string(buf, end) : Number(v);
}

}  // namespace

void PromWriter::Family(std::string_view name, std::string_view type, std::string_view help) {
  text_.append("# HELP ").append(name).append(" ");
  for (char c : help) {  // HELP escapes \ and newlines
    if (c == '\\') {
      text_ += "\\\\";
    } else if (c == '\n') {
      text_ += "\\n";
    } else {
      text_ += c;
    }
  }
  text_.append("\n# TYPE ").append(name).append(" ").append(type).append("\n");
}

void PromWriter::Labels(const PromLabels& labels, std::string_view le) {
  if (labels.empty() && le.empty()) return;
  text_ += '{';
  bool first = true;
  auto one = [&](std::string_view key, std::string_view value) {
    if (!first) text_ += ',';
    first = false;
    text_.append(key).append("=\"");
    for (char c : value) {  // label values escape \, " and newlines
      if (c == '\\' || c == '"') text_ += '\\';
      if (c == '\n') {
        text_ += "\\n";
        continue;
      }
      text_ += c;
    }
    text_ += '"';
  };
  for (const auto& [key, value] : labels) one(key, value);
  if (!le.empty()) one("le", le);
  text_ += '}';
}

void PromWriter::Sample(std::string_view name, const PromLabels& labels, double value) {
  text_.append(name);
  Labels(labels, "");
  text_.append(" ").append(Number(value)).append("\n");
}

void PromWriter::Histogram(std::string_view name, const PromLabels& labels,
                           const LatencyHistogram::Snapshot& snapshot) {
  std::string bucket = std::string(name) + "_bucket";
  uint64_t cumulative = 0;
  for (size_t i = 0; i < snapshot.buckets.size(); ++i) {
    cumulative += snapshot.buckets[i];
    bool last = i == LatencyHistogram::kBounds.size();
    text_.append(bucket);
    Labels(labels, last ? "+Inf" : Bound(LatencyHistogram::kBounds[i]));
    text_.append(" ").append(std::to_string(cumulative)).append("\n");
  }
  Sample(std::string(name) + "_sum", labels, snapshot.sum_seconds);
  Sample(std::string(name) + "_count", labels, static_cast<double>(snapshot.count));
}

}  // namespace drover::core
