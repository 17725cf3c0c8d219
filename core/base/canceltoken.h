#pragma once

#include <atomic>
#include <chrono>
#include <memory>

namespace tandem::base {

// A shared flag that one thread raises and others poll: the stop button sets it, the model
// stream and the running sandbox command check it between reads. Copies share one flag.
// A thread that must pause (a retry's back-off) waits on it, and a cancel wakes it at once.
class CancelToken
{
public:
    CancelToken();

    void cancel() const;
    bool isCancelled() const;

    // Sleeps for `duration` or until cancel(), whichever comes first; true when cancelled.
    bool waitFor(std::chrono::milliseconds duration) const;

private:
    struct State;
    std::shared_ptr<State> m_state;
};

} // namespace tandem::base
