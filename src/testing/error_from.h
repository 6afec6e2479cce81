// ErrorFrom: the core::Error an action throws, so a test checks its code
// and parameter (a bare EXPECT_THROW(…, core::Error) would pass for the
// wrong failure). A test failure, and a kInternal error back, when the
// action throws nothing.
#pragma once

#include <gtest/gtest.h>

#include <functional>

#include "core/error.h"

namespace drover::testing {

inline core::Error ErrorFrom(const std::function<void()>& action) {
  try {
    action();
  } catch (const core::Error& e) {
    return e;
  }
  ADD_FAILURE() << "expected a core::Error; nothing was thrown";
  return core::Error(core::ErrorCode::kInternal, "nothing was thrown");
}

}  // namespace drover::testing
