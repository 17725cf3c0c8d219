#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <vector>

namespace tandem::sandbox {

// Keeps the workspace's denied paths (hooks, shell start-up files, editor tasks) as they were
// when the sandbox started. Those that exist are bound read-only inside, but a command can
// still create one that was missing, or rename a parent folder away and put its own file in
// the old place. After every command the guard removes what appeared and puts back what was
// replaced, never following a symlink, and says what it did. A .git or .envrc created in a
// subfolder goes too: git and direnv honour them there just as well.
class DeniedPathGuard
{
public:
    // `paths` are relative to `workspace`; only those that exist now are recorded as content.
    DeniedPathGuard(QString workspace, const QStringList &paths);

    // The denied paths that exist as plain files or folders inside the workspace, for binding
    // read-only. A path reached through a symlink is left out: binding it would show the
    // sandbox whatever the link points at on the host.
    QStringList bindable() const;

    // Undoes whatever a command did to the denied paths; one line per change, for the command's
    // result and the audit log.
    QStringList enforce();

private:
    struct Entry
    {
        QString relative;
        bool existed = false;
        bool isFile = false;
        bool reachedThroughLink = false;
        QByteArray content; // files only
        unsigned mode = 0;
        unsigned long long device = 0;
        unsigned long long inode = 0;
        long long modified = 0;
        long long size = 0;
    };

    Entry snapshot(const QString &relative) const;
    QStringList nestedTraps() const;
    bool unchanged(const Entry &before, const Entry &now) const;
    QString restore(const Entry &before, const Entry &now);

    QString m_workspace;
    std::vector<Entry> m_entries;
    QStringList m_nestedAtStart; // .git and .envrc below the top level that were already there
};

} // namespace tandem::sandbox
