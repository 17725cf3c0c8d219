#include "sandbox/supervisedcommand.h"

#include "sandbox/cgroupset.h"
#include "sandbox/outputsink.h"
#include "sandbox/supervisorlink.h"

#include <QFile>
#include <QLoggingCategory>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sys/statvfs.h>
#include <unistd.h>

namespace tandem::sandbox {

Q_DECLARE_LOGGING_CATEGORY(lcSandbox)

namespace {

constexpr int kPollMs = 10;
constexpr qint64 kWatchEveryMs = 10;
// After the command's processes are dead their pipes close at once; this only bounds a
// machine without cgroups, where a child outside our reach might hold one.
constexpr qint64 kDrainGraceMs = 300;
// How long the supervisor may take to report a killed command before the sandbox counts as
// broken.
constexpr qint64 kKillGraceMs = 3000;

qint64 freeBytes(const QString &path)
{
    struct statvfs info;
    if (::statvfs(QFile::encodeName(path).constData(), &info) != 0)
        return 0;
    return static_cast<qint64>(info.f_bavail) * static_cast<qint64>(info.f_frsize);
}

void closeFd(int &fd)
{
    if (fd >= 0)
        ::close(fd);
    fd = -1;
}

nlohmann::json toJson(const QStringList &list)
{
    auto array = nlohmann::json::array();
    for (const QString &item : list)
        array.push_back(item.toStdString());
    return array;
}

} // namespace

SupervisedCommand::SupervisedCommand(Context context, long long id)
    : m_context(std::move(context))
    , m_id(id)
{}

SupervisedCommand::~SupervisedCommand()
{
    closeFd(m_stdout);
    closeFd(m_stderr);
}

base::Status SupervisedCommand::begin(const ExecRequest &request)
{
    const ResourceLimits &limits = m_context.policy.limits;
    if (m_context.sandboxGroup) {
        m_group = m_context.sandboxGroup->createChild(QStringLiteral("cmd-%1").arg(m_id));
        // The sandbox's own group caps all commands together; the same caps here put the
        // out-of-memory kill, and its count, in this command's group.
        if (m_group && limits.processes > 0)
            m_group->setProcessLimit(limits.processes);
        if (m_group && limits.memoryBytes > 0)
            m_group->setMemoryLimit(limits.memoryBytes);
    }

    int out[2], err[2];
    if (::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0) {
        return base::fail(
            "exec_failed",
            QStringLiteral("Cannot create pipes: %1").arg(QString::fromUtf8(std::strerror(errno))));
    }
    m_stdout = out[0];
    m_stderr = err[0];
    ::fcntl(m_stdout, F_SETFL, O_NONBLOCK);
    ::fcntl(m_stderr, F_SETFL, O_NONBLOCK);

    const nlohmann::json message{
        {"op", "exec"},
        {"id", m_id},
        {"argv", toJson(request.argv)},
        {"env", toJson(m_context.environment)},
        {"cwd", (request.workingDirectory.isEmpty() ? m_context.policy.workspaceInside
                                                    : request.workingDirectory)
                    .toStdString()},
        {"cpu_seconds", limits.cpuTime.count()},
        {"file_size_bytes", limits.diskBytes}};

    std::vector<int> fds{out[1], err[1]};
    if (m_group) {
        for (int fd : m_group->openJoinFiles())
            fds.push_back(fd);
    }
    const bool sent = m_context.link.send(message, fds);
    for (int fd : fds)
        ::close(fd);
    if (!sent)
        return base::fail("sandbox_failed", QStringLiteral("The sandbox stopped unexpectedly."));
    return {};
}

base::Result<ExecResult> SupervisedCommand::run(const ExecRequest &request,
                                                const base::CancelToken &cancel)
{
    m_clock.start();
    // The caller may ask for less than the policy allows, never for more.
    const ResourceLimits &limits = m_context.policy.limits;
    const qint64 cap = limits.outputBytes > 0 ? std::min(request.outputCap, limits.outputBytes)
                                              : request.outputCap;
    m_timeout =
        limits.wallTime.count() > 0 ? std::min(request.timeout, limits.wallTime) : request.timeout;
    m_stdoutSink = std::make_unique<OutputSink>(cap);
    m_stderrSink = std::make_unique<OutputSink>(cap);
    m_freeAtStart = freeBytes(m_context.policy.workspace);
    if (auto begun = begin(request); !begun)
        return std::unexpected(begun.error());

    while (!finished()) {
        pollfd fds[3] = {
            {m_stdout, POLLIN, 0}, {m_stderr, POLLIN, 0}, {m_context.link.socket(), POLLIN, 0}};
        if (::poll(fds, 3, kPollMs) > 0) {
            if (fds[0].revents && !m_stdoutSink->readFrom(m_stdout))
                closeFd(m_stdout);
            if (fds[1].revents && !m_stderrSink->readFrom(m_stderr))
                closeFd(m_stderr);
            if (fds[2].revents) {
                if (auto message = m_context.link.receive(std::chrono::milliseconds(0)))
                    handleMessage(*message);
            }
        }
        if (!m_context.link.isAlive()) {
            return base::fail("sandbox_failed",
                              QStringLiteral("The sandbox stopped unexpectedly."));
        }
        if (m_killedAt >= 0 && m_exitedAt < 0 && m_clock.elapsed() - m_killedAt > kKillGraceMs) {
            return base::fail("sandbox_failed",
                              QStringLiteral("The sandbox did not stop a command it was told to "
                                             "kill."));
        }
        watchLimits(cancel);
    }
    return collect();
}

void SupervisedCommand::handleMessage(const nlohmann::json &message)
{
    if (message.value("id", -1LL) != m_id)
        return;

    const std::string op = message.value("op", "");
    if (op == "failed") {
        m_launchError = QByteArray::fromStdString(message.value("error", "")) + '\n';
        m_exitCode = 127;
        m_exitedAt = m_clock.elapsed();
    } else if (op == "exited") {
        m_exitCode = message.value("code", -1);
        m_signal = message.value("signal", 0);
        m_exitedAt = m_clock.elapsed();
        // The main process is done: whatever it left running goes with it.
        if (m_killedAt < 0)
            killEverything(LimitHit::None);
    }
}

void SupervisedCommand::watchLimits(const base::CancelToken &cancel)
{
    if (m_killedAt >= 0)
        return;
    if (cancel.isCancelled()) {
        m_cancelled = true;
        killEverything(LimitHit::None);
        return;
    }
    if (m_clock.elapsed() > m_timeout.count()) {
        killEverything(LimitHit::WallTime);
        return;
    }

    // Cheap (a statvfs and a cgroup file), but not free: a hundred times a second at most.
    if (m_clock.elapsed() - m_lastWatch < kWatchEveryMs)
        return;
    m_lastWatch = m_clock.elapsed();
    if (m_group && cpuLimitNs() > 0 && m_group->cpuNanoseconds() > cpuLimitNs()) {
        killEverything(LimitHit::CpuTime);
    } else if (diskCapPassed()) {
        killEverything(LimitHit::Disk);
    }
}

// The filesystem's free space is cheap to read but shared: others' writes count too. A drop
// past the cap is only blamed on the command when its own processes wrote that much.
bool SupervisedCommand::diskCapPassed() const
{
    const qint64 cap = m_context.policy.limits.diskBytes;
    if (cap <= 0 || m_freeAtStart - freeBytes(m_context.policy.workspace) <= cap)
        return false;
    return !m_group || m_group->bytesWritten() > cap;
}

qint64 SupervisedCommand::cpuLimitNs() const
{
    return qint64(m_context.policy.limits.cpuTime.count()) * 1'000'000'000;
}

void SupervisedCommand::killEverything(LimitHit reason)
{
    qCInfo(lcSandbox, "command %lld: killing its processes (%s) at %lld ms", m_id,
           Sandbox::limitName(reason), m_clock.elapsed());
    if (m_limit == LimitHit::None)
        m_limit = reason;
    m_killedAt = m_clock.elapsed();
    if (m_group)
        m_group->killAll();
    else
        m_context.link.send({{"op", "kill_all"}});
}

bool SupervisedCommand::finished() const
{
    if (m_exitedAt < 0)
        return false;
    const bool pipesClosed = m_stdout < 0 && m_stderr < 0;
    return pipesClosed || m_clock.elapsed() - m_exitedAt > kDrainGraceMs;
}

ExecResult SupervisedCommand::collect() const
{
    ExecResult result;
    result.exitCode = m_signal != 0 ? -1 : m_exitCode;
    result.signal = m_signal;
    result.cancelled = m_cancelled;
    result.limitHit = m_limit;
    result.timedOut = m_limit == LimitHit::WallTime;
    result.duration = std::chrono::milliseconds(m_clock.elapsed());

    result.stdoutData = m_stdoutSink->finish();
    result.stdoutBytes = m_stdoutSink->total();
    result.stdoutTruncated = m_stdoutSink->truncated();
    result.stderrData = m_launchError + m_stderrSink->finish();
    result.stderrBytes = m_stderrSink->total() + m_launchError.size();
    result.stderrTruncated = m_stderrSink->truncated();

    // Limits the kernel enforced itself, read back so the caller learns which one it was.
    // A shell reports a child's death by signal N as status 128 + N.
    const auto diedOf = [this](int signal) {
        return m_signal == signal || m_exitCode == 128 + signal;
    };
    if (result.limitHit == LimitHit::None) {
        if (diedOf(SIGXCPU))
            result.limitHit = LimitHit::CpuTime;
        else if (diedOf(SIGXFSZ))
            result.limitHit = LimitHit::Disk;
        else if (m_signal == SIGKILL && m_group && cpuLimitNs() > 0
                 && m_group->cpuNanoseconds() >= cpuLimitNs())
            result.limitHit = LimitHit::CpuTime; // the hard RLIMIT_CPU, after an ignored SIGXCPU
        else if (m_group && m_group->oomKills() > 0)
            result.limitHit = LimitHit::Memory;
        else if (m_group && m_group->processLimitHits() > 0)
            result.limitHit = LimitHit::Processes;
    }
    return result;
}

} // namespace tandem::sandbox
