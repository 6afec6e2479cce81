// PAI AIWorkSpace's JSON for datasets and versions: the bodies of
// CreateDataset, UpdateDataset, CreateDatasetVersion, UpdateDatasetVersion
// and the label calls in; Dataset and DatasetVersion objects out. See
// shared/spec/pai-dataset.md §2.1–2.2 and the GetDataset seed page.
//
// Parsing reads the vendor's names and types and throws core::Error
// naming the parameter; the rules of a valid dataset are core's
// (core/dataset.h), applied by the service. Nothing is stored here.
#pragma once

#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/dataset.h"
#include "core/json_writer.h"
#include "service/dataset_service.h"

namespace drover::api::dataset {

using core::JsonWriter;

// Options and ImportInfo may each hold 64 KiB of JSON text.
inline constexpr size_t kMaxBodyBytes = 256 * 1024;

struct NewDataset {
  core::Dataset dataset;
  core::DatasetVersion first;  // v1
};

// A request body: a JSON object of at most kMaxBodyBytes; throws naming
// `Body` otherwise.
boost::json::object ParseBody(std::string_view body);

// CreateDataset body → the dataset and its first version.
NewDataset ParseCreateDataset(std::string_view body);
service::DatasetUpdate ParseUpdateDataset(std::string_view body);
core::DatasetVersion ParseCreateVersion(std::string_view body);
service::VersionUpdate ParseUpdateVersion(std::string_view body);
// `{"Labels":[{"Key":…,"Value":…}]}` → the labels (at least one).
std::vector<core::Label> ParseLabelsBody(std::string_view body);
// A comma list of label keys from the query parameter `param` (required).
std::vector<std::string> ParseKeys(const std::string* list, const std::string& param);

// What the caller is shown of a dataset it sees through a share.
struct Viewed {
  const core::DatasetShare* shared_from = nullptr;  // null: its own
  core::TimeMs now = 0;
};

// The Dataset members into the object `w` has open: every field of the
// GetDataset page, LatestVersion from `latest`.
void WriteDataset(JsonWriter& w, const core::Dataset& dataset,
                  const std::optional<core::DatasetVersion>& latest, const Viewed& viewed);
// The DatasetVersion members into the object `w` has open.
void WriteVersion(JsonWriter& w, const core::DatasetVersion& version);

}  // namespace drover::api::dataset
