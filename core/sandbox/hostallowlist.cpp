#include "sandbox/hostallowlist.h"

#include <arpa/inet.h>

#include <algorithm>

namespace tandem::sandbox {

namespace {

constexpr int kMaxNameLength = 253;
constexpr int kMaxLabelLength = 63;

bool isDigits(QStringView text)
{
    return !text.isEmpty()
           && std::ranges::all_of(text, [](QChar c) { return c >= u'0' && c <= u'9'; });
}

bool isHexDigits(QStringView text)
{
    return std::ranges::all_of(
        text, [](QChar c) { return (c >= u'0' && c <= u'9') || (c >= u'a' && c <= u'f'); });
}

// Browsers and many resolvers read a name whose last label is a number ("2130706433",
// "0x7f.1", "127.1") as an IPv4 address; such a name is never a host name here.
bool looksNumeric(QStringView name)
{
    const QStringView last = name.mid(name.lastIndexOf(u'.') + 1);
    if (isDigits(last))
        return true;
    return last.startsWith(u"0x") && isHexDigits(last.mid(2));
}

// Four decimal numbers of 0 to 255 without leading zeros: the one spelling of an IPv4
// address that every program reads the same way.
bool isDottedQuad(QStringView text)
{
    const auto parts = text.split(u'.');
    if (parts.size() != 4)
        return false;
    return std::ranges::all_of(parts, [](QStringView part) {
        if (!isDigits(part) || part.size() > 3 || (part.size() > 1 && part.startsWith(u'0')))
            return false;
        return part.toInt() <= 255;
    });
}

bool isLabel(QStringView label)
{
    if (label.isEmpty() || label.size() > kMaxLabelLength)
        return false;
    if (label.startsWith(u'-') || label.endsWith(u'-'))
        return false;
    return std::ranges::all_of(label, [](QChar c) {
        return (c >= u'a' && c <= u'z') || (c >= u'0' && c <= u'9') || c == u'-';
    });
}

bool isAscii(QStringView text)
{
    return std::ranges::all_of(text,
                               [](QChar c) { return c.unicode() > 0x20 && c.unicode() < 0x7f; });
}

// The address in its shortest standard form, or an empty string if it is none.
QString canonicalIPv6(const QString &text)
{
    in6_addr address{};
    if (inet_pton(AF_INET6, text.toLatin1().constData(), &address) != 1)
        return {};
    char buffer[INET6_ADDRSTRLEN] = {};
    if (!inet_ntop(AF_INET6, &address, buffer, sizeof buffer))
        return {};
    return QString::fromLatin1(buffer);
}

base::Result<int> parsePort(QStringView text)
{
    if (!isDigits(text) || text.size() > 5 || text.startsWith(u'0'))
        return base::fail("allowlist_invalid", QStringLiteral("the port is not a number"));
    const int port = text.toInt();
    if (port < 1 || port > 65535)
        return base::fail("allowlist_invalid", QStringLiteral("the port is out of range"));
    return port;
}

// Spots the common mistakes in a pattern before the host itself is parsed, for a clearer
// message; parseHost() refuses the same characters on its own.
QString obviousMistake(const QString &pattern)
{
    if (pattern.contains(QStringLiteral("://")))
        return QStringLiteral("leave out the scheme");
    if (pattern.contains(u'@'))
        return QStringLiteral("a host takes no user name or password");
    if (pattern.contains(u'/') || pattern.contains(u'?') || pattern.contains(u'#'))
        return QStringLiteral("a host takes no path");
    if (pattern.contains(u'%'))
        return QStringLiteral("a host takes no percent-encoding or zone");
    if (!isAscii(pattern))
        return QStringLiteral("write international names in their ASCII (xn--) form");
    return {};
}

base::Error invalidEntry(const QString &pattern, const QString &why)
{
    return base::Error::make(
        QStringLiteral("allowlist_invalid"),
        QStringLiteral("The network.allow entry \"%1\" is not valid (%2): write a host name, "
                       "*.domain or an address, with an optional port, like pypi.org, "
                       "*.npmjs.org:443, 127.0.0.1:4567 or [::1]:80.")
            .arg(pattern, why));
}

} // namespace

base::Result<HostAllowlist> HostAllowlist::parse(const QStringList &patterns)
{
    HostAllowlist list;
    for (const QString &pattern : patterns) {
        auto entry = parseEntry(pattern);
        if (!entry)
            return std::unexpected(entry.error());

        const bool known = std::ranges::any_of(
            list.m_entries, [&](const Entry &other) { return format(other) == format(*entry); });
        if (!known)
            list.m_entries.append(*entry);
    }
    return list;
}

base::Result<HostAllowlist::Entry> HostAllowlist::parseEntry(const QString &pattern)
{
    const QString text = pattern.trimmed();
    if (text.isEmpty())
        return std::unexpected(invalidEntry(pattern, QStringLiteral("it is empty")));
    if (const QString mistake = obviousMistake(text); !mistake.isEmpty())
        return std::unexpected(invalidEntry(pattern, mistake));

    QString host = text;
    QString port;
    if (text.startsWith(u'[')) {
        const qsizetype close = text.indexOf(u']');
        if (close < 0)
            return std::unexpected(invalidEntry(pattern, QStringLiteral("a ] is missing")));
        host = text.left(close + 1);
        const QString rest = text.mid(close + 1);
        if (!rest.isEmpty() && !rest.startsWith(u':'))
            return std::unexpected(invalidEntry(pattern, QStringLiteral("text after the ]")));
        port = rest.mid(1);
        if (rest == u":")
            return std::unexpected(invalidEntry(pattern, QStringLiteral("the port is empty")));
    } else if (text.count(u':') == 1) {
        host = text.section(u':', 0, 0);
        port = text.section(u':', 1);
        if (port.isEmpty())
            return std::unexpected(invalidEntry(pattern, QStringLiteral("the port is empty")));
    }

    Entry entry;
    if (!port.isEmpty()) {
        auto number = parsePort(port);
        if (!number)
            return std::unexpected(invalidEntry(pattern, number.error().message));
        entry.port = *number;
    }

    auto parsed = parseHost(host, true);
    if (!parsed)
        return std::unexpected(invalidEntry(pattern, parsed.error().message));
    entry.host = *parsed;
    return entry;
}

base::Result<HostAllowlist::Host> HostAllowlist::parseHost(QString host, bool wildcardAllowed)
{
    const auto invalid = [](const char *why) {
        return std::unexpected(
            base::Error::make(QStringLiteral("allowlist_invalid"), QString::fromLatin1(why)));
    };
    if (host.isEmpty())
        return invalid("the host is empty");
    if (!isAscii(host))
        return invalid("write international names in their ASCII (xn--) form");

    const bool bracketed = host.startsWith(u'[') && host.endsWith(u']');
    if (bracketed || host.contains(u':')) {
        const QString address = canonicalIPv6(bracketed ? host.mid(1, host.size() - 2) : host);
        if (address.isEmpty())
            return invalid("not an IPv6 address");
        // "Any address" is no host: a connection to it reaches this machine's own services.
        if (address == QLatin1String("::"))
            return invalid("[::] means this machine, not a host");
        return Host{Kind::IPv6, address};
    }

    host = host.toLower();
    if (host.endsWith(u'.'))
        host.chop(1);

    Kind kind = Kind::Name;
    if (wildcardAllowed && host.startsWith(QStringLiteral("*."))) {
        kind = Kind::Subdomains;
        host = host.mid(2);
    }
    if (host.contains(u'*'))
        return invalid("a wildcard may only be a leading *.");

    if (looksNumeric(host)) {
        if (kind == Kind::Subdomains || !isDottedQuad(host))
            return invalid("write an IPv4 address as four decimal numbers, like 127.0.0.1");
        if (host.startsWith(QLatin1String("0.")))
            return invalid("0.x.x.x means this machine, not a host");
        return Host{Kind::IPv4, host};
    }

    if (host.size() > kMaxNameLength)
        return invalid("the name is too long");
    const auto labels = QStringView(host).split(u'.');
    if (!std::ranges::all_of(labels, isLabel))
        return invalid("a name is made of letters, digits and hyphens between dots");
    if (kind == Kind::Subdomains && labels.size() < 2)
        return invalid("a wildcard needs a domain of at least two labels");
    return Host{kind, host};
}

bool HostAllowlist::admitsPort(const Entry &entry, int port)
{
    return entry.port == 0 ? (port == 80 || port == 443) : port == entry.port;
}

bool HostAllowlist::entryAdmits(const Entry &entry, const Host &host, int port)
{
    if (!admitsPort(entry, port))
        return false;

    if (entry.host.kind == Kind::Subdomains)
        return host.kind == Kind::Name && host.text.endsWith(u'.' + entry.host.text);
    return host.kind == entry.host.kind && host.text == entry.host.text;
}

bool HostAllowlist::allows(const QString &host, int port) const
{
    if (port < 1 || port > 65535)
        return false;
    const auto parsed = parseHost(host, false);
    if (!parsed)
        return false;
    return std::ranges::any_of(
        m_entries, [&](const Entry &entry) { return entryAdmits(entry, *parsed, port); });
}

bool HostAllowlist::covers(const QString &pattern) const
{
    const auto wanted = parseEntry(pattern);
    if (!wanted)
        return false;

    const QList<int> ports = wanted->port == 0 ? QList<int>{80, 443} : QList<int>{wanted->port};
    return std::ranges::all_of(ports, [&](int port) {
        if (wanted->host.kind != Kind::Subdomains)
            return std::ranges::any_of(m_entries, [&](const Entry &entry) {
                return entryAdmits(entry, wanted->host, port);
            });

        // Only a pattern for the same domain or one above it admits every subdomain.
        const QString &domain = wanted->host.text;
        return std::ranges::any_of(m_entries, [&](const Entry &entry) {
            return admitsPort(entry, port) && entry.host.kind == Kind::Subdomains
                   && (domain == entry.host.text || domain.endsWith(u'.' + entry.host.text));
        });
    });
}

QString HostAllowlist::format(const Entry &entry)
{
    QString text = entry.host.text;
    if (entry.host.kind == Kind::IPv6)
        text = u'[' + text + u']';
    else if (entry.host.kind == Kind::Subdomains)
        text = QStringLiteral("*.") + text;
    if (entry.port != 0)
        text += u':' + QString::number(entry.port);
    return text;
}

QStringList HostAllowlist::patterns() const
{
    QStringList result;
    for (const Entry &entry : m_entries)
        result << format(entry);
    return result;
}

bool HostAllowlist::isEmpty() const
{
    return m_entries.isEmpty();
}

} // namespace tandem::sandbox
