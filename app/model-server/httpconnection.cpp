#include "httpconnection.h"

#include "logging.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <ctime>

#include <sys/socket.h>
#include <unistd.h>

namespace tandem::modelserver {

namespace {

constexpr std::size_t kReadSize = 64 * 1024;
constexpr std::size_t kMaxHeadBytes = 64 * 1024;
// Conversations with screenshots grow large; the API itself allows about 32 MB.
constexpr std::size_t kMaxBodyBytes = 64 * 1024 * 1024;

std::string lowerCase(std::string text)
{
    std::ranges::transform(text, text.begin(),
                           [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

std::string trimmed(std::string_view text)
{
    const auto first = text.find_first_not_of(" \t");
    if (first == std::string_view::npos)
        return {};
    return std::string(text.substr(first, text.find_last_not_of(" \t") - first + 1));
}

const char *reasonPhrase(int status)
{
    switch (status) {
    case 100:
        return "Continue";
    case 200:
        return "OK";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 413:
        return "Payload Too Large";
    default:
        return "Internal Server Error";
    }
}

std::string httpDate()
{
    const std::time_t now = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&now, &utc);

    char text[64];
    const std::size_t length = std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", &utc);
    return std::string(text, length);
}

} // namespace

HttpConnection::HttpConnection(int socket)
    : m_socket(socket)
{}

HttpConnection::~HttpConnection()
{
    ::close(m_socket);
}

std::expected<HttpRequest, HttpConnection::ReadError> HttpConnection::readRequest()
{
    HttpRequest request;
    if (auto head = readHead(request); !head)
        return std::unexpected(head.error());
    if (auto body = readBody(request); !body)
        return std::unexpected(body.error());
    return request;
}

bool HttpConnection::sendResponse(int status, const Headers &headers, std::string_view body)
{
    Headers all = headers;
    all.emplace_back("Content-Length", std::to_string(body.size()));
    return sendAll(head(status, all) + std::string(body));
}

std::string HttpConnection::head(int status, const Headers &headers)
{
    std::string text = "HTTP/1.1 " + std::to_string(status) + " " + reasonPhrase(status) + "\r\n";
    text += "Date: " + httpDate() + "\r\n";
    for (const auto &[name, value] : headers)
        text += name + ": " + value + "\r\n";
    return text + "\r\n";
}

bool HttpConnection::sendAll(std::string_view bytes)
{
    while (!bytes.empty()) {
        const ssize_t sent = ::send(m_socket, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (sent < 0 && errno == EINTR)
            continue;
        if (sent <= 0) {
            qCInfo(lcModelServer) << "the client went away while a response was written";
            return false;
        }
        bytes.remove_prefix(static_cast<std::size_t>(sent));
    }
    return true;
}

bool HttpConnection::readMore()
{
    char chunk[kReadSize];
    for (;;) {
        const ssize_t received = ::recv(m_socket, chunk, sizeof chunk, 0);
        if (received < 0 && errno == EINTR)
            continue;
        if (received <= 0)
            return false;
        m_buffer.append(chunk, static_cast<std::size_t>(received));
        return true;
    }
}

std::expected<std::string, HttpConnection::ReadError> HttpConnection::readLine()
{
    std::size_t end;
    while ((end = m_buffer.find("\r\n")) == std::string::npos) {
        if (m_buffer.size() > kMaxHeadBytes)
            return std::unexpected(ReadError::TooLarge);
        if (!readMore())
            return std::unexpected(m_buffer.empty() ? ReadError::Closed : ReadError::Malformed);
    }

    std::string line = m_buffer.substr(0, end);
    m_buffer.erase(0, end + 2);
    return line;
}

std::expected<void, HttpConnection::ReadError> HttpConnection::readExactly(std::size_t count,
                                                                           std::string &into)
{
    while (m_buffer.size() < count) {
        if (!readMore())
            return std::unexpected(ReadError::Malformed);
    }
    into.append(m_buffer, 0, count);
    m_buffer.erase(0, count);
    return {};
}

std::expected<void, HttpConnection::ReadError> HttpConnection::readHead(HttpRequest &request)
{
    auto line = readLine();
    while (line && line->empty())
        line = readLine();
    if (!line)
        return std::unexpected(line.error());

    const auto firstSpace = line->find(' ');
    const auto lastSpace = line->rfind(' ');
    if (firstSpace == std::string::npos || lastSpace == firstSpace)
        return std::unexpected(ReadError::Malformed);
    request.method = line->substr(0, firstSpace);
    request.target = line->substr(firstSpace + 1, lastSpace - firstSpace - 1);
    request.version = line->substr(lastSpace + 1);

    std::size_t headBytes = line->size();
    for (line = readLine(); line && !line->empty(); line = readLine()) {
        headBytes += line->size();
        const auto colon = line->find(':');
        if (colon == std::string::npos || headBytes > kMaxHeadBytes)
            return std::unexpected(headBytes > kMaxHeadBytes ? ReadError::TooLarge
                                                             : ReadError::Malformed);

        std::string &value = request.headers[lowerCase(line->substr(0, colon))];
        value += (value.empty() ? "" : ", ") + trimmed(std::string_view(*line).substr(colon + 1));
    }
    if (!line)
        return std::unexpected(ReadError::Malformed);
    return {};
}

std::expected<void, HttpConnection::ReadError> HttpConnection::readBody(HttpRequest &request)
{
    const bool chunked =
        lowerCase(request.header("transfer-encoding")).find("chunked") != std::string::npos;
    const std::string lengthText = request.header("content-length");

    std::size_t length = 0;
    if (!chunked && !lengthText.empty()) {
        const auto [end, error] =
            std::from_chars(lengthText.data(), lengthText.data() + lengthText.size(), length);
        if (error != std::errc() || end != lengthText.data() + lengthText.size())
            return std::unexpected(ReadError::Malformed);
        if (length > kMaxBodyBytes)
            return std::unexpected(ReadError::TooLarge);
    }

    // libcurl waits for this before it sends a large body.
    if (lowerCase(request.header("expect")) == "100-continue" && (chunked || length > 0)
        && !sendAll("HTTP/1.1 100 Continue\r\n\r\n"))
        return std::unexpected(ReadError::Closed);

    if (chunked)
        return readChunkedBody(request);
    return readExactly(length, request.body);
}

std::expected<void, HttpConnection::ReadError> HttpConnection::readChunkedBody(HttpRequest &request)
{
    for (;;) {
        const auto sizeLine = readLine();
        if (!sizeLine)
            return std::unexpected(ReadError::Malformed);

        std::size_t size = 0;
        const auto [end, error] =
            std::from_chars(sizeLine->data(), sizeLine->data() + sizeLine->size(), size, 16);
        if (error != std::errc())
            return std::unexpected(ReadError::Malformed);
        if (request.body.size() + size > kMaxBodyBytes)
            return std::unexpected(ReadError::TooLarge);

        if (size == 0)
            break;
        if (auto read = readExactly(size, request.body); !read)
            return read;
        if (const auto crlf = readLine(); !crlf || !crlf->empty())
            return std::unexpected(ReadError::Malformed);
    }

    // Trailer fields, if any, end with an empty line.
    for (auto trailer = readLine(); trailer; trailer = readLine()) {
        if (trailer->empty())
            return {};
    }
    return std::unexpected(ReadError::Malformed);
}

} // namespace tandem::modelserver
