#include "sandbox/cgroupset.h"

#include <QAtomicInt>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QThread>

#include <atomic>
#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <thread>
#include <unistd.h>

namespace tandem::sandbox {

Q_DECLARE_LOGGING_CATEGORY(lcSandbox)

namespace {

const QString kRoot = QStringLiteral("/sys/fs/cgroup/");

// Groups still being removed by their threads; a process about to exit waits for them.
std::atomic<int> g_pendingRemovals{0};
const QString kPids = QStringLiteral("pids");
const QString kMemory = QStringLiteral("memory");
const QString kCpu = QStringLiteral("cpuacct");
const QString kFreezer = QStringLiteral("freezer");

QByteArray readValue(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

bool writeValue(const QString &path, const QByteArray &value)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly | QIODevice::Unbuffered)
           && file.write(value) == value.size();
}

// "key value" lines, as in memory.oom_control and pids.events.
qint64 keyedValue(const QByteArray &text, const QByteArray &key)
{
    for (const QByteArray &line : text.split('\n')) {
        const QList<QByteArray> parts = line.simplified().split(' ');
        if (parts.size() == 2 && parts.first() == key)
            return parts.last().toLongLong();
    }
    return 0;
}

bool processAlive(qint64 pid)
{
    return pid > 0 && (::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM);
}

// Sends SIGKILL to every process a cgroup.procs file lists; false when it lists none.
bool killListed(const QString &procsFile)
{
    bool any = false;
    for (const QByteArray &pid : readValue(procsFile).split('\n')) {
        if (pid.toInt() > 0) {
            ::kill(pid.toInt(), SIGKILL);
            any = true;
        }
    }
    return any;
}

bool removeTree(const QString &path)
{
    const QDir dir(path);
    for (const QString &child : dir.entryList(QDir::Dirs | QDir::NoDotAndDotDot))
        removeTree(dir.filePath(child));
    return QDir().rmdir(path);
}

// Groups whose Tandem process is gone: kill what is left in them and take them away.
void removeStale(const QStringList &controllers)
{
    const QDir parent(kRoot + kPids + QStringLiteral("/tandem"));
    for (const QString &name : parent.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        if (processAlive(name.section(QLatin1Char('-'), 0, 0).toLongLong()))
            continue;
        for (const QString &controller : controllers) {
            const QString path = kRoot + controller + QStringLiteral("/tandem/") + name;
            for (const QByteArray &pid :
                 readValue(path + QStringLiteral("/cgroup.procs")).split('\n'))
                if (pid.toInt() > 0)
                    ::kill(pid.toInt(), SIGKILL);
            removeTree(path);
        }
    }
}

} // namespace

CgroupSet::CgroupSet(QStringList directories, bool owned)
    : m_directories(std::move(directories))
    , m_owned(owned)
{}

std::unique_ptr<CgroupSet> CgroupSet::create()
{
    static QAtomicInt counter;
    QStringList controllers;
    for (const QString &controller : {kPids, kMemory, kCpu, kFreezer}) {
        const QString parent = kRoot + controller + QStringLiteral("/tandem");
        if (QFileInfo(kRoot + controller).isWritable() || QFileInfo(parent).isWritable())
            controllers << controller;
    }
    if (!controllers.contains(kPids))
        return nullptr;
    removeStale(controllers);

    const QString name = QStringLiteral("tandem/%1-%2")
                             .arg(QCoreApplication::applicationPid())
                             .arg(counter.fetchAndAddRelaxed(1));
    QStringList directories;
    for (const QString &controller : controllers) {
        const QString path = kRoot + controller + QLatin1Char('/') + name;
        if (QDir().mkpath(path))
            directories << path;
        else
            qCWarning(lcSandbox, "cannot create the cgroup %s", qPrintable(path));
    }
    if (directories.isEmpty() || !directories.first().contains(QStringLiteral("/pids/")))
        return nullptr;
    return std::unique_ptr<CgroupSet>(new CgroupSet(directories, true));
}

std::unique_ptr<CgroupSet> CgroupSet::createChild(const QString &name) const
{
    QStringList directories;
    for (const QString &parent : m_directories) {
        const QString path = parent + QLatin1Char('/') + name;
        if (!QDir().mkpath(path)) {
            qCWarning(lcSandbox, "cannot create the cgroup %s", qPrintable(path));
            return nullptr;
        }
        directories << path;
    }
    return std::unique_ptr<CgroupSet>(new CgroupSet(directories, true));
}

std::unique_ptr<CgroupSet> CgroupSet::attach(qint64 pid, const QString &marker)
{
    // One "id:controllers:path" line per hierarchy; controllers mounted together (cpu,cpuacct)
    // are reached through the link each one has under /sys/fs/cgroup.
    const QByteArray table = readValue(QStringLiteral("/proc/%1/cgroup").arg(pid));
    QStringList directories;
    for (const QString &controller : {kPids, kMemory, kCpu, kFreezer}) {
        for (const QByteArray &line : table.split('\n')) {
            const QList<QByteArray> fields = line.split(':');
            if (fields.size() < 3 || !fields.at(1).split(',').contains(controller.toLatin1()))
                continue;
            const QString path =
                kRoot + controller
                + QString::fromUtf8(line.mid(fields.at(0).size() + fields.at(1).size() + 2));
            if (path.contains(marker) && QFileInfo(path).isDir())
                directories << path;
        }
    }
    if (directories.isEmpty() || !directories.first().startsWith(kRoot + kPids + QLatin1Char('/')))
        return nullptr;
    return std::unique_ptr<CgroupSet>(new CgroupSet(directories, false));
}

CgroupSet::~CgroupSet()
{
    if (!m_owned)
        return;

    // One kill, without waiting: when the supervisor of a whole sandbox dies, the kernel takes
    // a few milliseconds to tear its namespaces down, and nobody needs to wait for that. The
    // groups are removed as soon as they are empty, by a thread of their own.
    signalAll();
    QStringList busy;
    for (const QString &path : std::as_const(m_directories)) {
        if (!QDir().rmdir(path) && QFileInfo::exists(path))
            busy << path;
    }
    if (busy.isEmpty())
        return;

    const QString pids = directory(kPids) + QStringLiteral("/cgroup.procs");
    g_pendingRemovals.fetch_add(1);
    std::thread([busy, pids] {
        for (const QString &path : busy) {
            bool removed = false;
            for (int attempt = 0; attempt < 2000 && !removed; ++attempt) {
                removed = QDir().rmdir(path) || !QFileInfo::exists(path);
                if (!removed) {
                    killListed(pids);
                    std::this_thread::sleep_for(std::chrono::milliseconds(1));
                }
            }
            if (!removed)
                qCWarning(lcSandbox, "cannot remove the cgroup %s", qPrintable(path));
        }
        g_pendingRemovals.fetch_sub(1);
    }).detach();
}

void CgroupSet::finishRemovals(std::chrono::milliseconds patience)
{
    const auto deadline = std::chrono::steady_clock::now() + patience;
    while (g_pendingRemovals.load() > 0 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

QString CgroupSet::directory(const QString &controller) const
{
    const QString marker = QLatin1Char('/') + controller + QLatin1Char('/');
    for (const QString &path : m_directories) {
        if (path.contains(marker))
            return path;
    }
    return {};
}

QStringList CgroupSet::controllers() const
{
    QStringList names;
    for (const QString &path : m_directories)
        names << path.mid(kRoot.size()).section(QLatin1Char('/'), 0, 0);
    return names;
}

bool CgroupSet::setProcessLimit(int processes)
{
    const QString dir = directory(kPids);
    return !dir.isEmpty()
           && writeValue(dir + QStringLiteral("/pids.max"), QByteArray::number(processes));
}

bool CgroupSet::setMemoryLimit(qint64 bytes)
{
    const QString dir = directory(kMemory);
    return !dir.isEmpty()
           && writeValue(dir + QStringLiteral("/memory.limit_in_bytes"), QByteArray::number(bytes));
}

std::vector<int> CgroupSet::openJoinFiles() const
{
    std::vector<int> fds;
    for (const QString &path : m_directories) {
        const int fd = ::open(QFile::encodeName(path + QStringLiteral("/cgroup.procs")).constData(),
                              O_WRONLY | O_CLOEXEC);
        if (fd >= 0)
            fds.push_back(fd);
    }
    return fds;
}

qint64 CgroupSet::cpuNanoseconds() const
{
    const QString dir = directory(kCpu);
    return dir.isEmpty() ? 0
                         : readValue(dir + QStringLiteral("/cpuacct.usage")).trimmed().toLongLong();
}

qint64 CgroupSet::bytesWritten() const
{
    qint64 total = 0;
    for (const QByteArray &pid :
         readValue(directory(kPids) + QStringLiteral("/cgroup.procs")).split('\n')) {
        if (pid.toInt() <= 0)
            continue;
        QByteArray io = readValue(QStringLiteral("/proc/%1/io").arg(pid.toInt()));
        total += keyedValue(io.replace(':', ""), "write_bytes");
    }
    // Files on a tmpfs never reach storage, so write_bytes misses them; their pages are
    // charged to the writer's memory cgroup instead.
    const QString memory = directory(kMemory);
    if (!memory.isEmpty())
        total += keyedValue(readValue(memory + QStringLiteral("/memory.stat")), "total_shmem");
    return total;
}

qint64 CgroupSet::oomKills() const
{
    const QString dir = directory(kMemory);
    return dir.isEmpty()
               ? 0
               : keyedValue(readValue(dir + QStringLiteral("/memory.oom_control")), "oom_kill");
}

qint64 CgroupSet::processLimitHits() const
{
    return keyedValue(readValue(directory(kPids) + QStringLiteral("/pids.events")), "max");
}

bool CgroupSet::isEmpty() const
{
    return readValue(directory(kPids) + QStringLiteral("/cgroup.procs")).trimmed().isEmpty();
}

void CgroupSet::setFrozen(bool frozen)
{
    const QString dir = directory(kFreezer);
    if (dir.isEmpty())
        return;
    writeValue(dir + QStringLiteral("/freezer.state"), frozen ? "FROZEN" : "THAWED");
    if (!frozen)
        return;
    for (int attempt = 0; attempt < 100; ++attempt) {
        if (readValue(dir + QStringLiteral("/freezer.state")).startsWith("FROZEN"))
            return;
        QThread::usleep(500);
    }
}

bool CgroupSet::signalAll()
{
    return killListed(directory(kPids) + QStringLiteral("/cgroup.procs"));
}

void CgroupSet::killAll()
{
    if (isEmpty())
        return;
    for (int round = 0; round < 200; ++round) {
        // Frozen, nothing can fork between our reading the list and the kill reaching it.
        setFrozen(true);
        const bool any = signalAll();
        setFrozen(false);
        if (!any)
            return;
        QThread::usleep(500);
    }
    qCWarning(lcSandbox, "processes survived a kill in %s", qPrintable(m_directories.first()));
}

} // namespace tandem::sandbox
