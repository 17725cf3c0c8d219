#include "secrets/apikeystore.h"

#include <QDirIterator>
#include <QElapsedTimer>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

using namespace tandem;

namespace {

// Every file under `root` whose bytes contain `secret`.
QStringList filesContaining(const QString &root, const QByteArray &secret)
{
    QStringList found;
    QDirIterator it(root, QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        QFile file(it.next());
        if (file.open(QIODevice::ReadOnly) && file.readAll().contains(secret))
            found << file.fileName();
    }
    return found;
}

} // namespace

// Runs without a keyring first (as on CI), then with a Secret Service of its own: a private
// D-Bus session and gnome-keyring, in folders of the test's.
class tst_ApiKeyStore : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void withoutKeyringTheEnvironmentServes();
    void withoutKeyringNothingIsStored();
    void keyringHoldsTheKey();
    void cleanupTestCase();

private:
    bool startKeyring();

    QTemporaryDir m_home;
    QProcess m_bus;
    QProcess m_keyring;
};

void tst_ApiKeyStore::initTestCase()
{
    QVERIFY(m_home.isValid());
    qputenv("HOME", QFile::encodeName(m_home.path()));
    qputenv("XDG_CONFIG_HOME", QFile::encodeName(m_home.filePath(QStringLiteral(".config"))));
    qputenv("XDG_DATA_HOME", QFile::encodeName(m_home.filePath(QStringLiteral(".local/share"))));
    qunsetenv("DBUS_SESSION_BUS_ADDRESS");
    qunsetenv("ANTHROPIC_API_KEY");
}

void tst_ApiKeyStore::withoutKeyringTheEnvironmentServes()
{
    secrets::ApiKeyStore keys(QStringLiteral("Tandem test"));
    secrets::ApiKey missing = keys.find(QStringLiteral("anthropic"));
    QVERIFY(missing.isEmpty());
    QCOMPARE(missing.source, secrets::ApiKey::Source::None);
    QVERIFY2(missing.note.startsWith(QStringLiteral("No desktop keyring is running")),
             qPrintable(missing.note));
    QVERIFY(missing.note.contains(QStringLiteral("ANTHROPIC_API_KEY is not set")));

    qputenv("OPENAI_API_KEY", "sk-from-the-environment");
    const secrets::ApiKey found = keys.find(QStringLiteral("openai"));
    qunsetenv("OPENAI_API_KEY");
    QCOMPARE(found.value, QStringLiteral("sk-from-the-environment"));
    QCOMPARE(found.source, secrets::ApiKey::Source::Environment);
    QVERIFY2(found.note.contains(QStringLiteral("the key comes from OPENAI_API_KEY")),
             qPrintable(found.note));
}

void tst_ApiKeyStore::withoutKeyringNothingIsStored()
{
    const QByteArray secret = "sk-ant-never-on-disk-4711";
    secrets::ApiKeyStore keys(QStringLiteral("Tandem test"));
    const auto stored = keys.store(QStringLiteral("anthropic"), QString::fromLatin1(secret));

    QVERIFY(!stored.has_value());
    QCOMPARE(stored.error().code, QStringLiteral("keyring_unavailable"));
    QVERIFY2(stored.error().message.contains(QStringLiteral("never writes keys")),
             qPrintable(stored.error().message));
    QVERIFY(!stored.error().message.contains(QString::fromLatin1(secret)));
    QCOMPARE(filesContaining(m_home.path(), secret), QStringList());
}

bool tst_ApiKeyStore::startKeyring()
{
    const QString busPath = m_home.filePath(QStringLiteral("bus"));
    m_bus.start(QStringLiteral("dbus-daemon"),
                {QStringLiteral("--config-file=/usr/share/dbus-1/session.conf"),
                 QStringLiteral("--nofork"), QStringLiteral("--print-address=1"),
                 QStringLiteral("--address=unix:path=") + busPath});
    if (!m_bus.waitForStarted(5000) || !m_bus.waitForReadyRead(5000))
        return false;
    const QByteArray address = m_bus.readLine().trimmed();
    qputenv("DBUS_SESSION_BUS_ADDRESS", address);

    QDir(m_home.path()).mkpath(QStringLiteral("run"));
    QFile::setPermissions(m_home.filePath(QStringLiteral("run")),
                          QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("XDG_RUNTIME_DIR"), m_home.filePath(QStringLiteral("run")));
    m_keyring.setProcessEnvironment(environment);
    m_keyring.start(QStringLiteral("gnome-keyring-daemon"),
                    {QStringLiteral("--foreground"), QStringLiteral("--unlock"),
                     QStringLiteral("--components=secrets")});
    if (!m_keyring.waitForStarted(5000))
        return false;
    m_keyring.write("keyring password of the test");
    m_keyring.closeWriteChannel();

    // Bounded: the service is ready once it owns its name on the bus.
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < 10'000) {
        QProcess ask;
        ask.start(QStringLiteral("dbus-send"),
                  {QStringLiteral("--session"), QStringLiteral("--print-reply"),
                   QStringLiteral("--dest=org.freedesktop.DBus"), QStringLiteral("/"),
                   QStringLiteral("org.freedesktop.DBus.NameHasOwner"),
                   QStringLiteral("string:org.freedesktop.secrets")});
        ask.waitForFinished(3000);
        if (ask.readAllStandardOutput().contains("boolean true"))
            return true;
        QTest::qWait(100);
    }
    return false;
}

void tst_ApiKeyStore::keyringHoldsTheKey()
{
    if (QStandardPaths::findExecutable(QStringLiteral("gnome-keyring-daemon")).isEmpty())
        QSKIP("gnome-keyring is not installed (packaging/install-deps.sh installs it)");
    QVERIFY2(startKeyring(), "the private Secret Service did not start");

    const QByteArray secret = "sk-ant-in-the-keyring-0815";
    qputenv("ANTHROPIC_API_KEY", "sk-from-the-environment");
    secrets::ApiKeyStore keys(QStringLiteral("Tandem test"));
    const auto stored = keys.store(QStringLiteral("anthropic"), QString::fromLatin1(secret));
    QVERIFY2(stored.has_value(), stored ? "" : qPrintable(stored.error().message));

    // The keyring comes first; the environment is the fallback.
    const secrets::ApiKey found = keys.find(QStringLiteral("anthropic"));
    QCOMPARE(found.value, QString::fromLatin1(secret));
    QCOMPARE(found.source, secrets::ApiKey::Source::Keyring);
    QVERIFY(!found.note.contains(QString::fromLatin1(secret)));
    // The keyring's file is encrypted: the key is in no file in plain text.
    QCOMPARE(filesContaining(m_home.path(), secret), QStringList());

    QVERIFY(keys.forget(QStringLiteral("anthropic")).has_value());
    const secrets::ApiKey fallback = keys.find(QStringLiteral("anthropic"));
    QCOMPARE(fallback.source, secrets::ApiKey::Source::Environment);
    QVERIFY2(fallback.note.startsWith(QStringLiteral("The desktop keyring holds no anthropic key")),
             qPrintable(fallback.note));
    qunsetenv("ANTHROPIC_API_KEY");
}

void tst_ApiKeyStore::cleanupTestCase()
{
    for (QProcess *process : {&m_keyring, &m_bus}) {
        if (process->state() != QProcess::NotRunning) {
            process->terminate();
            if (!process->waitForFinished(3000))
                process->kill();
            process->waitForFinished(3000);
        }
    }
}

QTEST_GUILESS_MAIN(tst_ApiKeyStore)
#include "tst_apikeystore.moc"
