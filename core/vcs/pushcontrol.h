#pragma once

#include "base/canceltoken.h"

#include <cstddef>
#include <functional>

namespace tandem::vcs {

struct PushProgress
{
    unsigned objectsSent = 0;
    unsigned objectsTotal = 0;
    std::size_t bytesSent = 0;
};

// What a caller that pushes off its own thread may watch and stop. `onProgress` is called on
// the pushing thread. A cancel before the remote was sent anything leaves the remote as it
// was; once the pack is on its way the remote decides, and the report says what it did.
struct PushControl
{
    std::function<void(const PushProgress &)> onProgress;
    base::CancelToken cancel;
};

} // namespace tandem::vcs
