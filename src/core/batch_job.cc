#include "core/batch_job.h"

namespace drover::core {

std::string_view BatchStatusName(BatchStatus s) {
  return kBatchStatusNames[static_cast<size_t>(s)];
}

std::optional<BatchStatus> ParseBatchStatus(std::string_view name) {
  for (size_t i = 0; i < std::size(kBatchStatusNames); ++i) {
    if (kBatchStatusNames[i] == name) return static_cast<BatchStatus>(i);
  }
  return std::nullopt;
}

bool IsTerminal(BatchStatus s) {
  return s == BatchStatus::kComplete || s == BatchStatus::kCancelled || s == BatchStatus::kFailed;
}

bool CanMove(BatchStatus from, BatchStatus to) {
  using S = BatchStatus;
  if (IsTerminal(from)) return false;
  switch (to) {
    case S::kPreparing:
      return from == S::kNew;
    case S::kSuspended:
      return from == S::kPreparing;
    case S::kReady:
      return from == S::kPreparing || from == S::kSuspended;
    case S::kActive:
      return from == S::kReady;
    case S::kCompleting:
    case S::kFailing:
      return from == S::kActive || (to == S::kFailing && from == S::kPreparing);
    case S::kComplete:
      return from == S::kCompleting;
    case S::kFailed:
      return from == S::kFailing;
    case S::kCancelling:
      return from != S::kCompleting && from != S::kFailing && from != S::kCancelling;
    case S::kCancelled:
      return from == S::kCancelling;
    case S::kNew:
    case S::kPausing:
    case S::kPaused:
      return false;
  }
  return false;
}

std::string_view BatchOperationName(BatchOperation op) {
  return kBatchOperationNames[static_cast<size_t>(op)];
}

int64_t ElapsedActiveSeconds(const BatchJob& job, TimeMs now) {
  int64_t ms = job.active_ms;
  if (job.active_since > 0 && now > job.active_since) ms += now - job.active_since;
  return ms / 1000;
}

}  // namespace drover::core
