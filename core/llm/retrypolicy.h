#pragma once

#include "llm/modelclient.h"

#include <QDateTime>

#include <chrono>
#include <functional>
#include <optional>
#include <string_view>

class QRandomGenerator;

namespace tandem::llm {

// What one request to the model came to, as the retry loop judges it.
struct Attempt
{
    base::Result<ModelReply> reply;
    bool retryable = false; // rate limited, overloaded, or a server error: worth another try
    std::optional<std::chrono::milliseconds> retryAfter; // the server's own retry-after
    std::string reason; // "HTTP 529 overloaded_error", for the log and the user
};

// When and how often a failed request is sent again: exponential back-off with jitter, or
// exactly what the server's retry-after asks for, for a bounded number of attempts; a cancel
// ends a wait at once.
//
//     RetryPolicy policy;
//     auto reply = policy.run([&] { return sendOnce(request); }, observer, cancel);
struct RetryPolicy
{
    using Milliseconds = std::chrono::milliseconds;

    int maxAttempts = 4;
    Milliseconds baseDelay{1000};
    Milliseconds maxDelay{30'000};
    // A server that asks for a longer pause than this is not waited for: the user hears why.
    Milliseconds maxRetryAfter{120'000};

    base::Result<ModelReply> run(const std::function<Attempt()> &attempt, StreamObserver *observer,
                                 const base::CancelToken &cancel) const;

    // The pause before retry number `retry` (1 for the first): the server's retry-after when
    // it sent one, else baseDelay doubled per retry, capped, with up to half of it random.
    Milliseconds delayBefore(int retry, std::optional<Milliseconds> retryAfter,
                             QRandomGenerator &random) const;

    // `retry-after` as HTTP gives it: seconds ("2", "1.5") or an HTTP date.
    static std::optional<Milliseconds> parseRetryAfter(std::string_view value,
                                                       const QDateTime &now);
    static bool isRetryableStatus(long status);
    // Error types of the Messages API's error object (and its stream's error event).
    static bool isRetryableErrorType(const std::string &type);
};

} // namespace tandem::llm
