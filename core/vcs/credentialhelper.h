#pragma once

#include "base/error.h"

#include <QByteArray>
#include <QString>

namespace tandem::vcs::detail {

struct HelperCredential
{
    QString username;
    QString password;
};

// Asks the user's own git credential helpers, through `git credential`, for the credential of
// one URL, and tells them afterwards whether it worked. The request travels on stdin so that
// nothing secret shows in a process list, and git may never prompt: Tandem has no terminal.
class CredentialHelper
{
public:
    explicit CredentialHelper(const QString &url);

    base::Result<HelperCredential> fill(const QString &username) const;
    void approve(const HelperCredential &credential) const;
    void reject(const HelperCredential &credential) const;

private:
    QByteArray request(const QString &username, const QString &password) const;
    base::Result<QByteArray> run(const QString &action, const QByteArray &input,
                                 int timeoutMs) const;

    QString m_protocol;
    QString m_host;
    QString m_path;
};

} // namespace tandem::vcs::detail
