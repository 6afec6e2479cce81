// TrainingStatus: the lifecycle of a training job, defined once.
//
// The vocabulary is PAI-DLC's (13 documented statuses); other dialects map
// to and from it through a table in their own folder. Every status change
// goes through `CanTransition`: an illegal transition is a bug, and the
// service refuses it rather than overwrite a status silently.
//
//   Creating → Queuing → [Bidding] → EnvPreparing → [SanityChecking] → Running
//   Running → Restarting → Running
//   Running → SucceededReserving → Succeeded,  Running → FailedReserving → Failed
//   Running → Succeeded | Failed  (no reservation)
//   any active status → Stopping → Stopped;  any active status → Failed
#pragma once

#include <optional>
#include <string_view>

namespace drover::core {

enum class TrainingStatus {
  kCreating,
  kQueuing,
  kBidding,
  kEnvPreparing,
  kSanityChecking,
  kRunning,
  kRestarting,
  kStopping,
  kSucceededReserving,
  kFailedReserving,
  kSucceeded,
  kFailed,
  kStopped,
};

inline constexpr int kTrainingStatusCount = 13;

// "Creating", "Queuing", … exactly as PAI-DLC spells them.
std::string_view TrainingStatusName(TrainingStatus status);
// Exact, case-sensitive; nullopt for an unknown name.
std::optional<TrainingStatus> ParseTrainingStatus(std::string_view name);

// Succeeded, Failed and Stopped: nothing happens to the job any more.
bool IsTerminal(TrainingStatus status);
// Whether `from → to` is a legal step of the lifecycle above.
bool CanTransition(TrainingStatus from, TrainingStatus to);

}  // namespace drover::core
