#include "core/training_status.h"

#include <array>

namespace drover::core {

namespace {

using S = TrainingStatus;

constexpr std::array<std::string_view, kTrainingStatusCount> kNames = {
    "Creating",  "Queuing",    "Bidding",  "EnvPreparing",       "SanityChecking",
    "Running",   "Restarting", "Stopping", "SucceededReserving", "FailedReserving",
    "Succeeded", "Failed",     "Stopped",
};

}  // namespace

std::string_view TrainingStatusName(TrainingStatus status) {
  return kNames[static_cast<size_t>(status)];
}

std::optional<TrainingStatus> ParseTrainingStatus(std::string_view name) {
  for (size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == name) return static_cast<TrainingStatus>(i);
  }
  return std::nullopt;
}

bool IsTerminal(TrainingStatus status) {
  return status == S::kSucceeded || status == S::kFailed || status == S::kStopped;
}

bool CanTransition(TrainingStatus from, TrainingStatus to) {
  if (IsTerminal(from)) return false;
  // Every active job can be stopped or fail (e.g. it can never be scheduled).
  if (to == S::kStopping) return from != S::kStopping;
  if (to == S::kFailed && from != S::kSucceededReserving) return true;
  switch (from) {
    case S::kCreating:
      return to == S::kQueuing;
    case S::kQueuing:
      return to == S::kBidding || to == S::kEnvPreparing;
    case S::kBidding:
      return to == S::kEnvPreparing || to == S::kQueuing;
    case S::kEnvPreparing:
      return to == S::kSanityChecking || to == S::kRunning;
    case S::kSanityChecking:
      return to == S::kRunning;
    case S::kRunning:
      return to == S::kRestarting || to == S::kSucceeded || to == S::kSucceededReserving ||
             to == S::kFailedReserving;
    case S::kRestarting:
      return to == S::kRunning || to == S::kQueuing;
    case S::kStopping:
      return to == S::kStopped;
    case S::kSucceededReserving:
      return to == S::kSucceeded;
    case S::kFailedReserving:  // → Failed handled above
    default:
      return false;
  }
}

}  // namespace drover::core
