#include "vcs/credentialprovider.h"

#include "vcs/repositorysource.h"
#include "vcs/vcslogging.h"

#include <QUrl>

#include <git2/errors.h>

namespace tandem::vcs::detail {

namespace {

// The most requests one operation may make: a username, a key and a password at most, so a
// remote that keeps answering 401 cannot keep Tandem asking.
constexpr int kMaxRequests = 3;

const char *tokenUsername(const Credentials &credentials, const char *usernameFromUrl,
                          QByteArray &storage)
{
    if (!credentials.username.isEmpty()) {
        storage = credentials.username.toUtf8();
        return storage.constData();
    }
    if (usernameFromUrl && *usernameFromUrl)
        return usernameFromUrl;
    return "x-access-token";
}

} // namespace

CredentialProvider::CredentialProvider(Credentials credentials)
    : m_credentials(std::move(credentials))
{
    if (!m_credentials.token.isEmpty())
        m_secrets << m_credentials.token;
}

int CredentialProvider::callback(git_credential **out, const char *url, const char *usernameFromUrl,
                                 unsigned int allowedTypes, void *payload)
{
    auto *provider = static_cast<CredentialProvider *>(payload);
    return provider->acquire(out, url, usernameFromUrl, allowedTypes);
}

int CredentialProvider::acquire(git_credential **out, const char *url, const char *usernameFromUrl,
                                unsigned int allowedTypes)
{
    const QString address = QString::fromUtf8(url ? url : "");
    if (++m_requests > kMaxRequests)
        return refuse(QStringLiteral("the remote kept asking for credentials"));

    if (allowedTypes & GIT_CREDENTIAL_USERPASS_PLAINTEXT) {
        if (!m_credentials.token.isEmpty())
            return fromToken(out, usernameFromUrl);
        return fromHelper(out, address, usernameFromUrl);
    }
    if (allowedTypes & GIT_CREDENTIAL_SSH_KEY)
        return fromAgent(out, usernameFromUrl);
    if (allowedTypes & GIT_CREDENTIAL_USERNAME)
        return git_credential_username_new(out, usernameFromUrl ? usernameFromUrl : "git");

    return refuse(QStringLiteral("the remote asks for a kind of credential Tandem cannot give"));
}

int CredentialProvider::fromToken(git_credential **out, const char *usernameFromUrl)
{
    if (++m_passwordRequests > 1)
        return refuse(QStringLiteral("the remote refused the token"));

    qCInfo(lcVcs) << "answering the remote with the token the host holds";
    QByteArray username;
    const QByteArray token = m_credentials.token.toUtf8();
    return git_credential_userpass_plaintext_new(
        out, tokenUsername(m_credentials, usernameFromUrl, username), token.constData());
}

int CredentialProvider::fromHelper(git_credential **out, const QString &url,
                                   const char *usernameFromUrl)
{
    if (++m_passwordRequests > 1) {
        if (m_helper && m_helperCredential)
            m_helper->reject(*m_helperCredential);
        m_helperCredential.reset();
        return refuse(QStringLiteral("the remote refused the credential helper's answer"));
    }

    QString username = m_credentials.username;
    if (username.isEmpty() && usernameFromUrl)
        username = QString::fromUtf8(usernameFromUrl);

    qCInfo(lcVcs).noquote() << "asking the git credential helper for"
                            << RepositorySource::withoutCredentials(url);
    m_helper.emplace(url);
    auto filled = m_helper->fill(username);
    if (!filled)
        return refuse(filled.error().message);

    m_helperCredential = *filled;
    m_secrets << filled->password;
    return git_credential_userpass_plaintext_new(out, filled->username.toUtf8().constData(),
                                                 filled->password.toUtf8().constData());
}

int CredentialProvider::fromAgent(git_credential **out, const char *usernameFromUrl)
{
    if (++m_agentRequests > 1)
        return refuse(QStringLiteral("the remote refused the SSH agent's keys"));

    return git_credential_ssh_key_from_agent(out, usernameFromUrl ? usernameFromUrl : "git");
}

int CredentialProvider::refuse(const QString &reason)
{
    m_failed = true;
    m_failure = reason;
    qCInfo(lcVcs).noquote() << "giving up on authentication:" << reason;
    git_error_set_str(GIT_ERROR_NET, "authentication failed");
    return GIT_EAUTH;
}

QString CredentialProvider::failureMessage(const QString &displayUrl) const
{
    return QStringLiteral("authentication failed for %1 (%2): set TANDEM_GIT_TOKEN or "
                          "configure a git credential helper")
        .arg(displayUrl, scrub(m_failure));
}

void CredentialProvider::confirm()
{
    if (!m_helper || !m_helperCredential)
        return;

    m_helper->approve(*m_helperCredential);
    m_helperCredential.reset();
}

QString CredentialProvider::scrub(QString text) const
{
    for (const QString &secret : m_secrets) {
        if (secret.isEmpty())
            continue;
        text.replace(secret, QStringLiteral("***"));
        text.replace(QString::fromLatin1(QUrl::toPercentEncoding(secret)), QStringLiteral("***"));
    }
    return text;
}

} // namespace tandem::vcs::detail
