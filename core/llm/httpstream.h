#pragma once

#include "base/canceltoken.h"

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace tandem::llm {

// One streamed HTTP POST over libcurl, shared by the model clients: the body of a 200 answer
// goes to `onData` as it arrives; any other answer's body is kept (capped) for its error
// message. A cancel, or a server silent for `idleTimeoutSeconds`, ends the transfer.
class HttpStream
{
public:
    struct Request
    {
        std::string url;
        std::vector<std::string> headers; // "name: value"
        std::string body;
        int connectTimeoutSeconds = 15;
        int idleTimeoutSeconds = 120;
    };

    struct Outcome
    {
        bool started = false; // libcurl could be set up at all
        int curlCode = 0; // CURLcode; 0 is CURLE_OK
        std::string curlError;
        long status = 0; // 0: no HTTP answer
        bool idleTimedOut = false;
        std::string errorBody; // a non-200 answer's body
        std::string retryAfter; // the answer's retry-after header, if any
    };

    static Outcome post(const Request &request, const std::function<void(std::string_view)> &onData,
                        const base::CancelToken &cancel);
};

} // namespace tandem::llm
