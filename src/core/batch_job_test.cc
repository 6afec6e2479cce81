#include "core/batch_job.h"

#include <gtest/gtest.h>

namespace drover::core {
namespace {

using S = BatchStatus;

TEST(BatchStatus, TheMovesOfTheSpec) {
  EXPECT_TRUE(CanMove(S::kNew, S::kPreparing));
  EXPECT_TRUE(CanMove(S::kPreparing, S::kSuspended));
  EXPECT_TRUE(CanMove(S::kPreparing, S::kReady));
  EXPECT_TRUE(CanMove(S::kSuspended, S::kReady));
  EXPECT_TRUE(CanMove(S::kReady, S::kActive));
  EXPECT_TRUE(CanMove(S::kActive, S::kCompleting));
  EXPECT_TRUE(CanMove(S::kCompleting, S::kComplete));
  EXPECT_TRUE(CanMove(S::kActive, S::kFailing));
  EXPECT_TRUE(CanMove(S::kPreparing, S::kFailing));  // a bad manifest
  EXPECT_TRUE(CanMove(S::kFailing, S::kFailed));
  EXPECT_TRUE(CanMove(S::kCancelling, S::kCancelled));
  // Cancelled is refused from Cancelled, Cancelling, Complete, Completing,
  // Failed and Failing, allowed from every other status.
  for (S s : {S::kNew, S::kPreparing, S::kSuspended, S::kReady, S::kActive}) {
    EXPECT_TRUE(CanMove(s, S::kCancelling)) << BatchStatusName(s);
  }
  for (S s :
       {S::kCancelled, S::kCancelling, S::kComplete, S::kCompleting, S::kFailed, S::kFailing}) {
    EXPECT_FALSE(CanMove(s, S::kCancelling)) << BatchStatusName(s);
  }
  // Ready only from Preparing or Suspended; nothing leaves an end.
  for (S s : {S::kNew, S::kReady, S::kActive, S::kComplete}) EXPECT_FALSE(CanMove(s, S::kReady));
  for (S end : {S::kComplete, S::kCancelled, S::kFailed}) {
    EXPECT_TRUE(IsTerminal(end));
    for (int to = 0; to < 13; ++to) EXPECT_FALSE(CanMove(end, static_cast<S>(to)));
  }
  EXPECT_FALSE(CanMove(S::kActive, S::kComplete));
  EXPECT_FALSE(CanMove(S::kReady, S::kPaused));
}

TEST(BatchStatus, NamesAndElapsedTime) {
  EXPECT_EQ(ParseBatchStatus("Completing"), S::kCompleting);
  EXPECT_EQ(ParseBatchStatus("complete"), std::nullopt);
  EXPECT_EQ(BatchStatusName(S::kCancelling), "Cancelling");
  BatchJob job;
  job.active_ms = 2500;
  EXPECT_EQ(ElapsedActiveSeconds(job, 10'000), 2);
  job.active_since = 9'000;
  EXPECT_EQ(ElapsedActiveSeconds(job, 10'000), 3);
}

}  // namespace
}  // namespace drover::core
