#include "sandbox/bubblewrapsandbox.h"

#include "sandbox/pidscgroup.h"
#include "sandbox/processrunner.h"

#include <QDir>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QStandardPaths>

#include <nlohmann/json.hpp>

namespace tandem::sandbox {

Q_DECLARE_LOGGING_CATEGORY(lcSandbox)

namespace {

constexpr char kSandboxHome[] = "/tmp/home";
constexpr char kSandboxUid[] = "1000";

// Files of /etc that programs need to start and that hold nothing of the user's.
const char *const kEtcFiles[] = {
    "/etc/alternatives", "/etc/ld.so.cache",     "/etc/ld.so.conf", "/etc/ld.so.conf.d",
    "/etc/localtime",    "/etc/nsswitch.conf",   "/etc/passwd",     "/etc/group",
    "/etc/ssl",          "/etc/ca-certificates", "/etc/mime.types", "/etc/python3",
    "/etc/python3.11",   "/etc/bash.bashrc",     "/etc/inputrc",    "/etc/profile",
};

const char *const kMergedUsrLinks[] = {"/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"};

// Did bwrap get as far as starting the command? It reports {"child-pid": N} on fd 3 if so.
bool childStarted(const QByteArray &status)
{
    for (const QByteArray &line : status.split('\n')) {
        const auto report = nlohmann::json::parse(line.toStdString(), nullptr, false);
        if (report.is_object() && report.contains("child-pid"))
            return true;
    }
    return false;
}

} // namespace

BubblewrapSandbox::BubblewrapSandbox(SandboxPolicy policy)
    : m_policy(std::move(policy))
{}

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
    return QStringLiteral("bubblewrap (workspace %1, no network)").arg(m_policy.workspace);
}

base::Status BubblewrapSandbox::start()
{
    if (auto installed = checkInstalled(); !installed)
        return installed;
    m_bwrap = QStandardPaths::findExecutable(QStringLiteral("bwrap"));

    if (!QFileInfo(m_policy.workspace).isDir()) {
        return base::fail(
            "sandbox_workspace",
            QStringLiteral("The workspace %1 does not exist.").arg(m_policy.workspace));
    }

    // A trial command proves the kernel lets us build the namespaces before the agent needs it.
    m_started = true;
    ExecRequest trial;
    trial.argv = {QStringLiteral("true")};
    trial.timeout = std::chrono::seconds(20);
    auto probe = exec(trial, base::CancelToken());
    if (!probe) {
        m_started = false;
        return std::unexpected(probe.error());
    }
    qCInfo(lcSandbox, "bubblewrap sandbox ready for %s", qPrintable(m_policy.workspace));
    return {};
}

void BubblewrapSandbox::stop()
{
    // Each command's namespaces die with its bwrap process; nothing outlives exec().
    m_started = false;
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

    for (const char *file : kEtcFiles) {
        if (QFileInfo::exists(QString::fromLatin1(file)))
            args << QStringLiteral("--ro-bind") << QString::fromLatin1(file)
                 << QString::fromLatin1(file);
    }

    for (const QString &path : m_policy.readOnlyPaths)
        args << QStringLiteral("--ro-bind") << path << path;

    return args;
}

QStringList BubblewrapSandbox::workspaceBinds() const
{
    const QString inside = m_policy.workspaceInside;
    QStringList args{QStringLiteral("--bind"), m_policy.workspace, inside};

    // Commits and pushes are the host's: inside, .git (a folder, or a worktree's link file)
    // can be read but not changed, so nothing planted there runs later on the host.
    const QString git = QDir(m_policy.workspace).filePath(QStringLiteral(".git"));
    if (QFileInfo::exists(git))
        args << QStringLiteral("--ro-bind") << git << inside + QStringLiteral("/.git");
    return args;
}

QStringList BubblewrapSandbox::environment() const
{
    return {QStringLiteral("--clearenv"),
            QStringLiteral("--setenv"),
            QStringLiteral("PATH"),
            QStringLiteral("/usr/local/bin:/usr/bin:/bin"),
            QStringLiteral("--setenv"),
            QStringLiteral("HOME"),
            QString::fromLatin1(kSandboxHome),
            QStringLiteral("--setenv"),
            QStringLiteral("TMPDIR"),
            QStringLiteral("/tmp"),
            QStringLiteral("--setenv"),
            QStringLiteral("LANG"),
            QStringLiteral("C.UTF-8"),
            QStringLiteral("--setenv"),
            QStringLiteral("TERM"),
            QStringLiteral("dumb"),
            QStringLiteral("--setenv"),
            QStringLiteral("USER"),
            QStringLiteral("tandem"),
            QStringLiteral("--setenv"),
            QStringLiteral("PYTHONDONTWRITEBYTECODE"),
            QStringLiteral("1")};
}

QStringList BubblewrapSandbox::commandLine(const ExecRequest &request) const
{
    QStringList args{m_bwrap.isEmpty() ? QStringLiteral("bwrap") : m_bwrap,
                     QStringLiteral("--unshare-all"),
                     QStringLiteral("--unshare-user"),
                     QStringLiteral("--die-with-parent"),
                     QStringLiteral("--new-session"),
                     QStringLiteral("--uid"),
                     QString::fromLatin1(kSandboxUid),
                     QStringLiteral("--gid"),
                     QString::fromLatin1(kSandboxUid),
                     QStringLiteral("--cap-drop"),
                     QStringLiteral("ALL"),
                     QStringLiteral("--hostname"),
                     QStringLiteral("tandem-sandbox"),
                     QStringLiteral("--json-status-fd"),
                     QString::number(ProcessRunner::kStatusFd)};

    args << systemBinds();
    args << QStringLiteral("--proc") << QStringLiteral("/proc") << QStringLiteral("--dev")
         << QStringLiteral("/dev") << QStringLiteral("--tmpfs") << QStringLiteral("/tmp")
         << QStringLiteral("--dir") << QString::fromLatin1(kSandboxHome);
    args << workspaceBinds();
    // Last, so that every mount point above exists: the root itself turns read-only.
    args << QStringLiteral("--remount-ro") << QStringLiteral("/");
    args << environment();

    const QString cwd =
        request.workingDirectory.isEmpty() ? m_policy.workspaceInside : request.workingDirectory;
    args << QStringLiteral("--chdir") << cwd << QStringLiteral("--") << request.argv;
    return args;
}

base::Result<ExecResult> BubblewrapSandbox::exec(const ExecRequest &request,
                                                 const base::CancelToken &cancel)
{
    if (!m_started)
        return base::fail("sandbox_stopped", QStringLiteral("The sandbox is not running."));

    // bwrap itself stays visible inside as the namespace's first process, and its
    // /proc/1/environ with it: it must not inherit a single variable of ours.
    ProcessRunner::Options options;
    options.timeout = request.timeout;
    options.outputCap = request.outputCap;
    options.statusPipe = true;
    options.environment = {QStringLiteral("PATH=/usr/bin:/bin")};
    const auto pids = PidsCgroup::create(m_policy.limits.processes);
    const QStringList argv = pids ? pids->wrap(commandLine(request)) : commandLine(request);
    auto outcome = ProcessRunner::run(argv, options, cancel);
    if (!outcome)
        return std::unexpected(outcome.error());

    if (!childStarted(outcome->status) && !outcome->result.cancelled) {
        const QString why = QString::fromUtf8(outcome->result.stderrData).trimmed();
        qCWarning(lcSandbox, "bwrap failed to start: %s", qPrintable(why));
        return base::fail("sandbox_failed",
                          QStringLiteral("bubblewrap could not start the sandbox (%1): check that "
                                         "user namespaces are enabled (sysctl "
                                         "kernel.unprivileged_userns_clone=1).")
                              .arg(why));
    }
    return outcome->result;
}

} // namespace tandem::sandbox
