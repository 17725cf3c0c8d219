#include "httprequest.h"

#include <algorithm>
#include <cctype>

namespace tandem::modelserver {

std::string HttpRequest::header(const std::string &lowerCaseName) const
{
    const auto found = headers.find(lowerCaseName);
    return found == headers.end() ? std::string() : found->second;
}

std::string HttpRequest::path() const
{
    return target.substr(0, target.find('?'));
}

bool HttpRequest::keepAlive() const
{
    std::string connection = header("connection");
    std::ranges::transform(connection, connection.begin(),
                           [](unsigned char c) { return static_cast<char>(std::tolower(c)); });

    if (version == "HTTP/1.0")
        return connection.find("keep-alive") != std::string::npos;
    return connection.find("close") == std::string::npos;
}

} // namespace tandem::modelserver
