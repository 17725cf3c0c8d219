#include "llm/httpstream.h"

#include <QLoggingCategory>

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <mutex>

namespace tandem::llm {

Q_DECLARE_LOGGING_CATEGORY(lcLlm)

namespace {

constexpr size_t kErrorBodyCap = 64 * 1024;

struct Transfer
{
    using Clock = std::chrono::steady_clock;

    CURL *curl = nullptr;
    const std::function<void(std::string_view)> *onData = nullptr;
    const base::CancelToken *cancel = nullptr;
    std::chrono::seconds idleLimit{0};
    Clock::time_point lastByte = Clock::now();
    HttpStream::Outcome outcome;
};

size_t onBody(char *data, size_t size, size_t count, void *user)
{
    auto *transfer = static_cast<Transfer *>(user);
    const size_t bytes = size * count;
    transfer->lastByte = Transfer::Clock::now();

    long status = 0;
    curl_easy_getinfo(transfer->curl, CURLINFO_RESPONSE_CODE, &status);
    std::string &errorBody = transfer->outcome.errorBody;
    if (status == 200)
        (*transfer->onData)(std::string_view(data, bytes));
    else if (errorBody.size() < kErrorBodyCap)
        errorBody.append(data, std::min(bytes, kErrorBodyCap - errorBody.size()));
    return transfer->cancel->isCancelled() ? 0 : bytes;
}

size_t onHeader(char *data, size_t size, size_t count, void *user)
{
    auto *transfer = static_cast<Transfer *>(user);
    const size_t bytes = size * count;
    std::string line(data, bytes);
    // A new status line (after a 100 Continue, say) starts a new set of headers.
    if (line.starts_with("HTTP/"))
        transfer->outcome.retryAfter.clear();

    const size_t colon = line.find(':');
    if (colon == std::string::npos)
        return bytes;
    std::string name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    if (name == "retry-after") {
        std::string value = line.substr(colon + 1);
        const auto first = value.find_first_not_of(" \t");
        const auto last = value.find_last_not_of(" \t\r\n");
        transfer->outcome.retryAfter =
            first == std::string::npos ? std::string() : value.substr(first, last - first + 1);
    }
    return bytes;
}

int onProgress(void *user, curl_off_t, curl_off_t, curl_off_t, curl_off_t)
{
    // Called about once a second and on every read: how a cancel, or the silence of a server
    // that stopped sending (not even a ping), ends a quiet stream.
    auto *transfer = static_cast<Transfer *>(user);
    if (Transfer::Clock::now() - transfer->lastByte > transfer->idleLimit)
        transfer->outcome.idleTimedOut = true;
    return transfer->cancel->isCancelled() || transfer->outcome.idleTimedOut ? 1 : 0;
}

void initCurlOnce()
{
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

} // namespace

HttpStream::Outcome HttpStream::post(const Request &request,
                                     const std::function<void(std::string_view)> &onData,
                                     const base::CancelToken &cancel)
{
    initCurlOnce();
    Transfer transfer;
    transfer.curl = curl_easy_init();
    if (!transfer.curl)
        return transfer.outcome;
    transfer.outcome.started = true;
    transfer.onData = &onData;
    transfer.cancel = &cancel;
    transfer.idleLimit = std::chrono::seconds(request.idleTimeoutSeconds);

    curl_slist *headers = nullptr;
    for (const std::string &header : request.headers)
        headers = curl_slist_append(headers, header.c_str());

    CURL *curl = transfer.curl;
    curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(request.body.size()));
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, onBody);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &transfer);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, onHeader);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &transfer);
    curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, onProgress);
    curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &transfer);
    curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, long(request.connectTimeoutSeconds));

    // The URL and size only: headers carry the key.
    qCDebug(lcLlm, "POST %s (%zu bytes)", request.url.c_str(), request.body.size());
    const CURLcode code = curl_easy_perform(curl);
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &transfer.outcome.status);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);

    transfer.outcome.curlCode = int(code);
    if (code != CURLE_OK)
        transfer.outcome.curlError = curl_easy_strerror(code);
    return transfer.outcome;
}

} // namespace tandem::llm
