#include "computer/pause.h"

#include <algorithm>
#include <thread>

namespace tandem::computer {

bool pauseFor(std::chrono::milliseconds duration, const base::CancelToken &cancel)
{
    using Clock = std::chrono::steady_clock;
    constexpr auto slice = std::chrono::milliseconds(5);
    const auto end = Clock::now() + duration;
    while (!cancel.isCancelled()) {
        const auto now = Clock::now();
        if (now >= end)
            return true;
        std::this_thread::sleep_for(std::min<Clock::duration>(slice, end - now));
    }
    return false;
}

} // namespace tandem::computer
