#pragma once

#include "sandbox/tarreader.h"

#include "base/error.h"

#include <QByteArray>
#include <QHash>
#include <QSet>
#include <QString>
#include <QStringList>

namespace tandem::sandbox {

// Carries a workspace into a container and the container's changes back out, for engines that
// cannot see this machine's files (a remote engine over tcp://). The way back is an attack
// surface, so apply() trusts nothing in the archive: absolute names, "..", links that lead
// outside the workspace or into a denied path, device files and any change under a denied
// path are refused and reported, and nothing is ever written through a symlink.
class WorkspaceSync
{
public:
    struct Report
    {
        QStringList written;
        QStringList removed;
        QStringList refused; // "name: why"
    };

    // deniedPaths are relative to the workspace, as in SandboxPolicy.
    WorkspaceSync(QString workspace, QStringList deniedPaths);

    // A tar of what changed on the host since the last sync (everything the first time), named
    // relative to the workspace. Denied paths go in owned by root, so the sandbox's user cannot
    // change them inside either.
    base::Result<QByteArray> packChanges();

    // Brings the container's copy of the workspace (the archive endpoint's answer for it) back:
    // new and changed files are written, files the container removed are removed.
    base::Result<Report> apply(const QByteArray &archive);

    static constexpr int kSandboxUid = 1000;

private:
    struct Known
    {
        QByteArray digest; // what the container has
        QByteArray hostStamp; // the host file's size and time when it was synced
    };

    bool isDenied(const QString &relative) const;
    QByteArray hostStamp(const QString &relative) const;
    QString refusal(const TarEntry &entry, const QString &relative) const;
    base::Status write(const TarEntry &entry, const QString &relative, const QByteArray &content);
    void removeVanished(const QSet<QString> &seen, Report &report);

    QString m_workspace;
    QString m_canonicalWorkspace;
    QStringList m_denied;
    QHash<QString, Known> m_known;
};

} // namespace tandem::sandbox
