#pragma once

#include <QByteArray>
#include <QString>

#include <git2/oid.h>

namespace tandem::vcs::detail {

// libgit2's process-wide state: started once, on first use, and never shut down while other
// threads may still hold repositories.
class GitLibrary
{
public:
    static void ensureInitialized();

    // libgit2's message for the last failure on this thread, or `fallback` when it has none.
    static QString lastError(const QString &fallback = QStringLiteral("unknown error"));

    static QByteArray oidToHex(const git_oid &oid);
};

} // namespace tandem::vcs::detail
