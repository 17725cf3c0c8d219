#include "sandbox/hostallowlist.h"

#include <QtTest>

using namespace tandem;
using sandbox::HostAllowlist;

namespace {

HostAllowlist listOf(const QStringList &patterns)
{
    auto list = HostAllowlist::parse(patterns);
    if (!list)
        qFatal("allowlist did not parse: %s", qPrintable(list.error().message));
    return *list;
}

} // namespace

class tst_HostAllowlist : public QObject
{
    Q_OBJECT

private slots:
    void normalisesPatterns_data();
    void normalisesPatterns();
    void refusesBadPatterns_data();
    void refusesBadPatterns();
    void errorNamesTheEntry();
    void allows_data();
    void allows();
    void covers_data();
    void covers();
    void emptyListAllowsNothing();
};

void tst_HostAllowlist::normalisesPatterns_data()
{
    QTest::addColumn<QString>("pattern");
    QTest::addColumn<QString>("normalised");

    QTest::newRow("name") << "pypi.org"
                          << "pypi.org";
    QTest::newRow("upper case") << "PyPI.Org"
                                << "pypi.org";
    QTest::newRow("trailing dot") << "pypi.org."
                                  << "pypi.org";
    QTest::newRow("spaces around") << "  pypi.org "
                                   << "pypi.org";
    QTest::newRow("port") << "registry.example:8443"
                          << "registry.example:8443";
    QTest::newRow("wildcard") << "*.NPMJS.org"
                              << "*.npmjs.org";
    QTest::newRow("wildcard and port") << "*.npmjs.org:443"
                                       << "*.npmjs.org:443";
    QTest::newRow("ipv4") << "127.0.0.1:4567"
                          << "127.0.0.1:4567";
    QTest::newRow("ipv6 bracketed") << "[::1]:80"
                                    << "[::1]:80";
    QTest::newRow("ipv6 long form") << "[0:0:0:0:0:0:0:1]"
                                    << "[::1]";
    QTest::newRow("ipv6 bare") << "::1"
                               << "[::1]";
    QTest::newRow("ipv6 upper case") << "[FE80::ABCD]"
                                     << "[fe80::abcd]";
    QTest::newRow("punycode") << "xn--bcher-kva.example"
                              << "xn--bcher-kva.example";
    QTest::newRow("single label") << "localhost:8080"
                                  << "localhost:8080";
}

void tst_HostAllowlist::normalisesPatterns()
{
    QFETCH(QString, pattern);
    QFETCH(QString, normalised);

    const auto list = HostAllowlist::parse({pattern});
    QVERIFY2(list.has_value(), qPrintable(list ? QString() : list.error().message));
    QCOMPARE(list->patterns(), QStringList{normalised});
}

void tst_HostAllowlist::refusesBadPatterns_data()
{
    QTest::addColumn<QString>("pattern");

    QTest::newRow("empty") << "";
    QTest::newRow("blank") << "   ";
    QTest::newRow("scheme") << "https://pypi.org";
    QTest::newRow("path") << "pypi.org/simple";
    QTest::newRow("userinfo") << "user@pypi.org";
    QTest::newRow("userinfo with password") << "user:secret@pypi.org";
    QTest::newRow("percent") << "pypi%2eorg";
    QTest::newRow("ipv6 zone") << "[fe80::1%eth0]";
    QTest::newRow("empty label") << "pypi..org";
    QTest::newRow("leading dot") << ".pypi.org";
    QTest::newRow("two trailing dots") << "pypi.org..";
    QTest::newRow("idn") << "bücher.example";
    QTest::newRow("underscore") << "my_host.example";
    QTest::newRow("hyphen at edge") << "-pypi.org";
    QTest::newRow("wildcard inside") << "a.*.example";
    QTest::newRow("wildcard without dot") << "*pypi.org";
    QTest::newRow("bare wildcard") << "*";
    QTest::newRow("wildcard on a tld") << "*.org";
    QTest::newRow("wildcard on an address") << "*.0.0.1";
    QTest::newRow("decimal ipv4") << "2130706433";
    QTest::newRow("hex ipv4") << "0x7f.1";
    QTest::newRow("short ipv4") << "127.1";
    QTest::newRow("octal ipv4") << "0177.0.0.1";
    QTest::newRow("ipv4 out of range") << "256.0.0.1";
    QTest::newRow("port zero") << "pypi.org:0";
    QTest::newRow("port too big") << "pypi.org:65536";
    QTest::newRow("port not a number") << "pypi.org:https";
    QTest::newRow("port empty") << "pypi.org:";
    QTest::newRow("port leading zero") << "pypi.org:0443";
    QTest::newRow("ipv6 port empty") << "[::1]:";
    QTest::newRow("ipv6 unclosed") << "[::1";
    QTest::newRow("ipv6 junk after") << "[::1]x";
    QTest::newRow("not ipv6") << "[pypi.org]";
    QTest::newRow("too many colons") << "a:b:c";
    QTest::newRow("long label") << QString(64, u'a') + ".example";
}

void tst_HostAllowlist::refusesBadPatterns()
{
    QFETCH(QString, pattern);

    const auto list = HostAllowlist::parse({QStringLiteral("pypi.org"), pattern});
    QVERIFY(!list.has_value());
    QCOMPARE(list.error().code, QStringLiteral("allowlist_invalid"));
}

void tst_HostAllowlist::errorNamesTheEntry()
{
    const auto list = HostAllowlist::parse({QStringLiteral("pypi.org"), QStringLiteral("0x7f.1")});
    QVERIFY(!list.has_value());
    QVERIFY2(list.error().message.contains(QStringLiteral("\"0x7f.1\"")),
             qPrintable(list.error().message));
    QVERIFY(list.error().message.contains(QStringLiteral("127.0.0.1:4567")));
    QVERIFY(!list.error().message.contains(u'\n'));
}

void tst_HostAllowlist::allows_data()
{
    QTest::addColumn<QString>("host");
    QTest::addColumn<int>("port");
    QTest::addColumn<bool>("allowed");

    QTest::newRow("listed name on 443") << "pypi.org" << 443 << true;
    QTest::newRow("listed name on 80") << "pypi.org" << 80 << true;
    QTest::newRow("listed name, other port") << "pypi.org" << 22 << false;
    QTest::newRow("upper case") << "PYPI.ORG" << 443 << true;
    QTest::newRow("trailing dot") << "pypi.org." << 443 << true;
    QTest::newRow("two trailing dots") << "pypi.org.." << 443 << false;
    QTest::newRow("subdomain of a name") << "evil.pypi.org" << 443 << false;
    QTest::newRow("name as a suffix") << "notpypi.org" << 443 << false;
    QTest::newRow("name as a prefix") << "pypi.org.evil.example" << 443 << false;
    QTest::newRow("wildcard subdomain") << "registry.npmjs.org" << 443 << true;
    QTest::newRow("wildcard deep subdomain") << "a.b.npmjs.org" << 443 << true;
    QTest::newRow("wildcard apex") << "npmjs.org" << 443 << false;
    QTest::newRow("wildcard look-alike") << "evilnpmjs.org" << 443 << false;
    QTest::newRow("explicit port") << "registry.example" << 8443 << true;
    QTest::newRow("explicit port only") << "registry.example" << 443 << false;
    QTest::newRow("listed ipv4") << "127.0.0.1" << 4567 << true;
    QTest::newRow("listed ipv4, other port") << "127.0.0.1" << 4568 << false;
    QTest::newRow("decimal ipv4") << "2130706433" << 4567 << false;
    QTest::newRow("hex ipv4") << "0x7f.1" << 4567 << false;
    QTest::newRow("hex ipv4 full") << "0x7f.0x0.0x0.0x1" << 4567 << false;
    QTest::newRow("octal ipv4") << "0177.0.0.1" << 4567 << false;
    QTest::newRow("short ipv4") << "127.1" << 4567 << false;
    QTest::newRow("ipv4 trailing dot") << "127.0.0.1." << 4567 << true;
    QTest::newRow("ipv6 listed") << "[::1]" << 80 << true;
    QTest::newRow("ipv6 without brackets") << "::1" << 80 << true;
    QTest::newRow("ipv6 long form") << "[0::0:1]" << 80 << true;
    QTest::newRow("ipv4-mapped ipv6") << "[::ffff:127.0.0.1]" << 4567 << false;
    QTest::newRow("ipv6 zone") << "[::1%lo]" << 80 << false;
    QTest::newRow("unlisted ipv6") << "[::2]" << 80 << false;
    QTest::newRow("userinfo") << "user@pypi.org" << 443 << false;
    QTest::newRow("percent-encoded") << "pypi%2eorg" << 443 << false;
    QTest::newRow("empty") << "" << 443 << false;
    QTest::newRow("space") << "pypi.org " << 443 << false;
    QTest::newRow("nul") << QStringLiteral("pypi.org") + QChar(0) << 443 << false;
    QTest::newRow("idn look-alike") << QStringLiteral("pypі.org") << 443 << false;
    QTest::newRow("wildcard as a host") << "*.npmjs.org" << 443 << false;
    QTest::newRow("port zero") << "pypi.org" << 0 << false;
    QTest::newRow("port out of range") << "pypi.org" << 65979 << false;
}

void tst_HostAllowlist::allows()
{
    QFETCH(QString, host);
    QFETCH(int, port);
    QFETCH(bool, allowed);

    const HostAllowlist list =
        listOf({"pypi.org", "*.npmjs.org", "registry.example:8443", "127.0.0.1:4567", "[::1]:80"});
    QCOMPARE(list.allows(host, port), allowed);
}

void tst_HostAllowlist::covers_data()
{
    QTest::addColumn<QString>("pattern");
    QTest::addColumn<bool>("covered");

    QTest::newRow("same name") << "pypi.org" << true;
    QTest::newRow("same name, default port") << "pypi.org:443" << true;
    QTest::newRow("same name, other port") << "pypi.org:8080" << false;
    QTest::newRow("name under a wildcard") << "registry.npmjs.org" << true;
    QTest::newRow("same wildcard") << "*.npmjs.org" << true;
    QTest::newRow("narrower wildcard") << "*.eu.npmjs.org" << true;
    QTest::newRow("wildcard over a name") << "*.pypi.org" << false;
    QTest::newRow("wider wildcard") << "*.org" << false;
    QTest::newRow("apex of a wildcard") << "npmjs.org" << false;
    QTest::newRow("port-only entry, both ports asked") << "registry.example" << false;
    QTest::newRow("port-only entry, its port") << "registry.example:8443" << true;
    QTest::newRow("listed address") << "127.0.0.1:4567" << true;
    QTest::newRow("address, default ports") << "127.0.0.1" << false;
    QTest::newRow("ipv6 long form") << "[0::1]:80" << true;
    QTest::newRow("unlisted name") << "evil.example" << false;
    QTest::newRow("invalid pattern") << "pypi..org" << false;
}

void tst_HostAllowlist::covers()
{
    QFETCH(QString, pattern);
    QFETCH(bool, covered);

    const HostAllowlist list =
        listOf({"pypi.org", "*.npmjs.org", "registry.example:8443", "127.0.0.1:4567", "[::1]:80"});
    QCOMPARE(list.covers(pattern), covered);
}

void tst_HostAllowlist::emptyListAllowsNothing()
{
    const HostAllowlist list = listOf({});
    QVERIFY(list.isEmpty());
    QVERIFY(!list.allows(QStringLiteral("pypi.org"), 443));
    QVERIFY(!list.covers(QStringLiteral("pypi.org")));
    QVERIFY(!HostAllowlist().allows(QStringLiteral("127.0.0.1"), 80));

    const HostAllowlist twice = listOf({"pypi.org", "PYPI.org.", "pypi.org:443"});
    QCOMPARE(twice.patterns(), (QStringList{"pypi.org", "pypi.org:443"}));
}

QTEST_GUILESS_MAIN(tst_HostAllowlist)
#include "tst_hostallowlist.moc"
