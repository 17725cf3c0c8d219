#pragma once

// Checks an invariant that should never break. In a release run a broken invariant is logged
// with its place and the caller recovers; under tests (TANDEM_FATAL_ASSERTS set) it aborts.
#define TANDEM_CHECK(cond)                                                                         \
    ((cond) ? true : (::tandem::base::reportBrokenInvariant(#cond, __FILE__, __LINE__), false))

namespace tandem::base {

void reportBrokenInvariant(const char *condition, const char *file, int line);

} // namespace tandem::base
