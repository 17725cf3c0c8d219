#include "sandbox/deniedpathguard.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <vector>

namespace tandem::sandbox {

Q_DECLARE_LOGGING_CATEGORY(lcSandbox)

namespace {

constexpr qint64 kMaxKeptBytes = 1 << 20;
constexpr int kMaxWalkedEntries = 200'000;

// Removes a file, a link or a whole folder without following any link inside it.
void removeWithoutFollowing(const QString &path)
{
    struct stat info;
    if (::lstat(QFile::encodeName(path).constData(), &info) != 0)
        return;
    if (S_ISDIR(info.st_mode)) {
        QDir dir(path);
        const auto entries =
            dir.entryList(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot);
        for (const QString &entry : entries)
            removeWithoutFollowing(dir.filePath(entry));
        ::rmdir(QFile::encodeName(path).constData());
    } else {
        ::unlink(QFile::encodeName(path).constData());
    }
}

// A real folder, not a link to one; the entry's own type when the filesystem gives it.
bool isFolder(const QByteArray &path, unsigned char type)
{
    if (type != DT_UNKNOWN)
        return type == DT_DIR;
    struct stat info;
    return ::lstat(path.constData(), &info) == 0 && S_ISDIR(info.st_mode);
}

// Whether any folder between the workspace and the path is a symlink.
bool throughLink(const QString &workspace, const QString &relative)
{
    QString path = workspace;
    const QStringList parts = relative.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    for (qsizetype i = 0; i + 1 < parts.size(); ++i) {
        path += QLatin1Char('/') + parts.at(i);
        struct stat info;
        if (::lstat(QFile::encodeName(path).constData(), &info) == 0 && S_ISLNK(info.st_mode))
            return true;
    }
    return false;
}

} // namespace

DeniedPathGuard::DeniedPathGuard(QString workspace, const QStringList &paths)
    : m_workspace(std::move(workspace))
{
    for (const QString &relative : paths)
        m_entries.push_back(snapshot(relative));
    m_nestedAtStart = nestedTraps();
}

// Every .git and .envrc below the workspace's top level, without following links or going
// into .git folders and node_modules, and within a bound. This runs after every command, so
// it reads folders with readdir and the entry types they carry, not a stat per file.
QStringList DeniedPathGuard::nestedTraps() const
{
    QStringList found;
    std::vector<QByteArray> pending{QByteArray()};
    const QByteArray root = QFile::encodeName(m_workspace);
    int visited = 0;
    while (!pending.empty() && visited < kMaxWalkedEntries) {
        const QByteArray relative = std::move(pending.back());
        pending.pop_back();
        DIR *dir = ::opendir((root + '/' + relative).constData());
        if (!dir)
            continue;
        while (const dirent *entry = ::readdir(dir)) {
            const QByteArray name(entry->d_name);
            if (name == "." || name == ".." || ++visited > kMaxWalkedEntries)
                continue;
            const QByteArray child = relative.isEmpty() ? name : relative + '/' + name;
            const bool trap = name == ".git" || name == ".envrc";
            if (trap && !relative.isEmpty())
                found << QFile::decodeName(child);
            if (!trap && name != "node_modules" && isFolder(root + '/' + child, entry->d_type))
                pending.push_back(child);
        }
        ::closedir(dir);
    }
    return found;
}

DeniedPathGuard::Entry DeniedPathGuard::snapshot(const QString &relative) const
{
    Entry entry;
    entry.relative = relative;
    entry.reachedThroughLink = throughLink(m_workspace, relative);

    const QString path = m_workspace + QLatin1Char('/') + relative;
    struct stat info;
    if (entry.reachedThroughLink || ::lstat(QFile::encodeName(path).constData(), &info) != 0)
        return entry;

    entry.existed = true;
    entry.isFile = S_ISREG(info.st_mode);
    entry.mode = info.st_mode;
    entry.device = info.st_dev;
    entry.inode = info.st_ino;
    entry.modified = info.st_mtim.tv_sec * 1'000'000'000LL + info.st_mtim.tv_nsec;
    entry.size = info.st_size;
    if (entry.isFile && info.st_size <= kMaxKeptBytes) {
        QFile file(path);
        if (file.open(QIODevice::ReadOnly))
            entry.content = file.readAll();
    }
    return entry;
}

QStringList DeniedPathGuard::bindable() const
{
    QStringList paths;
    for (const Entry &entry : m_entries) {
        const bool plain = S_ISREG(entry.mode) || S_ISDIR(entry.mode);
        if (entry.existed && plain && !entry.reachedThroughLink)
            paths << entry.relative;
    }
    return paths;
}

bool DeniedPathGuard::unchanged(const Entry &before, const Entry &now) const
{
    if (before.existed != now.existed)
        return false;
    if (!before.existed)
        return true;
    return before.device == now.device && before.inode == now.inode && before.mode == now.mode
           && before.modified == now.modified && before.size == now.size;
}

QString DeniedPathGuard::restore(const Entry &before, const Entry &now)
{
    const QString path = m_workspace + QLatin1Char('/') + before.relative;
    if (now.existed && !now.reachedThroughLink)
        removeWithoutFollowing(path);

    if (!before.existed)
        return QStringLiteral("removed %1: commands in the sandbox may not create it, since it "
                              "would run on your machine later")
            .arg(before.relative);

    if (before.isFile && before.content.size() == before.size
        && !throughLink(m_workspace, before.relative)) {
        QDir().mkpath(QFileInfo(path).absolutePath());
        const int fd =
            ::open(QFile::encodeName(path).constData(),
                   O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, before.mode & 07777);
        if (fd >= 0) {
            QFile file;
            file.open(fd, QIODevice::WriteOnly, QFile::AutoCloseHandle);
            file.write(before.content);
            return QStringLiteral("restored %1: commands in the sandbox may not change it")
                .arg(before.relative);
        }
    }
    qCWarning(lcSandbox, "cannot restore the denied path %s", qPrintable(before.relative));
    return QStringLiteral("%1 was changed and could not be restored: check it before you use "
                          "this workspace outside Tandem")
        .arg(before.relative);
}

QStringList DeniedPathGuard::enforce()
{
    QStringList notes;
    for (const Entry &before : m_entries) {
        const Entry now = snapshot(before.relative);
        if (unchanged(before, now))
            continue;
        notes << restore(before, now);
    }

    for (const QString &trap : nestedTraps()) {
        if (m_nestedAtStart.contains(trap))
            continue;
        removeWithoutFollowing(m_workspace + QLatin1Char('/') + trap);
        notes << QStringLiteral("removed %1: commands in the sandbox may not create it, since "
                                "it would run on your machine later")
                     .arg(trap);
    }
    return notes;
}

} // namespace tandem::sandbox
