#include "vcs/credentialhelper.h"

#include "vcs/vcslogging.h"

#include <QProcess>
#include <QStandardPaths>
#include <QUrl>

namespace tandem::vcs::detail {

namespace {

constexpr int kFillTimeoutMs = 20'000;
constexpr int kStoreTimeoutMs = 10'000;

// git refuses a request whose values hold a line break or NUL; refusing them first keeps a
// crafted URL from adding fields of its own.
bool isSafeValue(const QString &value)
{
    return !value.contains(QLatin1Char('\n')) && !value.contains(QChar(0));
}

QProcessEnvironment helperEnvironment()
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("GIT_TERMINAL_PROMPT"), QStringLiteral("0"));
    // An empty GIT_ASKPASS also stops git from falling back to SSH_ASKPASS or core.askPass.
    env.insert(QStringLiteral("GIT_ASKPASS"), QString());
    return env;
}

} // namespace

CredentialHelper::CredentialHelper(const QString &url)
{
    const QUrl parsed(url);
    m_protocol = parsed.scheme();
    m_host = parsed.authority(QUrl::RemoveUserInfo | QUrl::FullyEncoded);
    m_path = parsed.path(QUrl::FullyEncoded).mid(1);
}

base::Result<HelperCredential> CredentialHelper::fill(const QString &username) const
{
    if (m_protocol.isEmpty() || m_host.isEmpty())
        return base::fail(QStringLiteral("auth_failed"),
                          QStringLiteral("git credential helpers need a URL with a host"));

    auto output = run(QStringLiteral("fill"), request(username, {}), kFillTimeoutMs);
    if (!output)
        return std::unexpected(output.error());

    HelperCredential credential;
    for (const QByteArray &line : output->split('\n')) {
        if (line.startsWith("username="))
            credential.username = QString::fromUtf8(line.mid(9));
        else if (line.startsWith("password="))
            credential.password = QString::fromUtf8(line.mid(9));
    }
    output->fill('\0');

    if (credential.password.isEmpty())
        return base::fail(QStringLiteral("auth_failed"),
                          QStringLiteral("the git credential helper gave no password"));
    return credential;
}

void CredentialHelper::approve(const HelperCredential &credential) const
{
    run(QStringLiteral("approve"), request(credential.username, credential.password),
        kStoreTimeoutMs);
}

void CredentialHelper::reject(const HelperCredential &credential) const
{
    run(QStringLiteral("reject"), request(credential.username, credential.password),
        kStoreTimeoutMs);
}

QByteArray CredentialHelper::request(const QString &username, const QString &password) const
{
    QByteArray text;
    const auto add = [&text](const char *key, const QString &value) {
        if (value.isEmpty() || !isSafeValue(value))
            return;
        text += key;
        text += '=';
        text += value.toUtf8();
        text += '\n';
    };

    add("protocol", m_protocol);
    add("host", m_host);
    add("path", m_path);
    add("username", username);
    add("password", password);
    text += '\n';
    return text;
}

base::Result<QByteArray> CredentialHelper::run(const QString &action, const QByteArray &input,
                                               int timeoutMs) const
{
    const QString git = QStandardPaths::findExecutable(QStringLiteral("git"));
    if (git.isEmpty())
        return base::fail(QStringLiteral("auth_failed"),
                          QStringLiteral("git is not installed, so no credential helper can "
                                         "be asked"));

    QProcess process;
    process.setProcessEnvironment(helperEnvironment());
    process.start(git, {QStringLiteral("credential"), action});
    if (!process.waitForStarted(timeoutMs))
        return base::fail(QStringLiteral("auth_failed"),
                          QStringLiteral("cannot start git credential %1").arg(action));

    process.write(input);
    process.closeWriteChannel();

    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished();
        qCWarning(lcVcs) << "git credential" << action << "did not answer in time";
        return base::fail(QStringLiteral("auth_failed"),
                          QStringLiteral("git credential %1 did not answer in time").arg(action));
    }

    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        // A helper's own error output may echo what it was given, so only the code is logged.
        qCInfo(lcVcs) << "git credential" << action << "for" << m_protocol << m_host
                      << "exited with" << process.exitCode();
        return base::fail(QStringLiteral("auth_failed"),
                          QStringLiteral("git credential %1 failed").arg(action));
    }
    return process.readAllStandardOutput();
}

} // namespace tandem::vcs::detail
