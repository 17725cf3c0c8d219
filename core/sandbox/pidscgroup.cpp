#include "sandbox/pidscgroup.h"

#include <QAtomicInt>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QThread>

namespace tandem::sandbox {

Q_DECLARE_LOGGING_CATEGORY(lcSandbox)

namespace {

const QString kControllerRoot = QStringLiteral("/sys/fs/cgroup/pids");

bool writeValue(const QString &path, const QByteArray &value)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(value) == value.size();
}

} // namespace

std::unique_ptr<PidsCgroup> PidsCgroup::create(int maxProcesses)
{
    static QAtomicInt counter;
    const QString parent = kControllerRoot + QStringLiteral("/tandem");
    if (!QFileInfo(kControllerRoot).isWritable() && !QFileInfo(parent).isWritable())
        return nullptr;

    const QString path = parent
                         + QStringLiteral("/%1-%2")
                               .arg(QCoreApplication::applicationPid())
                               .arg(counter.fetchAndAddRelaxed(1));
    if (!QDir().mkpath(path))
        return nullptr;

    std::unique_ptr<PidsCgroup> group(new PidsCgroup(path));
    if (!writeValue(path + QStringLiteral("/pids.max"), QByteArray::number(maxProcesses))) {
        qCWarning(lcSandbox, "cannot set pids.max in %s", qPrintable(path));
        return nullptr;
    }
    return group;
}

PidsCgroup::PidsCgroup(QString path)
    : m_path(std::move(path))
{}

PidsCgroup::~PidsCgroup()
{
    // The command's processes are dead by now, but the kernel may take a moment to let go.
    for (int attempt = 0; attempt < 50; ++attempt) {
        if (QDir().rmdir(m_path) || !QFileInfo::exists(m_path))
            return;
        QThread::msleep(10);
    }
    qCWarning(lcSandbox, "cannot remove the cgroup %s", qPrintable(m_path));
}

QStringList PidsCgroup::wrap(const QStringList &argv) const
{
    // The shell moves itself into the group, then becomes the command: nothing forks outside.
    return QStringList{QStringLiteral("/bin/sh"), QStringLiteral("-c"),
                       QStringLiteral("echo $$ > \"$0/cgroup.procs\" && exec \"$@\""), m_path}
           + argv;
}

} // namespace tandem::sandbox
