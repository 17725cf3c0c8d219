#include "sandbox/bubblewrapsandbox.h"

#include "sandbox/cgroupset.h"
#include "sandbox/deniedpathguard.h"
#include "sandbox/etcsnapshot.h"
#include "sandbox/initbinary.h"
#include "sandbox/sandboxnetwork.h"
#include "sandbox/seccompfilter.h"
#include "sandbox/supervisedcommand.h"
#include "sandbox/supervisorlink.h"

#include <QDir>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QStandardPaths>

#include <unistd.h>

namespace tandem::sandbox {

Q_DECLARE_LOGGING_CATEGORY(lcSandbox)

namespace {

constexpr char kInitInside[] = "/run/tandem/init";
constexpr int kSeccompFd = 4;
constexpr int kFirstJoinFd = 5;

// Kernel settings under /proc that stay read-only inside.
const char *const kReadOnlyProc[] = {"/proc/sys", "/proc/sysrq-trigger", "/proc/irq", "/proc/bus",
                                     "/proc/fs",  "/proc/acpi",          "/proc/scsi"};

const char *const kMergedUsrLinks[] = {"/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"};

// /tmp is memory: its pages count against the sandbox's memory limit, so a /tmp as large as
// that limit would let one full folder make the kernel kill the supervisor itself.
qint64 tmpSize(const ResourceLimits &limits)
{
    if (limits.memoryBytes <= 0)
        return limits.diskBytes;
    if (limits.diskBytes <= 0)
        return limits.memoryBytes / 2;
    return std::min(limits.diskBytes, limits.memoryBytes / 2);
}

QStringList allDeniedPaths(const SandboxPolicy &policy)
{
    QStringList paths = SandboxPolicy::defaultDeniedPaths();
    for (const QString &path : policy.deniedPaths) {
        if (!paths.contains(path))
            paths << path;
    }
    return paths;
}

} // namespace

BubblewrapSandbox::BubblewrapSandbox(SandboxPolicy policy)
    : m_policy(std::move(policy))
{}

BubblewrapSandbox::~BubblewrapSandbox()
{
    stop();
}

base::Status BubblewrapSandbox::checkInstalled()
{
    if (QStandardPaths::findExecutable(QStringLiteral("bwrap")).isEmpty()) {
        return base::fail("bwrap_missing",
                          QStringLiteral("bubblewrap (bwrap) is not installed: run "
                                         "`apt-get install bubblewrap` (or "
                                         "packaging/install-deps.sh) and try again."));
    }
    return {};
}

QString BubblewrapSandbox::describe() const
{
    return QStringLiteral("bubblewrap (workspace %1, %2)")
        .arg(m_policy.workspace, m_policy.allowedHosts.isEmpty()
                                     ? QStringLiteral("no network")
                                     : m_policy.allowedHosts.join(QStringLiteral(", ")));
}

QStringList BubblewrapSandbox::enforcement() const
{
    const QStringList groups = m_cgroups ? m_cgroups->controllers() : QStringList();
    const auto by = [&](const QString &controller, const QString &mechanism) {
        return groups.contains(controller) ? mechanism : QStringLiteral("not enforced here");
    };
    return {
        QStringLiteral("wall time: supervisor kills the command's cgroup"),
        QStringLiteral("processes: ") + by(QStringLiteral("pids"), QStringLiteral("pids cgroup")),
        QStringLiteral("memory: ") + by(QStringLiteral("memory"), QStringLiteral("memory cgroup")),
        QStringLiteral("cpu time: ")
            + by(QStringLiteral("cpuacct"), QStringLiteral("cpuacct cgroup and RLIMIT_CPU")),
        QStringLiteral("disk: tmpfs size for /tmp, RLIMIT_FSIZE and free-space watch for the "
                       "workspace"),
        QStringLiteral("output: capped by Tandem as it reads"),
    };
}

void BubblewrapSandbox::recordStart() const
{
    nlohmann::json hosts = nlohmann::json::array();
    for (const QString &host : m_policy.allowedHosts)
        hosts.push_back(host.toStdString());
    nlohmann::json enforced = nlohmann::json::array();
    for (const QString &line : enforcement())
        enforced.push_back(line.toStdString());
    record("sandbox_start", {{"backend", "bubblewrap"},
                             {"workspace", m_policy.workspace.toStdString()},
                             {"allowed_hosts", hosts},
                             {"enforcement", enforced}});
}

void BubblewrapSandbox::recordGuardNotes(long long id, const QStringList &notes) const
{
    for (const QString &note : notes)
        record("sandbox_denied_path", {{"command", id}, {"note", note.toStdString()}});
}

QStringList BubblewrapSandbox::channelBinds() const
{
    QStringList args;
    for (const ChannelFolder &channel : m_policy.channelFolders)
        args << QStringLiteral("--ro-bind") << channel.host << channel.inside;
    if (!m_network || !m_network->isOn())
        return args;
    return args << QStringLiteral("--ro-bind") << m_network->hostFolder()
                << QString::fromLatin1(SandboxNetwork::kInside);
}

base::Status BubblewrapSandbox::prepareCgroups()
{
    m_cgroups = CgroupSet::create();
    if (!m_cgroups) {
        qCWarning(lcSandbox, "no writable cgroups: process, memory and CPU limits are not "
                             "enforced (run Tandem as root or give it a delegated cgroup)");
        return {};
    }
    if (m_policy.limits.processes > 0)
        m_cgroups->setProcessLimit(m_policy.limits.processes);
    if (m_policy.limits.memoryBytes > 0)
        m_cgroups->setMemoryLimit(m_policy.limits.memoryBytes);
    return {};
}

base::Status BubblewrapSandbox::start()
{
    QMutexLocker lock(&m_mutex);
    if (m_link)
        return {};
    if (auto installed = checkInstalled(); !installed)
        return installed;
    m_bwrap = QStandardPaths::findExecutable(QStringLiteral("bwrap"));
    auto init = InitBinary::find();
    if (!init)
        return std::unexpected(init.error());
    m_init = *init;
    if (!QFileInfo(m_policy.workspace).isDir()) {
        return base::fail(
            "sandbox_workspace",
            QStringLiteral("The workspace %1 does not exist.").arg(m_policy.workspace));
    }

    auto etc = EtcSnapshot::path();
    if (!etc)
        return std::unexpected(etc.error());
    m_etc = *etc;

    m_guard = std::make_unique<DeniedPathGuard>(m_policy.workspace, allDeniedPaths(m_policy));
    prepareCgroups();
    // Every decision of the proxy goes to the audit log, from the proxy's own threads.
    m_network = std::make_unique<SandboxNetwork>(
        m_policy.allowedHosts, [this](const std::string &kind, nlohmann::json fields) {
            record(kind, std::move(fields));
        });
    if (auto network = m_network->start(); !network) {
        m_network.reset();
        m_cgroups.reset();
        return network;
    }
    auto seccomp = SeccompFilter::compile();
    if (!seccomp)
        return std::unexpected(seccomp.error());

    // The supervisor joins the sandbox's cgroups first thing, so every command is inside them.
    std::vector<SupervisorLink::Inherited> inherited{{*seccomp, kSeccompFd}};
    const std::vector<int> joinFds = m_cgroups ? m_cgroups->openJoinFiles() : std::vector<int>();
    for (std::size_t i = 0; i < joinFds.size(); ++i)
        inherited.push_back({joinFds[i], kFirstJoinFd + int(i)});

    QStringList argv = commandLine();
    for (std::size_t i = 0; i < joinFds.size(); ++i)
        argv << QStringLiteral("--join") << QString::number(kFirstJoinFd + int(i));

    auto link = SupervisorLink::launch(argv, inherited, std::chrono::seconds(20));
    ::close(*seccomp);
    for (int fd : joinFds)
        ::close(fd);
    if (!link) {
        m_network.reset();
        m_cgroups.reset();
        return std::unexpected(link.error());
    }
    m_link = std::move(*link);
    recordStart();
    qCInfo(lcSandbox, "bubblewrap sandbox ready for %s", qPrintable(m_policy.workspace));
    return {};
}

void BubblewrapSandbox::stop()
{
    QMutexLocker lock(&m_mutex);
    if (!m_link)
        return;
    // Killing the supervisor ends its pid namespace, and with it every process inside; where
    // there are no cgroups, it does the same itself when told to stop.
    if (m_cgroups)
        m_cgroups->signalAll();
    m_link->shutDown();
    m_link.reset();
    m_network.reset();
    record("sandbox_stop", {{"backend", "bubblewrap"}});
    m_cgroups.reset(); // removes the groups
}

QStringList BubblewrapSandbox::systemBinds() const
{
    QStringList args{QStringLiteral("--ro-bind"), QStringLiteral("/usr"), QStringLiteral("/usr")};

    for (const char *link : kMergedUsrLinks) {
        const QFileInfo info(QString::fromLatin1(link));
        if (info.isSymLink())
            args << QStringLiteral("--symlink") << info.symLinkTarget() << info.filePath();
        else if (info.exists())
            args << QStringLiteral("--ro-bind") << info.filePath() << info.filePath();
    }

    args << QStringLiteral("--ro-bind") << m_etc << QStringLiteral("/etc");

    for (const QString &path : m_policy.readOnlyPaths)
        args << QStringLiteral("--ro-bind") << path << path;
    for (const QString &path : m_policy.readWritePaths)
        args << QStringLiteral("--bind") << path << path;

    args << QStringLiteral("--ro-bind") << m_init << QString::fromLatin1(kInitInside);
    return args;
}

QStringList BubblewrapSandbox::workspaceBinds() const
{
    const QString inside = m_policy.workspaceInside;
    QStringList args{QStringLiteral("--bind"), m_policy.workspace, inside};

    // Commits and pushes are the host's: inside, .git and the other denied paths can be read
    // but not changed, so nothing planted there runs later on the host. Only existing paths
    // are bound (bwrap would create a missing one on the host); the guard handles the rest.
    const QStringList denied = m_guard ? m_guard->bindable() : QStringList();
    for (const QString &relative : denied) {
        const QString host = QDir(m_policy.workspace).filePath(relative);
        args << QStringLiteral("--ro-bind") << host << inside + QLatin1Char('/') + relative;
    }

    // Git's hooks run programs and its config can name some (and hold credentials): hidden.
    const QDir git(QDir(m_policy.workspace).filePath(QStringLiteral(".git")));
    if (denied.contains(QStringLiteral(".git")) && git.exists()) {
        if (QFileInfo(git.filePath(QStringLiteral("config"))).isFile())
            args << QStringLiteral("--ro-bind") << QStringLiteral("/dev/null")
                 << inside + QStringLiteral("/.git/config");
        if (QFileInfo(git.filePath(QStringLiteral("hooks"))).isDir())
            args << QStringLiteral("--tmpfs") << inside + QStringLiteral("/.git/hooks")
                 << QStringLiteral("--remount-ro") << inside + QStringLiteral("/.git/hooks");
    }
    return args;
}

QStringList BubblewrapSandbox::commandEnvironment() const
{
    QStringList environment = baseEnvironment();
    if (m_network)
        environment << m_network->environment();
    return environment;
}

QStringList BubblewrapSandbox::commandLine() const
{
    QStringList args{m_bwrap.isEmpty() ? QStringLiteral("bwrap") : m_bwrap,
                     QStringLiteral("--unshare-all"),
                     QStringLiteral("--unshare-user"),
                     QStringLiteral("--disable-userns"),
                     QStringLiteral("--die-with-parent"),
                     QStringLiteral("--new-session"),
                     QStringLiteral("--as-pid-1"),
                     QStringLiteral("--uid"),
                     QString::number(EtcSnapshot::kSandboxUid),
                     QStringLiteral("--gid"),
                     QString::number(EtcSnapshot::kSandboxUid),
                     QStringLiteral("--cap-drop"),
                     QStringLiteral("ALL"),
                     QStringLiteral("--hostname"),
                     QStringLiteral("tandem-sandbox"),
                     QStringLiteral("--seccomp"),
                     QString::number(kSeccompFd)};

    args << systemBinds();
    args << QStringLiteral("--proc") << QStringLiteral("/proc");
    // The sandbox's user is the host's own user: the kernel checks writes to these by uid,
    // not capability, so left writable they would let a command change the host's sysctls
    // (kernel.core_pattern runs a program as that user on the next crash).
    for (const char *path : kReadOnlyProc) {
        if (QFileInfo::exists(QString::fromLatin1(path)))
            args << QStringLiteral("--ro-bind") << QString::fromLatin1(path)
                 << QString::fromLatin1(path);
    }
    args << QStringLiteral("--dev") << QStringLiteral("/dev");
    if (const qint64 size = tmpSize(m_policy.limits); size > 0)
        args << QStringLiteral("--size") << QString::number(size);
    args << QStringLiteral("--tmpfs") << QStringLiteral("/tmp") << QStringLiteral("--dir")
         << QString::fromLatin1(kHomeInside);
    args << workspaceBinds();
    args << channelBinds();
    // Last, so that every mount point above exists: the root itself turns read-only.
    args << QStringLiteral("--remount-ro") << QStringLiteral("/");
    args << QStringLiteral("--clearenv") << QStringLiteral("--setenv") << QStringLiteral("PATH")
         << QStringLiteral("/usr/bin:/bin");
    args << QStringLiteral("--chdir") << m_policy.workspaceInside << QStringLiteral("--")
         << QString::fromLatin1(kInitInside) << QStringLiteral("--control")
         << QString::number(SupervisorLink::kControlFd);
    if (m_network)
        args << m_network->forwarderArguments();
    return args;
}

base::Result<ExecResult> BubblewrapSandbox::exec(const ExecRequest &request,
                                                 const base::CancelToken &cancel)
{
    QMutexLocker lock(&m_mutex);
    if (!m_link || !m_link->isAlive())
        return base::fail("sandbox_stopped", QStringLiteral("The sandbox is not running."));
    if (request.argv.isEmpty())
        return base::fail("exec_failed", QStringLiteral("No command to run."));

    const long long id = m_nextId++;
    recordExec(id, request);
    SupervisedCommand command({*m_link, m_cgroups.get(), m_policy, commandEnvironment()}, id);
    auto result = command.run(request, cancel);

    const QStringList notes = m_guard ? m_guard->enforce() : QStringList();
    if (result && !notes.isEmpty()) {
        for (const QString &note : notes) {
            const QByteArray line = "\n[tandem] " + note.toUtf8();
            result->stderrData += line;
            result->stderrBytes += line.size();
        }
    }
    recordGuardNotes(id, notes);
    if (result)
        recordExit(id, *result);
    else
        record("sandbox_error", {{"command", id}, {"error", result.error().message.toStdString()}});
    return result;
}

} // namespace tandem::sandbox
