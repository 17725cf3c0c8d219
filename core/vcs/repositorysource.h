#pragma once

#include <QString>

namespace tandem::vcs::detail {

// What the user named as the repository: a path inside a local checkout, or a clone URL
// (scheme://... or the scp form user@host:path).
class RepositorySource
{
public:
    static RepositorySource parse(const QString &text);

    bool isUrl() const { return m_isUrl; }
    QString text() const { return m_text; }
    QString displayText() const; // safe for messages and logs: no user info
    QString repositoryName() const; // the last path segment without ".git", file-name safe

    // `url`, or any text holding URLs, with the user info of every URL removed.
    static QString withoutCredentials(const QString &url);
    static QString fileNameSafe(const QString &name);

private:
    RepositorySource(QString text, bool isUrl);

    QString m_text;
    bool m_isUrl = false;
};

} // namespace tandem::vcs::detail
