#pragma once

#include "httprequest.h"

#include <cstddef>
#include <expected>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tandem::modelserver {

// The server's side of one TCP connection: reads HTTP/1.1 requests (Content-Length or chunked
// bodies, answering "Expect: 100-continue") and writes responses. Owns and closes the socket.
class HttpConnection
{
public:
    enum class ReadError { Closed, Malformed, TooLarge };

    using Headers = std::vector<std::pair<std::string, std::string>>;

    explicit HttpConnection(int socket);
    ~HttpConnection();

    HttpConnection(const HttpConnection &) = delete;
    HttpConnection &operator=(const HttpConnection &) = delete;

    std::expected<HttpRequest, ReadError> readRequest();

    // A complete response with a Content-Length.
    bool sendResponse(int status, const Headers &headers, std::string_view body);

    // Status line and headers only, for a response whose body follows in chunks.
    static std::string head(int status, const Headers &headers);

    bool sendAll(std::string_view bytes);
    int socket() const { return m_socket; }

private:
    bool readMore();
    std::expected<void, ReadError> readHead(HttpRequest &request);
    std::expected<void, ReadError> readBody(HttpRequest &request);
    std::expected<void, ReadError> readChunkedBody(HttpRequest &request);
    std::expected<std::string, ReadError> readLine();
    std::expected<void, ReadError> readExactly(std::size_t count, std::string &into);

    int m_socket;
    std::string m_buffer;
};

} // namespace tandem::modelserver
