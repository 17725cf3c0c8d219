#include "base/canceltoken.h"

#include <atomic>
#include <condition_variable>
#include <mutex>

namespace tandem::base {

struct CancelToken::State
{
    std::atomic<bool> flag{false};
    std::mutex mutex;
    std::condition_variable woken;
};

CancelToken::CancelToken()
    : m_state(std::make_shared<State>())
{}

void CancelToken::cancel() const
{
    {
        // Under the lock, so a waiter between its check and its wait cannot miss the wake-up.
        std::lock_guard lock(m_state->mutex);
        m_state->flag.store(true);
    }
    m_state->woken.notify_all();
}

bool CancelToken::isCancelled() const
{
    return m_state->flag.load();
}

bool CancelToken::waitFor(std::chrono::milliseconds duration) const
{
    std::unique_lock lock(m_state->mutex);
    return m_state->woken.wait_for(lock, duration, [this] { return m_state->flag.load(); });
}

} // namespace tandem::base
