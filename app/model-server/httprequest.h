#pragma once

#include <map>
#include <string>

namespace tandem::modelserver {

// One HTTP/1.1 request as read from a connection. Header names are lower case.
struct HttpRequest
{
    std::string method;
    std::string target;
    std::string version;
    std::map<std::string, std::string> headers;
    std::string body;

    // The header's value, or an empty string.
    std::string header(const std::string &lowerCaseName) const;

    // The target without its query string.
    std::string path() const;

    bool keepAlive() const;
};

} // namespace tandem::modelserver
