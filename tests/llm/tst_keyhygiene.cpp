#include "llm/providersettings.h"

#include "../support/replayserver.h"
#include "../support/sseevents.h"

#include <QDirIterator>
#include <QProcess>
#include <QSettings>
#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>

using namespace tandem;

namespace {

QStringList filesContaining(const QString &root, const QByteArray &secret)
{
    QStringList found;
    QDirIterator it(root, QDir::Files | QDir::Hidden | QDir::System, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        QFile file(it.next());
        if (file.open(QIODevice::ReadOnly) && file.readAll().contains(secret))
            found << file.fileName();
    }
    return found;
}

bool git(const QString &folder, const QStringList &arguments)
{
    QProcess process;
    process.setWorkingDirectory(folder);
    process.start(QStringLiteral("git"), arguments);
    return process.waitForFinished(20'000) && process.exitCode() == 0;
}

} // namespace

// A whole headless run of the real `tandem` with a known fake key, every log at debug level,
// and the model chosen in the settings file: afterwards the key is in no file Tandem wrote
// (log, audit log, settings, workspace) and in none of its output, though the server got it.
class tst_KeyHygiene : public QObject
{
    Q_OBJECT

private slots:
    void keyNeverLeavesTheRequest();
};

void tst_KeyHygiene::keyNeverLeavesTheRequest()
{
    const QByteArray key =
        "sk-ant-api03-hygiene-" + QByteArray::number(QDateTime::currentMSecsSinceEpoch());
    QTemporaryDir home;
    const QString repo = home.filePath(QStringLiteral("project"));
    QVERIFY(QDir().mkpath(repo));
    QFile readme(repo + QStringLiteral("/README.md"));
    QVERIFY(readme.open(QIODevice::WriteOnly));
    readme.write("A project.\n");
    readme.close();
    QFile gitConfig(home.filePath(QStringLiteral(".gitconfig")));
    QVERIFY(gitConfig.open(QIODevice::WriteOnly));
    gitConfig.write("[user]\n\tname = Test User\n\temail = test@example.invalid\n");
    gitConfig.close();

    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("HOME"), home.path());
    environment.insert(QStringLiteral("XDG_CONFIG_HOME"), home.filePath(QStringLiteral(".config")));
    environment.insert(QStringLiteral("XDG_DATA_HOME"),
                       home.filePath(QStringLiteral(".local/share")));
    QVERIFY(git(repo, {QStringLiteral("init"), QStringLiteral("-q")}));
    qputenv("HOME", QFile::encodeName(home.path()));
    QVERIFY(git(repo, {QStringLiteral("add"), QStringLiteral("-A")}));
    QVERIFY(git(repo, {QStringLiteral("commit"), QStringLiteral("-qm"), QStringLiteral("Start")}));

    // The model as the dialog saves it: Anthropic, a model and a reply length, and no key.
    QSettings settings(home.filePath(QStringLiteral(".config/tandem/Tandem.conf")),
                       QSettings::IniFormat);
    llm::ProviderSettings chosen;
    chosen.configured = true;
    chosen.provider = llm::ProviderSettings::Provider::Anthropic;
    chosen.model = QStringLiteral("fake-model");
    chosen.maxTokens = 1000;
    chosen.save(settings);

    ReplayServer server(QList<ReplayServer::Response>{
        {"200 OK", {sseevents::textReply("Nothing needs to change.")}}});
    environment.insert(QStringLiteral("ANTHROPIC_API_KEY"), QString::fromLatin1(key));
    environment.insert(QStringLiteral("ANTHROPIC_BASE_URL"), server.baseUrl());
    environment.insert(QStringLiteral("QT_LOGGING_RULES"), QStringLiteral("tandem.*=true"));
    environment.remove(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"));

    QProcess tandem;
    tandem.setProcessEnvironment(environment);
    tandem.start(QStringLiteral(TANDEM_BINARY_DIR "/bin/tandem"),
                 {QStringLiteral("run"), QStringLiteral("--repo"), repo, QStringLiteral("--task"),
                  QStringLiteral("Check the readme")});
    QVERIFY(tandem.waitForFinished(60'000));
    const QByteArray output = tandem.readAllStandardOutput() + tandem.readAllStandardError();
    QVERIFY2(tandem.exitCode() == 0, output.constData());

    // The key did its job, with the settings file's model and reply length...
    const QByteArray head = server.requestHeads().value(0).toLower();
    QVERIFY(head.contains("\r\nx-api-key: " + key.toLower()));
    const auto body = nlohmann::json::parse(server.requestBodies().value(0).toStdString());
    QCOMPARE(body["model"], nlohmann::json("fake-model"));
    QCOMPARE(body["max_tokens"], nlohmann::json(1000));

    // ...and went nowhere else, though the log was written at debug level.
    const QString log = home.filePath(QStringLiteral(".local/share/tandem/tandem.log"));
    QFile logFile(log);
    QVERIFY(logFile.open(QIODevice::ReadOnly));
    const QByteArray logText = logFile.readAll();
    QVERIFY2(logText.contains("POST "), logText.constData());
    QVERIFY(logText.contains("the key comes from ANTHROPIC_API_KEY"));
    QVERIFY(QFile::exists(home.filePath(QStringLiteral(".local/share/tandem/audit.jsonl"))));
    QCOMPARE(filesContaining(home.path(), key), QStringList());
    QVERIFY(!output.contains(key));
    QFile settingsFile(settings.fileName());
    QVERIFY(settingsFile.open(QIODevice::ReadOnly));
    const QByteArray stored = settingsFile.readAll();
    QVERIFY2(stored.contains("provider=anthropic") && !stored.contains("sk-ant"),
             stored.constData());
}

QTEST_GUILESS_MAIN(tst_KeyHygiene)
#include "tst_keyhygiene.moc"
