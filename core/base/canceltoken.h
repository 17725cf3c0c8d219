#pragma once

#include <atomic>
#include <memory>

namespace tandem::base {

// A shared flag that one thread raises and others poll: the stop button sets it, the model
// stream and the running sandbox command check it between reads. Copies share one flag.
class CancelToken
{
public:
    CancelToken();

    void cancel() const;
    bool isCancelled() const;

private:
    std::shared_ptr<std::atomic<bool>> m_flag;
};

} // namespace tandem::base
