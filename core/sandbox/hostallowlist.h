#pragma once

#include "base/error.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace tandem::sandbox {

// The hosts a sandbox may reach through Tandem's proxy. Each entry is a host name
// ("pypi.org"), a subdomain pattern ("*.npmjs.org": every subdomain, not npmjs.org itself), an
// IPv4 address in dotted decimal or an IPv6 address in brackets, each with an optional ":port"
// (without one: ports 80 and 443). Names are compared in their normalised form (lower case,
// no trailing dot, ASCII or punycode) and nothing is ever resolved here: an address is allowed
// only when it is listed as one, never because a listed name resolves to it.
//
//     auto list = HostAllowlist::parse({"pypi.org", "*.npmjs.org", "127.0.0.1:4567"});
//     list->allows("registry.npmjs.org", 443); // true
//     list->allows("npmjs.org", 443);          // false: the pattern names subdomains only
class HostAllowlist
{
public:
    HostAllowlist() = default;

    // Fails on the first entry that is not valid, naming it and showing what a valid one is.
    static base::Result<HostAllowlist> parse(const QStringList &patterns);

    // `host` exactly as the client sent it (a name, a dotted address, an IPv6 address with or
    // without brackets); anything that is not a clean name or address is refused.
    bool allows(const QString &host, int port) const;

    // Whether every host and port that `pattern` admits is allowed here too: a repository's
    // request passes only where it stays within what the user allows.
    bool covers(const QString &pattern) const;

    QStringList patterns() const;
    bool isEmpty() const;

private:
    enum class Kind { Name, Subdomains, IPv4, IPv6 };

    struct Host
    {
        Kind kind = Kind::Name;
        QString text; // normalised; for Subdomains the domain after "*.", IPv6 without brackets
    };

    struct Entry
    {
        Host host;
        int port = 0; // 0: the default ports
    };

    static base::Result<Entry> parseEntry(const QString &pattern);
    static base::Result<Host> parseHost(QString host, bool wildcardAllowed);
    static bool admitsPort(const Entry &entry, int port);
    static bool entryAdmits(const Entry &entry, const Host &host, int port);
    static QString format(const Entry &entry);

    QList<Entry> m_entries;
};

} // namespace tandem::sandbox
