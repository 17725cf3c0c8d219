#include "sandbox/processrunner.h"

#include "sandbox/outputsink.h"

#include <QElapsedTimer>
#include <QLoggingCategory>

#include <array>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

namespace tandem::sandbox {

Q_DECLARE_LOGGING_CATEGORY(lcSandbox)

namespace {

constexpr int kPollMs = 20;
// After the process exits, how long a pipe may stay open (held by an escaped child) before we
// stop waiting for it.
constexpr qint64 kDrainGraceMs = 300;

struct Pipe
{
    int read = -1;
    int write = -1;

    bool open()
    {
        int fds[2];
        if (pipe2(fds, O_CLOEXEC) != 0)
            return false;
        // Keep our fds above the ones we map in the child so dup2 never lands on itself.
        read = fcntl(fds[0], F_DUPFD_CLOEXEC, 10);
        write = fcntl(fds[1], F_DUPFD_CLOEXEC, 10);
        ::close(fds[0]);
        ::close(fds[1]);
        return read >= 0 && write >= 0;
    }
    void closeRead()
    {
        if (read >= 0)
            ::close(read);
        read = -1;
    }
    void closeWrite()
    {
        if (write >= 0)
            ::close(write);
        write = -1;
    }
};

// Reads what is there; returns false at end of file.
bool drain(int fd, OutputSink &sink)
{
    std::array<char, 65536> buffer;
    const ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n > 0) {
        sink.append(buffer.data(), n);
        return true;
    }
    return n < 0 && (errno == EINTR || errno == EAGAIN);
}

std::vector<std::string> toStrings(const QStringList &argv)
{
    std::vector<std::string> strings;
    for (const QString &arg : argv)
        strings.push_back(arg.toStdString());
    return strings;
}

} // namespace

base::Result<ProcessRunner::Outcome>
ProcessRunner::run(const QStringList &argv, const Options &options, const base::CancelToken &cancel)
{
    if (argv.isEmpty())
        return base::fail("exec_failed", QStringLiteral("No command to run."));

    Pipe out, err, status;
    if (!out.open() || !err.open() || (options.statusPipe && !status.open()))
        return base::fail(
            "exec_failed",
            QStringLiteral("Cannot create pipes: %1").arg(QString::fromUtf8(strerror(errno))));

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, out.write, 1);
    posix_spawn_file_actions_adddup2(&actions, err.write, 2);
    if (options.statusPipe)
        posix_spawn_file_actions_adddup2(&actions, status.write, kStatusFd);

    // Its own process group, so that a kill reaches everything it started on the host side.
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK);
    posix_spawnattr_setpgroup(&attributes, 0);
    sigset_t noSignals;
    sigemptyset(&noSignals);
    posix_spawnattr_setsigmask(&attributes, &noSignals);

    std::vector<std::string> strings = toStrings(argv);
    std::vector<char *> args;
    for (std::string &s : strings)
        args.push_back(s.data());
    args.push_back(nullptr);

    std::vector<std::string> variables = toStrings(options.environment);
    std::vector<char *> envp;
    for (std::string &s : variables)
        envp.push_back(s.data());
    envp.push_back(nullptr);

    QElapsedTimer clock;
    clock.start();
    pid_t pid = -1;
    const int spawnError = posix_spawnp(&pid, args[0], &actions, &attributes, args.data(),
                                        variables.empty() ? environ : envp.data());
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    out.closeWrite();
    err.closeWrite();
    status.closeWrite();

    if (spawnError != 0) {
        out.closeRead();
        err.closeRead();
        status.closeRead();
        return base::fail("exec_failed",
                          QStringLiteral("Cannot start %1: %2")
                              .arg(argv.first(), QString::fromUtf8(strerror(spawnError))));
    }

    Outcome outcome;
    ExecResult &result = outcome.result;
    OutputSink outSink(&result.stdoutData, &result.stdoutBytes, &result.stdoutTruncated,
                       options.outputCap);
    OutputSink errSink(&result.stderrData, &result.stderrBytes, &result.stderrTruncated,
                       options.outputCap);
    bool statusTruncated = false;
    qint64 statusBytes = 0;
    OutputSink statusSink(&outcome.status, &statusBytes, &statusTruncated, 64 * 1024);

    bool exited = false;
    int waitStatus = 0;
    qint64 exitedAt = -1;
    bool killed = false;

    auto killGroup = [&] {
        if (!killed && !exited)
            ::kill(-pid, SIGKILL);
        killed = true;
    };

    while (out.read >= 0 || err.read >= 0 || status.read >= 0 || !exited) {
        if (!exited && waitpid(pid, &waitStatus, WNOHANG) == pid) {
            exited = true;
            exitedAt = clock.elapsed();
        }

        if (!killed && cancel.isCancelled()) {
            result.cancelled = true;
            killGroup();
        } else if (!killed && clock.elapsed() > options.timeout.count()) {
            result.timedOut = true;
            killGroup();
        }

        // Something outside our group still holds a pipe: stop waiting for it.
        if (exited && exitedAt >= 0 && clock.elapsed() - exitedAt > kDrainGraceMs) {
            out.closeRead();
            err.closeRead();
            status.closeRead();
            break;
        }

        std::array<pollfd, 3> fds{pollfd{out.read, POLLIN, 0}, pollfd{err.read, POLLIN, 0},
                                  pollfd{status.read, POLLIN, 0}};
        if (::poll(fds.data(), fds.size(), kPollMs) <= 0)
            continue;

        if (fds[0].revents && !drain(out.read, outSink))
            out.closeRead();
        if (fds[1].revents && !drain(err.read, errSink))
            err.closeRead();
        if (fds[2].revents && !drain(status.read, statusSink))
            status.closeRead();
    }

    if (!exited)
        waitpid(pid, &waitStatus, 0);
    outSink.finish();
    errSink.finish();
    statusSink.finish();

    result.duration = std::chrono::milliseconds(clock.elapsed());
    if (WIFEXITED(waitStatus))
        result.exitCode = WEXITSTATUS(waitStatus);
    else if (WIFSIGNALED(waitStatus))
        result.signal = WTERMSIG(waitStatus);
    return outcome;
}

} // namespace tandem::sandbox
