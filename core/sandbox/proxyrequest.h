#pragma once

#include "base/error.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

namespace tandem::sandbox {

// One request a sandboxed program sent to Tandem's proxy, read from its head (the request line
// and headers, up to and including the empty line). Two kinds are understood: a CONNECT tunnel
// to host:port, and a plain HTTP request with an absolute http:// URL whose Host header names
// the same host and port. Everything else, and anything ambiguous that another server might
// read differently (a second Host header, userinfo, a bare LF, a folded header, both framing
// headers), is refused here, before any host is looked at.
class ProxyRequest
{
public:
    // Error codes: "proxy_malformed" (answer 400) and "proxy_length_required" (answer 411).
    static base::Result<ProxyRequest> parse(QByteArrayView head);

    QString method;
    QString host; // as the client wrote it; IPv6 addresses keep their brackets
    int port = 0;
    bool tunnel = false; // CONNECT

    // Plain HTTP only: the head to send upstream (origin form, hop-by-hop headers removed,
    // "Connection: close"), and how many body bytes follow the client's head.
    QByteArray upstreamHead;
    qint64 bodyLength = 0;
};

} // namespace tandem::sandbox
