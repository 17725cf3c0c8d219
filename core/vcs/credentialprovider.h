#pragma once

#include "vcs/credentialhelper.h"
#include "vcs/reviewworkspace.h"

#include <QString>
#include <QStringList>

#include <git2/credential.h>

#include <optional>

namespace tandem::vcs::detail {

// Answers libgit2's requests for credentials during one clone or push, from the host only:
// the token when one is set, else the user's git credential helper, else the SSH agent. Every
// source is tried once: a second request means the remote refused it, and asking again would
// only loop.
class CredentialProvider
{
public:
    explicit CredentialProvider(Credentials credentials);

    // The libgit2 callback, with this provider as its payload.
    static int callback(git_credential **out, const char *url, const char *usernameFromUrl,
                        unsigned int allowedTypes, void *payload);

    int acquire(git_credential **out, const char *url, const char *usernameFromUrl,
                unsigned int allowedTypes);

    bool authenticationFailed() const { return m_failed; }
    QString failureMessage(const QString &displayUrl) const;

    // Tells the credential helper that the credential it gave worked, so that it may keep it,
    // as git does after a successful transfer.
    void confirm();

    // Replaces every secret this provider handled, should one appear in `text`.
    QString scrub(QString text) const;

private:
    int fromToken(git_credential **out, const char *usernameFromUrl);
    int fromHelper(git_credential **out, const QString &url, const char *usernameFromUrl);
    int fromAgent(git_credential **out, const char *usernameFromUrl);
    int refuse(const QString &reason);

    Credentials m_credentials;
    int m_requests = 0;
    int m_passwordRequests = 0;
    int m_agentRequests = 0;
    bool m_failed = false;
    QString m_failure;
    std::optional<CredentialHelper> m_helper;
    std::optional<HelperCredential> m_helperCredential;
    QStringList m_secrets;
};

} // namespace tandem::vcs::detail
