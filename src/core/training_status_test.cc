#include "core/training_status.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace drover::core {
namespace {

using S = TrainingStatus;

TEST(TrainingStatus, NamesRoundTrip) {
  for (int i = 0; i < kTrainingStatusCount; ++i) {
    auto status = static_cast<S>(i);
    EXPECT_EQ(ParseTrainingStatus(TrainingStatusName(status)), status);
  }
  EXPECT_FALSE(ParseTrainingStatus("running").has_value());
  EXPECT_FALSE(ParseTrainingStatus("").has_value());
}

// Every legal step, written out; every other pair must be refused.
TEST(TrainingStatus, TransitionTableIsExactlyTheLifecycle) {
  const std::set<std::pair<S, S>> legal = {
      {S::kCreating, S::kQueuing},
      {S::kQueuing, S::kBidding},
      {S::kQueuing, S::kEnvPreparing},
      {S::kBidding, S::kEnvPreparing},
      {S::kBidding, S::kQueuing},
      {S::kEnvPreparing, S::kSanityChecking},
      {S::kEnvPreparing, S::kRunning},
      {S::kSanityChecking, S::kRunning},
      {S::kRunning, S::kRestarting},
      {S::kRunning, S::kSucceeded},
      {S::kRunning, S::kSucceededReserving},
      {S::kRunning, S::kFailedReserving},
      {S::kRestarting, S::kRunning},
      {S::kRestarting, S::kQueuing},
      {S::kStopping, S::kStopped},
      {S::kSucceededReserving, S::kSucceeded},
  };
  for (int f = 0; f < kTrainingStatusCount; ++f) {
    for (int t = 0; t < kTrainingStatusCount; ++t) {
      auto from = static_cast<S>(f), to = static_cast<S>(t);
      bool want = legal.count({from, to}) > 0;
      // Any active status may be stopped or fail.
      if (!IsTerminal(from) && to == S::kStopping && from != S::kStopping) want = true;
      if (!IsTerminal(from) && to == S::kFailed && from != S::kSucceededReserving) want = true;
      EXPECT_EQ(CanTransition(from, to), want)
          << TrainingStatusName(from) << " -> " << TrainingStatusName(to);
    }
  }
}

TEST(TrainingStatus, TerminalStatusesGoNowhere) {
  for (S terminal : {S::kSucceeded, S::kFailed, S::kStopped}) {
    EXPECT_TRUE(IsTerminal(terminal));
    for (int t = 0; t < kTrainingStatusCount; ++t) {
      EXPECT_FALSE(CanTransition(terminal, static_cast<S>(t)));
    }
  }
  EXPECT_FALSE(IsTerminal(S::kStopping));
  EXPECT_FALSE(IsTerminal(S::kFailedReserving));
}

}  // namespace
}  // namespace drover::core
