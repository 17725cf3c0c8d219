// The desktop's colour scheme read from the freedesktop settings portal over a real D-Bus: a
// private dbus-daemon and a portal of the test's own, served from a thread of its own so that
// the blocking read has someone to answer it.
#include "ui/desktopcolorscheme.h"

#include <QDBusAbstractAdaptor>
#include <QDBusConnection>
#include <QDBusVariant>
#include <QProcess>
#include <QSignalSpy>
#include <QThread>
#include <QtTest>

using namespace tandem::ui;

namespace {

// The part of org.freedesktop.portal.Settings that Tandem uses.
class FakePortal : public QObject
{
    Q_OBJECT
    Q_CLASSINFO("D-Bus Interface", "org.freedesktop.portal.Settings")

public:
    std::atomic<uint> scheme{1};

public slots:
    QDBusVariant Read(const QString &group, const QString &key)
    {
        if (group != u"org.freedesktop.appearance" || key != u"color-scheme")
            return QDBusVariant(QVariant());
        // Read wraps the value twice, as the real portal does.
        return QDBusVariant(QVariant::fromValue(QDBusVariant(uint(scheme))));
    }

    void announce(uint value)
    {
        scheme = value;
        emit SettingChanged(QStringLiteral("org.freedesktop.appearance"),
                            QStringLiteral("color-scheme"), QDBusVariant(value));
    }

signals:
    void SettingChanged(const QString &group, const QString &key, const QDBusVariant &value);
};

} // namespace

class tst_DesktopPortal : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void portalDecidesAndChangesAreFollowed();
    void noPortalFallsBack();

private:
    QProcess m_daemon;
    QString m_address;
    QThread m_portalThread;
    FakePortal *m_portal = nullptr;
};

void tst_DesktopPortal::initTestCase()
{
    m_daemon.start(QStringLiteral("dbus-daemon"),
                   {QStringLiteral("--session"), QStringLiteral("--nofork"),
                    QStringLiteral("--nopidfile"), QStringLiteral("--print-address=1")});
    QVERIFY(m_daemon.waitForStarted(5000));
    QTRY_VERIFY_WITH_TIMEOUT(m_daemon.canReadLine(), 5000);
    m_address = QString::fromUtf8(m_daemon.readLine()).trimmed();
    QVERIFY(m_address.startsWith(u"unix:"));

    m_portal = new FakePortal;
    m_portal->moveToThread(&m_portalThread);
    m_portalThread.start();
    bool served = false;
    QMetaObject::invokeMethod(
        m_portal,
        [this, &served] {
            QDBusConnection bus = QDBusConnection::connectToBus(m_address, QStringLiteral("p"));
            served = bus.registerObject(QStringLiteral("/org/freedesktop/portal/desktop"), m_portal,
                                        QDBusConnection::ExportAllSlots
                                            | QDBusConnection::ExportAllSignals)
                     && bus.registerService(QStringLiteral("org.freedesktop.portal.Desktop"));
        },
        Qt::BlockingQueuedConnection);
    QVERIFY(served);
}

void tst_DesktopPortal::cleanupTestCase()
{
    QMetaObject::invokeMethod(
        m_portal,
        [this] {
            QDBusConnection::disconnectFromBus(QStringLiteral("p"));
            delete m_portal;
        },
        Qt::BlockingQueuedConnection);
    m_portalThread.quit();
    m_portalThread.wait();
    m_daemon.kill();
    m_daemon.waitForFinished();
}

void tst_DesktopPortal::portalDecidesAndChangesAreFollowed()
{
    qputenv("GTK_THEME", "Adwaita"); // a light hint the portal must win over
    QDBusConnection bus = QDBusConnection::connectToBus(m_address, QStringLiteral("client"));
    QVERIFY(bus.isConnected());

    DesktopColorScheme desktop(QColor(Qt::white), bus);
    QCOMPARE(desktop.current().scheme, ColorScheme::Dark);
    QCOMPARE(desktop.current().source, QStringLiteral("portal"));

    QSignalSpy changed(&desktop, &DesktopColorScheme::changed);
    QMetaObject::invokeMethod(m_portal, [this] { m_portal->announce(2); });
    QTRY_COMPARE_WITH_TIMEOUT(changed.count(), 1, 5000);
    QCOMPARE(changed.first().first().value<ColorScheme>(), ColorScheme::Light);
    QCOMPARE(desktop.current().scheme, ColorScheme::Light);

    // No preference: the next hint decides.
    qputenv("GTK_THEME", "Adwaita:dark");
    QMetaObject::invokeMethod(m_portal, [this] { m_portal->announce(0); });
    QTRY_COMPARE_WITH_TIMEOUT(changed.count(), 2, 5000);
    QCOMPARE(desktop.current().source, QStringLiteral("GTK_THEME"));
    QCOMPARE(desktop.current().scheme, ColorScheme::Dark);
    qunsetenv("GTK_THEME");
    m_portal->scheme = 1;
}

void tst_DesktopPortal::noPortalFallsBack()
{
    qputenv("GTK_THEME", "Adwaita:dark");
    DesktopColorScheme desktop(QColor(Qt::white), QDBusConnection(QStringLiteral("none")));
    QCOMPARE(desktop.current().source, QStringLiteral("GTK_THEME"));
    QCOMPARE(desktop.current().scheme, ColorScheme::Dark);
    qunsetenv("GTK_THEME");
}

QTEST_GUILESS_MAIN(tst_DesktopPortal)
#include "tst_desktopportal.moc"
