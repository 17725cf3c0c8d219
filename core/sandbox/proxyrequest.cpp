#include "sandbox/proxyrequest.h"

#include <QList>

#include <algorithm>

namespace tandem::sandbox {

namespace {

struct Header
{
    QByteArray name; // lower case
    QByteArray value;
    QByteArray line; // as sent
};

struct Authority
{
    QString host;
    int port = 0;
};

// Headers that describe one hop, not the request: the proxy speaks for itself on both sides.
const char *const kHopByHop[] = {
    "connection", "proxy-connection", "keep-alive", "proxy-authorization", "proxy-authenticate",
    "te",         "trailer",          "upgrade"};

std::unexpected<base::Error> malformed(const char *why)
{
    return base::fail(QStringLiteral("proxy_malformed"), QString::fromLatin1(why));
}

bool isTokenChar(char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    return QByteArrayView("!#$%&'*+-.^_`|~").contains(c);
}

bool isToken(QByteArrayView text)
{
    return !text.isEmpty() && std::ranges::all_of(text, isTokenChar);
}

// Control characters other than a tab have no place in a head; a server that reads them
// differently from us is how requests get smuggled past a check. Header values may carry
// bytes above ASCII (obs-text); the request line may not.
bool hasControl(QByteArrayView text)
{
    return std::ranges::any_of(text, [](char c) {
        const auto byte = static_cast<unsigned char>(c);
        return (byte < 0x20 && byte != '\t') || byte == 0x7f;
    });
}

bool isVisibleAscii(QByteArrayView text)
{
    return std::ranges::all_of(text, [](char c) { return c > 0x20 && c < 0x7f; });
}

bool isAuthorityChar(char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    return c == '.' || c == '-' || c == ':' || c == '[' || c == ']';
}

int parsePort(QByteArrayView text)
{
    const bool digits = std::ranges::all_of(text, [](char c) { return c >= '0' && c <= '9'; });
    if (text.isEmpty() || text.size() > 5 || !digits || text.startsWith('0'))
        return 0;
    const int port = text.toInt();
    return port <= 65535 ? port : 0;
}

// host[:port] with nothing else: no userinfo, no percent-encoding, no path. `defaultPort` 0
// means the port must be given.
base::Result<Authority> parseAuthority(QByteArrayView text, int defaultPort)
{
    if (text.isEmpty() || !std::ranges::all_of(text, isAuthorityChar))
        return malformed("the host must be a plain name or address with an optional port");

    QByteArrayView host = text;
    QByteArrayView port;
    if (text.startsWith('[')) {
        const qsizetype close = text.indexOf(']');
        if (close < 0 || (close + 1 < text.size() && text.at(close + 1) != ':'))
            return malformed("an IPv6 address must be in brackets, followed only by a port");
        host = text.first(close + 1);
        port = text.sliced(close + 1);
    } else if (text.count(':') == 1) {
        host = text.first(text.indexOf(':'));
        port = text.sliced(text.indexOf(':'));
    } else if (text.contains(':')) {
        return malformed("an IPv6 address must be in brackets");
    }

    Authority authority{QString::fromLatin1(host), defaultPort};
    if (!port.isEmpty())
        authority.port = parsePort(port.sliced(1));
    if (authority.host.isEmpty() || authority.port == 0)
        return malformed("the host or its port is missing or not valid");
    return authority;
}

QString comparable(QString host)
{
    host = host.toLower();
    if (host.endsWith(u'.'))
        host.chop(1);
    return host;
}

bool sameAuthority(const Authority &a, const Authority &b)
{
    return a.port == b.port && comparable(a.host) == comparable(b.host);
}

base::Result<QList<Header>> parseHeaders(const QList<QByteArray> &lines)
{
    QList<Header> headers;
    for (const QByteArray &line : lines) {
        if (line.startsWith(' ') || line.startsWith('\t'))
            return malformed("folded header lines are not accepted");
        const qsizetype colon = line.indexOf(':');
        const QByteArray name = line.left(colon);
        if (colon < 0 || !isToken(name) || hasControl(line))
            return malformed("a header line is not valid");
        headers.append({name.toLower(), line.mid(colon + 1).trimmed(), line});
    }
    return headers;
}

QList<QByteArray> valuesOf(const QList<Header> &headers, QByteArrayView name)
{
    QList<QByteArray> values;
    for (const Header &header : headers) {
        if (header.name == name)
            values.append(header.value);
    }
    return values;
}

// The request as the upstream server sees it: origin form, our own Connection header, none of
// the hop-by-hop headers (nor those the client's Connection header named).
QByteArray upstreamHead(const QByteArray &method, const QByteArray &path, const QByteArray &version,
                        const QList<Header> &headers)
{
    QList<QByteArray> dropped(std::begin(kHopByHop), std::end(kHopByHop));
    for (const QByteArray &value : valuesOf(headers, "connection")) {
        for (const QByteArray &name : value.split(','))
            dropped.append(name.trimmed().toLower());
    }

    QByteArray head = method + ' ' + path + ' ' + version + "\r\n";
    for (const Header &header : headers) {
        if (!dropped.contains(header.name))
            head += header.line + "\r\n";
    }
    return head + "Connection: close\r\n\r\n";
}

base::Result<qint64> bodyLength(const QList<Header> &headers)
{
    if (!valuesOf(headers, "transfer-encoding").isEmpty()) {
        return base::fail(QStringLiteral("proxy_length_required"),
                          QStringLiteral("send the request body with a Content-Length"));
    }
    const QList<QByteArray> lengths = valuesOf(headers, "content-length");
    if (lengths.isEmpty())
        return 0;

    const QByteArray &length = lengths.first();
    const bool digits = std::ranges::all_of(length, [](char c) { return c >= '0' && c <= '9'; });
    if (lengths.size() > 1 || length.isEmpty() || length.size() > 15 || !digits)
        return malformed("the Content-Length is not one plain number");
    return length.toLongLong();
}

base::Status parsePlain(ProxyRequest &request, const QByteArray &target, const QByteArray &version,
                        const QList<Header> &headers)
{
    if (target.startsWith('/'))
        return malformed("send requests to the proxy with an absolute http:// URL");
    const qsizetype schemeEnd = target.indexOf("://");
    if (schemeEnd < 0 || target.left(schemeEnd).toLower() != "http")
        return malformed("only http:// URLs go as plain requests; use CONNECT for others");
    if (target.contains('#'))
        return malformed("a URL sent to the proxy has no fragment");

    const QByteArray rest = target.mid(schemeEnd + 3);
    const qsizetype pathStart = std::min(rest.indexOf('/') < 0 ? rest.size() : rest.indexOf('/'),
                                         rest.indexOf('?') < 0 ? rest.size() : rest.indexOf('?'));
    QByteArray path = rest.mid(pathStart);
    if (!path.startsWith('/'))
        path.prepend('/');

    const auto url = parseAuthority(QByteArrayView(rest).first(pathStart), 80);
    if (!url)
        return std::unexpected(url.error());

    const QList<QByteArray> hosts = valuesOf(headers, "host");
    if (hosts.size() != 1)
        return malformed("a request needs exactly one Host header");
    const auto named = parseAuthority(hosts.first(), 80);
    if (!named || !sameAuthority(*url, *named))
        return malformed("the Host header names another host than the URL");

    const auto length = bodyLength(headers);
    if (!length)
        return std::unexpected(length.error());

    request.host = url->host;
    request.port = url->port;
    request.bodyLength = *length;
    request.upstreamHead = upstreamHead(request.method.toLatin1(), path, version, headers);
    return {};
}

} // namespace

base::Result<ProxyRequest> ProxyRequest::parse(QByteArrayView head)
{
    if (!head.endsWith("\r\n\r\n"))
        return malformed("the request head does not end with an empty line");

    QList<QByteArray> lines = head.chopped(4).toByteArray().split('\n');
    for (qsizetype i = 0; i < lines.size(); ++i) {
        QByteArray &line = lines[i];
        if (!line.endsWith('\r') && i + 1 < lines.size())
            return malformed("lines must end with CR LF");
        if (line.endsWith('\r'))
            line.chop(1);
        if (line.contains('\r'))
            return malformed("a bare CR inside a line");
    }

    const QList<QByteArray> requestLine = lines.takeFirst().split(' ');
    if (requestLine.size() != 3 || !std::ranges::all_of(requestLine, isVisibleAscii))
        return malformed("the request line is not METHOD TARGET VERSION");
    const QByteArray &method = requestLine[0];
    const QByteArray &target = requestLine[1];
    const QByteArray &version = requestLine[2];
    if (!isToken(method) || target.isEmpty() || (version != "HTTP/1.1" && version != "HTTP/1.0"))
        return malformed("the request line is not METHOD TARGET HTTP/1.x");

    const auto headers = parseHeaders(lines);
    if (!headers)
        return std::unexpected(headers.error());

    ProxyRequest request;
    request.method = QString::fromLatin1(method);
    if (method == "CONNECT") {
        const auto authority = parseAuthority(target, 0);
        if (!authority)
            return std::unexpected(authority.error());
        request.tunnel = true;
        request.host = authority->host;
        request.port = authority->port;
        return request;
    }

    if (auto plain = parsePlain(request, target, version, *headers); !plain)
        return std::unexpected(plain.error());
    return request;
}

} // namespace tandem::sandbox
