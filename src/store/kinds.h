// The kinds of record the store keeps. Adding a kind is one line here (and
// a codec beside the kind's type, store/codec.h). A kind's id and table are
// on disk: never change or reuse them.
#pragma once

#include <string_view>

#include "store/store.h"

namespace drover::store {

struct RecordKind {
  KindId id;
  std::string_view name;   // for logs and errors
  std::string_view table;  // where an SQL backend keeps its records
};

inline constexpr RecordKind kTrainingJob{1, "training-job", "jobs"};

inline constexpr RecordKind kDataset{2, "dataset", "datasets"};
inline constexpr RecordKind kDatasetVersion{3, "dataset-version", "dataset_versions"};

inline constexpr RecordKind kDatasetJob{4, "dataset-job", "dataset_jobs"};
inline constexpr RecordKind kDatasetJobConfig{5, "dataset-job-config", "dataset_job_configs"};
inline constexpr RecordKind kDatasetFile{6, "dataset-file", "dataset_files"};

inline constexpr RecordKind kBucket{7, "bucket", "buckets"};
inline constexpr RecordKind kObject{8, "object", "objects"};
inline constexpr RecordKind kMultipartUpload{9, "multipart-upload", "multipart_uploads"};
inline constexpr RecordKind kBatchJob{10, "batch-job", "batch_jobs"};
inline constexpr RecordKind kBatchChunk{11, "batch-chunk", "batch_chunks"};
inline constexpr RecordKind kObjectData{12, "object-data", "object_data"};
inline constexpr RecordKind kOverviewSample{13, "overview-sample", "overview_samples"};
inline constexpr RecordKind kRecordKinds[] = {
    kTrainingJob, kDataset,    kDatasetVersion, kDatasetJob,      kDatasetJobConfig,
    kDatasetFile, kBucket,     kObject,         kMultipartUpload, kBatchJob,
    kBatchChunk,  kObjectData, kOverviewSample};

}  // namespace drover::store
