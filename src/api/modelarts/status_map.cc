#include "api/modelarts/status_map.h"

namespace drover::api::modelarts {

namespace {

using S = core::TrainingStatus;

struct Row {
  S status;
  int code;
};

// 1 INIT, 7 WAITING, 8 RUNNING, 9 KILLING, 10 COMPLETED, 11 FAILED,
// 12 KILLED, 19 CHECK_RUNNING.
constexpr Row kTable[] = {
    {S::kCreating, 1},     {S::kQueuing, 7},          {S::kBidding, 7},
    {S::kEnvPreparing, 7}, {S::kSanityChecking, 19},  {S::kRunning, 8},
    {S::kRestarting, 8},   {S::kStopping, 9},         {S::kSucceededReserving, 10},
    {S::kSucceeded, 10},   {S::kFailedReserving, 11}, {S::kFailed, 11},
    {S::kStopped, 12},
};
static_assert(std::size(kTable) == core::kTrainingStatusCount, "map every core status");

}  // namespace

int StatusCode(core::TrainingStatus status) {
  for (const Row& row : kTable) {
    if (row.status == status) return row.code;
  }
  return 0;  // JOBSTAT_UNKNOWN
}

std::vector<core::TrainingStatus> StatusesForCode(int code) {
  std::vector<core::TrainingStatus> out;
  for (const Row& row : kTable) {
    if (row.code == code) out.push_back(row.status);
  }
  return out;
}

}  // namespace drover::api::modelarts
