#include "demorepository.h"

#include <QCoreApplication>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QProcess>

namespace tandem::app {

namespace {

constexpr char kResourceRoot[] = ":/demo/invoicing";

base::Status git(const QString &directory, const QStringList &arguments)
{
    QProcess process;
    process.setWorkingDirectory(directory);
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(QStringLiteral("git"), arguments);
    if (!process.waitForFinished(30'000) || process.exitCode() != 0) {
        return base::fail("demo_repository",
                          QStringLiteral("Cannot create the demo repository in %1 (git %2: %3); "
                                         "check that git is installed.")
                              .arg(directory, arguments.join(QLatin1Char(' ')),
                                   QString::fromUtf8(process.readAll()).trimmed()));
    }
    return {};
}

base::Status copyFiles(const QString &target)
{
    const QString root = QString::fromLatin1(kResourceRoot);
    QDirIterator it(root, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString source = it.next();
        const QString destination = target + source.mid(root.size());
        QDir().mkpath(QFileInfo(destination).absolutePath());
        QFile::remove(destination);
        if (!QFile::copy(source, destination)) {
            return base::fail("demo_repository",
                              QStringLiteral("Cannot write %1.").arg(destination));
        }
        QFile::setPermissions(destination, QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup
                                               | QFile::ReadOther);
    }
    return {};
}

} // namespace

base::Result<QString> DemoRepository::ensure(const QString &dataDirectory)
{
    const QString path = dataDirectory + QStringLiteral("/demo/invoicing");
    if (QFileInfo::exists(path + QStringLiteral("/.git")))
        return path;

    // Made beside its place and moved there once committed, so that a Tandem killed halfway
    // leaves no repository without its commit behind (one from before is made again).
    const QString partial =
        path + QStringLiteral(".partial-%1").arg(QCoreApplication::applicationPid());
    QDir(partial).removeRecursively();
    if (!QDir().mkpath(partial))
        return base::fail("demo_repository", QStringLiteral("Cannot create %1.").arg(partial));
    if (auto copied = copyFiles(partial); !copied)
        return std::unexpected(copied.error());

    // The demo's first commit is Tandem's, so it works before the user set up git.
    const QStringList identity{QStringLiteral("-c"), QStringLiteral("user.name=Tandem demo"),
                               QStringLiteral("-c"),
                               QStringLiteral("user.email=demo@tandem.invalid")};
    for (const QStringList &step :
         {QStringList{QStringLiteral("init"), QStringLiteral("-q"), QStringLiteral("-b"),
                      QStringLiteral("main")},
          QStringList{QStringLiteral("add"), QStringLiteral("-A")},
          identity
              + QStringList{QStringLiteral("commit"), QStringLiteral("-q"), QStringLiteral("-m"),
                            QStringLiteral("Invoicing library with tests")}}) {
        if (auto done = git(partial, step); !done)
            return std::unexpected(done.error());
    }

    QDir(path).removeRecursively();
    if (!QDir().rename(partial, path) && !QFileInfo::exists(path + QStringLiteral("/.git")))
        return base::fail("demo_repository", QStringLiteral("Cannot create %1.").arg(path));
    QDir(partial).removeRecursively();
    return path;
}

} // namespace tandem::app
