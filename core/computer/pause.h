#pragma once

#include "base/canceltoken.h"

#include <chrono>

namespace tandem::computer {

// Sleeps for `duration` in slices short enough that a stop is noticed within a few
// milliseconds. Returns false when the token was cancelled.
bool pauseFor(std::chrono::milliseconds duration, const base::CancelToken &cancel);

} // namespace tandem::computer
