#include "sandbox/workspacesync.h"

#include "sandbox/tarwriter.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QTemporaryFile>

#include <algorithm>
#include <cstdio>
#include <unistd.h>

namespace tandem::sandbox {

Q_DECLARE_LOGGING_CATEGORY(lcSandbox)

namespace {

QByteArray digestOf(const TarEntry &entry, const QByteArray &content)
{
    switch (entry.type) {
    case TarEntry::Type::Directory:
        return "dir";
    case TarEntry::Type::Symlink:
        return "link:" + entry.linkTarget.toUtf8();
    default:
        return "file:" + QByteArray::number(entry.mode & 0111 ? 1 : 0) + ':'
               + QCryptographicHash::hash(content, QCryptographicHash::Sha256);
    }
}

// A name made of plain components only: no root, no "..", no empty or "." parts.
std::optional<QString> cleanName(const QString &name)
{
    if (name.startsWith(QLatin1Char('/')) || name.contains(QChar(0)))
        return std::nullopt;
    QStringList parts;
    for (const QString &part : name.split(QLatin1Char('/'), Qt::SkipEmptyParts)) {
        if (part == QStringLiteral(".."))
            return std::nullopt;
        if (part != QStringLiteral("."))
            parts << part;
    }
    return parts.join(QLatin1Char('/'));
}

// Where a relative link in `relative` leads, as a workspace-relative path; nothing if outside.
std::optional<QString> linkDestination(const QString &relative, const QString &target)
{
    if (target.startsWith(QLatin1Char('/')) || target.isEmpty())
        return std::nullopt;
    QStringList parts = relative.split(QLatin1Char('/'));
    parts.removeLast();
    for (const QString &part : target.split(QLatin1Char('/'), Qt::SkipEmptyParts)) {
        if (part == QStringLiteral("."))
            continue;
        if (part == QStringLiteral("..")) {
            if (parts.isEmpty())
                return std::nullopt;
            parts.removeLast();
            continue;
        }
        parts << part;
    }
    return parts.join(QLatin1Char('/'));
}

// A symlink's target exactly as written, not resolved.
QString linkText(const QString &path)
{
    char buffer[4096];
    const ssize_t n = ::readlink(QFile::encodeName(path).constData(), buffer, sizeof buffer);
    return n > 0 ? QFile::decodeName(QByteArray(buffer, n)) : QString();
}

} // namespace

WorkspaceSync::WorkspaceSync(QString workspace, QStringList deniedPaths)
    : m_workspace(std::move(workspace))
    , m_canonicalWorkspace(QFileInfo(m_workspace).canonicalFilePath())
    , m_denied(std::move(deniedPaths))
{}

bool WorkspaceSync::isDenied(const QString &relative) const
{
    return std::ranges::any_of(m_denied, [&](const QString &denied) {
        return relative == denied || relative.startsWith(denied + QLatin1Char('/'));
    });
}

QByteArray WorkspaceSync::hostStamp(const QString &relative) const
{
    const QFileInfo info(QDir(m_workspace).filePath(relative));
    if (!info.exists() && !info.isSymLink())
        return {};
    return QByteArray::number(info.size()) + ':'
           + QByteArray::number(info.lastModified().toMSecsSinceEpoch()) + ':'
           + QByteArray::number(info.isSymLink() ? 2
                                : info.isDir()   ? 1
                                                 : 0);
}

base::Result<QByteArray> WorkspaceSync::packChanges()
{
    TarWriter tar;
    const TarWriter::Owner sandboxUser{kSandboxUid, kSandboxUid};
    if (m_known.isEmpty())
        tar.addDirectory(QStringLiteral("."), 0755, sandboxUser, 0);

    QDirIterator it(m_workspace,
                    QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        const QFileInfo info = it.fileInfo();
        const QString relative = QDir(m_workspace).relativeFilePath(path);
        const QByteArray stamp = hostStamp(relative);
        if (m_known.contains(relative) && m_known[relative].hostStamp == stamp)
            continue;

        const bool denied = isDenied(relative);
        const TarWriter::Owner owner = denied ? TarWriter::Owner{} : sandboxUser;
        const int mode = info.isDir() || info.isExecutable() ? 0755 : 0644;
        const qint64 mtime = info.lastModified().toSecsSinceEpoch();
        TarEntry entry;
        QByteArray content;
        if (info.isSymLink()) {
            entry.type = TarEntry::Type::Symlink;
            entry.linkTarget = linkText(path);
            tar.addSymlink(relative, entry.linkTarget, owner, mtime);
        } else if (info.isDir()) {
            entry.type = TarEntry::Type::Directory;
            tar.addDirectory(relative, mode, owner, mtime);
        } else if (info.isFile()) {
            QFile file(path);
            if (!file.open(QIODevice::ReadOnly))
                return base::fail("sync_failed",
                                  QStringLiteral("Cannot read %1 to copy it into the sandbox: %2")
                                      .arg(path, file.errorString()));
            content = file.readAll();
            entry.type = TarEntry::Type::File;
            entry.mode = mode;
            tar.addFile(relative, content, mode, owner, mtime);
        } else {
            continue; // sockets and fifos stay on the host
        }
        m_known[relative] = Known{digestOf(entry, content), stamp};
    }
    return tar.finish();
}

QString WorkspaceSync::refusal(const TarEntry &entry, const QString &relative) const
{
    if (isDenied(relative))
        return QStringLiteral("a denied path");

    switch (entry.type) {
    case TarEntry::Type::Device:
    case TarEntry::Type::Fifo:
    case TarEntry::Type::Other:
        return QStringLiteral("not a file, folder or link");
    case TarEntry::Type::Symlink:
    case TarEntry::Type::HardLink: {
        const auto destination = entry.type == TarEntry::Type::Symlink
                                     ? linkDestination(relative, entry.linkTarget)
                                     : cleanName(entry.linkTarget);
        if (!destination)
            return QStringLiteral("a link that leads outside the workspace");
        if (isDenied(*destination))
            return QStringLiteral("a link into a denied path");
        // Links already on the host take part when the new one is followed: where it leads
        // for real must be in the workspace too.
        const QString base = entry.type == TarEntry::Type::Symlink
                                 ? QFileInfo(QDir(m_workspace).filePath(relative)).absolutePath()
                                 : m_workspace;
        const QString real =
            QFileInfo(QDir(base).filePath(entry.type == TarEntry::Type::Symlink ? entry.linkTarget
                                                                                : *destination))
                .canonicalFilePath();
        if (!real.isEmpty() && real != m_canonicalWorkspace
            && !real.startsWith(m_canonicalWorkspace + QLatin1Char('/')))
            return QStringLiteral("a link that leads outside the workspace");
        break;
    }
    default:
        break;
    }

    // The folder it goes into, as the host resolves it, must be in the workspace too: a link
    // already on the host must not carry a write elsewhere.
    const QString parent = QFileInfo(QDir(m_workspace).filePath(relative)).absolutePath();
    const QString canonicalParent = QFileInfo(parent).canonicalFilePath();
    if (canonicalParent.isEmpty())
        return QStringLiteral("its folder is missing");
    if (canonicalParent != m_canonicalWorkspace
        && !canonicalParent.startsWith(m_canonicalWorkspace + QLatin1Char('/')))
        return QStringLiteral("its folder leads outside the workspace");
    const QString resolved = QDir(m_canonicalWorkspace).relativeFilePath(canonicalParent);
    if (resolved != QStringLiteral(".") && isDenied(resolved))
        return QStringLiteral("its folder is a denied path");
    return {};
}

base::Status WorkspaceSync::write(const TarEntry &entry, const QString &relative,
                                  const QByteArray &content)
{
    const QString target = QDir(m_workspace).filePath(relative);
    const QFileInfo existing(target);

    if (entry.type == TarEntry::Type::Directory) {
        if (existing.isDir() && !existing.isSymLink())
            return {};
        if (existing.exists() || existing.isSymLink())
            return base::fail("sync_refused", QStringLiteral("a folder where a file is"));
        if (!QDir().mkdir(target))
            return base::fail("sync_failed", QStringLiteral("cannot create the folder"));
        return {};
    }
    if (existing.isDir() && !existing.isSymLink())
        return base::fail("sync_refused", QStringLiteral("a file where a folder is"));

    // Written beside the target and renamed over it: a rename replaces a symlink rather than
    // following it.
    const QString temporary = QFileInfo(target).absolutePath() + QStringLiteral("/.tandem-sync-")
                              + QString::number(::getpid());
    QFile::remove(temporary);
    if (entry.type == TarEntry::Type::Symlink) {
        if (::symlink(QFile::encodeName(entry.linkTarget).constData(),
                      QFile::encodeName(temporary).constData())
            != 0)
            return base::fail("sync_failed", QStringLiteral("cannot create the link"));
    } else {
        QFile file(temporary);
        if (!file.open(QIODevice::WriteOnly | QIODevice::NewOnly) || file.write(content) < 0)
            return base::fail("sync_failed", file.errorString());
        file.setPermissions(entry.mode & 0111 ? QFile::Permissions(0x7755)
                                              : QFile::Permissions(0x6644));
    }
    if (std::rename(QFile::encodeName(temporary).constData(), QFile::encodeName(target).constData())
        != 0) {
        QFile::remove(temporary);
        return base::fail("sync_failed", QStringLiteral("cannot replace the file"));
    }
    return {};
}

base::Result<WorkspaceSync::Report> WorkspaceSync::apply(const QByteArray &archive)
{
    auto entries = TarReader::read(archive);
    if (!entries)
        return std::unexpected(entries.error());

    // Everything must sit under the archive's first entry, the folder asked for: Docker names
    // it "workspace/", Podman "/" for a volume of a stopped container. Anything else in an
    // archive of unexpected shape could make files look removed, so nothing is applied then.
    if (entries->isEmpty() || entries->first().type != TarEntry::Type::Directory)
        return base::fail("tar_malformed",
                          QStringLiteral("The container sent back no workspace folder; nothing "
                                         "was copied back."));
    QString root = entries->first().name;
    if (!root.endsWith(QLatin1Char('/')))
        root += QLatin1Char('/');
    const auto underRoot = [&](const QString &name) -> std::optional<QString> {
        if (!name.startsWith(root))
            return std::nullopt;
        return cleanName(name.mid(root.size()));
    };

    Report report;
    QSet<QString> seen;
    QHash<QString, QByteArray> contents; // for hard links to files of this archive
    for (const TarEntry &original : std::as_const(*entries).mid(1)) {
        TarEntry entry = original;
        const auto clean = underRoot(entry.name);
        if (!clean || clean->isEmpty()) {
            report.refused << entry.name + QStringLiteral(": a name outside the workspace");
            continue;
        }
        const QString relative = *clean;
        seen.insert(relative);

        QByteArray content = entry.content;
        if (entry.type == TarEntry::Type::HardLink) {
            // A hard link names its target from the top of the archive, like any member.
            const auto source = underRoot(entry.linkTarget);
            entry.linkTarget = source ? *source : QStringLiteral("/");
            content = contents.value(entry.linkTarget);
        }
        if (entry.type == TarEntry::Type::File)
            contents.insert(relative, content);
        const QByteArray digest = digestOf(entry, content);
        if (m_known.value(relative).digest == digest)
            continue;

        if (const QString why = refusal(entry, relative); !why.isEmpty()) {
            report.refused << relative + QStringLiteral(": ") + why;
            continue;
        }
        TarEntry written = entry;
        if (entry.type == TarEntry::Type::HardLink) {
            if (!contents.contains(entry.linkTarget)) {
                report.refused << relative + QStringLiteral(": a link to no file of the archive");
                continue;
            }
            written.type = TarEntry::Type::File;
        }
        if (auto status = write(written, relative, content); !status) {
            report.refused << relative + QStringLiteral(": ") + status.error().message;
            continue;
        }
        m_known[relative] = Known{digest, hostStamp(relative)};
        report.written << relative;
    }

    removeVanished(seen, report);
    if (!report.refused.isEmpty())
        qCWarning(lcSandbox, "refused from the container: %s",
                  qPrintable(report.refused.join(QStringLiteral("; "))));
    return report;
}

void WorkspaceSync::removeVanished(const QSet<QString> &seen, Report &report)
{
    QStringList vanished;
    for (auto it = m_known.cbegin(); it != m_known.cend(); ++it) {
        if (!seen.contains(it.key()))
            vanished << it.key();
    }
    // Deepest first, so that a folder is empty by the time its turn comes.
    std::ranges::sort(vanished, std::greater<>());
    for (const QString &relative : vanished) {
        const Known known = m_known.value(relative);
        if (isDenied(relative)) {
            report.refused << relative + QStringLiteral(": removing a denied path");
            continue;
        }
        m_known.remove(relative);
        // Changed on the host since the last sync: the host's version stays.
        if (hostStamp(relative) != known.hostStamp)
            continue;
        const QString path = QDir(m_workspace).filePath(relative);
        const bool removed = QFileInfo(path).isDir() && !QFileInfo(path).isSymLink()
                                 ? QDir().rmdir(path)
                                 : QFile::remove(path);
        if (removed)
            report.removed << relative;
    }
}

} // namespace tandem::sandbox
