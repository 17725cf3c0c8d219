#include "sandbox/etcsnapshot.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QMutex>
#include <QTemporaryDir>

#include <memory>
#include <unistd.h>

namespace tandem::sandbox {

namespace {

// What programs read from /etc to start, and nothing that holds the user's secrets.
const char *const kEntries[] = {
    "alternatives",  "ld.so.cache", "ld.so.conf",      "ld.so.conf.d", "localtime",
    "nsswitch.conf", "ssl",         "ca-certificates", "mime.types",   "python3",
    "python3.11",    "bash.bashrc", "inputrc",         "profile",
};

// Copies a file, a symlink (as a symlink) or a folder, without following links.
bool copyEntry(const QString &from, const QString &to)
{
    const QFileInfo info(from);
    if (info.isSymLink()) {
        // The link as written, relative or not: it must resolve inside the sandbox as it does
        // on the host.
        char target[4096];
        const ssize_t length =
            ::readlink(QFile::encodeName(from).constData(), target, sizeof(target) - 1);
        return length > 0
               && ::symlink(QByteArray(target, length).constData(),
                            QFile::encodeName(to).constData())
                      == 0;
    }
    if (info.isFile())
        return QFile::copy(from, to);
    if (!info.isDir() || !QDir().mkpath(to))
        return false;

    const QDir dir(from);
    const auto names =
        dir.entryList(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot);
    for (const QString &name : names)
        copyEntry(dir.filePath(name), to + QLatin1Char('/') + name);
    return true;
}

bool writeFile(const QString &path, const QByteArray &content)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(content) == content.size();
}

base::Result<QString> makeSnapshot(QTemporaryDir &dir)
{
    if (!dir.isValid()) {
        return base::fail("sandbox_etc", QStringLiteral("Cannot create a folder in %1 for the "
                                                        "sandbox's /etc: check that it is "
                                                        "writable.")
                                             .arg(QDir::tempPath()));
    }
    for (const char *entry : kEntries) {
        const QString from = QStringLiteral("/etc/") + QString::fromLatin1(entry);
        if (QFileInfo::exists(from) || QFileInfo(from).isSymLink())
            copyEntry(from, dir.filePath(QString::fromLatin1(entry)));
    }

    const QByteArray uid = QByteArray::number(EtcSnapshot::kSandboxUid);
    const bool written =
        writeFile(dir.filePath(QStringLiteral("passwd")),
                  "root:x:0:0:root:/root:/bin/sh\n"
                  "tandem:x:"
                      + uid + ":" + uid
                      + ":Tandem sandbox:/tmp/home:/bin/bash\n"
                        "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n")
        && writeFile(dir.filePath(QStringLiteral("group")),
                     "root:x:0:\ntandem:x:" + uid + ":\nnogroup:x:65534:\n")
        && writeFile(dir.filePath(QStringLiteral("hostname")), "tandem-sandbox\n")
        && writeFile(dir.filePath(QStringLiteral("hosts")),
                     "127.0.0.1 localhost tandem-sandbox\n::1 localhost\n");
    if (!written) {
        return base::fail("sandbox_etc",
                          QStringLiteral("Cannot write the sandbox's /etc in %1.").arg(dir.path()));
    }
    QFile::setPermissions(dir.path(), QFileDevice::ReadOwner | QFileDevice::WriteOwner
                                          | QFileDevice::ExeOwner | QFileDevice::ReadGroup
                                          | QFileDevice::ExeGroup | QFileDevice::ReadOther
                                          | QFileDevice::ExeOther);
    return dir.path();
}

} // namespace

base::Result<QString> EtcSnapshot::path()
{
    static QMutex mutex;
    static std::unique_ptr<QTemporaryDir> dir;
    static base::Result<QString> made = base::fail("sandbox_etc", QString());

    QMutexLocker lock(&mutex);
    if (!dir) {
        dir = std::make_unique<QTemporaryDir>(QDir::tempPath()
                                              + QStringLiteral("/tandem-etc-XXXXXX"));
        made = makeSnapshot(*dir);
    }
    return made;
}

} // namespace tandem::sandbox
