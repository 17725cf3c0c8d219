#include "commandlaunch.h"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <linux/close_range.h>
#include <sys/resource.h>
#include <unistd.h>

namespace tandem::sandboxinit {

namespace {

// What the child tells its parent when it cannot become the command: where, and errno.
struct LaunchFailure
{
    char step[24];
    int error;
};

[[noreturn]] void failChild(int reportFd, const char *step)
{
    LaunchFailure failure{};
    std::strncpy(failure.step, step, sizeof(failure.step) - 1);
    failure.error = errno;
    (void)!::write(reportFd, &failure, sizeof(failure));
    _exit(127);
}

// `grace` above the soft limit for the hard one: SIGXCPU first, so the kill can be told apart.
void setLimit(int resource, long long value, long long grace = 0)
{
    if (value <= 0)
        return;
    const rlimit limit{static_cast<rlim_t>(value), static_cast<rlim_t>(value + grace)};
    ::setrlimit(resource, &limit);
}

std::vector<char *> pointers(std::vector<std::string> &strings)
{
    std::vector<char *> result;
    for (std::string &s : strings)
        result.push_back(s.data());
    result.push_back(nullptr);
    return result;
}

// Runs in the child between fork and exec: only async-signal-safe calls from here on.
[[noreturn]] void becomeCommand(const LaunchSpec &spec, int reportFd, char **argv, char **envp)
{
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    for (int signal : {SIGPIPE, SIGCHLD, SIGTERM, SIGINT, SIGHUP})
        ::signal(signal, SIG_DFL);

    // Joining first: every process the command forks is counted and can be killed as a group.
    for (int fd : spec.cgroupFds) {
        if (::write(fd, "0", 1) != 1)
            failChild(reportFd, "join cgroup");
    }
    if (::setsid() < 0)
        failChild(reportFd, "setsid");

    setLimit(RLIMIT_CPU, spec.cpuSeconds, 1);
    setLimit(RLIMIT_FSIZE, spec.fileSizeBytes);
    setLimit(RLIMIT_CORE, 0);

    const int nullFd = ::open("/dev/null", O_RDONLY);
    if (nullFd < 0 || ::dup2(nullFd, 0) < 0 || ::dup2(spec.stdoutFd, 1) < 0
        || ::dup2(spec.stderrFd, 2) < 0)
        failChild(reportFd, "redirect output");

    if (!spec.workingDirectory.empty() && ::chdir(spec.workingDirectory.c_str()) < 0)
        failChild(reportFd, "chdir");

    // Nothing of ours beyond the three standard streams: not the cgroup files, not the pipes
    // of other commands. The report pipe is close-on-exec and survives until the exec.
    ::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);

    ::execvpe(argv[0], argv, envp);
    failChild(reportFd, "exec");
}

} // namespace

Launched launchCommand(const LaunchSpec &spec)
{
    if (spec.argv.empty())
        return {-1, "no command"};

    std::vector<std::string> argvStrings = spec.argv;
    std::vector<std::string> envStrings = spec.environment;
    std::vector<char *> argv = pointers(argvStrings);
    std::vector<char *> envp = pointers(envStrings);

    int report[2];
    if (::pipe2(report, O_CLOEXEC) != 0)
        return {-1, std::string("pipe: ") + std::strerror(errno)};

    const pid_t pid = ::fork();
    if (pid < 0) {
        const int error = errno;
        ::close(report[0]);
        ::close(report[1]);
        return {-1, std::string("fork: ") + std::strerror(error)};
    }
    if (pid == 0) {
        ::close(report[0]);
        becomeCommand(spec, report[1], argv.data(), envp.data());
    }

    // The report pipe closes on a successful exec; anything read means the child failed.
    ::close(report[1]);
    LaunchFailure failure{};
    ssize_t n;
    do {
        n = ::read(report[0], &failure, sizeof(failure));
    } while (n < 0 && errno == EINTR);
    ::close(report[0]);
    if (n == static_cast<ssize_t>(sizeof(failure))) {
        // The child exits at once; the reaper collects it with the orphans.
        const std::string what = std::strcmp(failure.step, "exec") == 0
                                     ? "cannot run " + spec.argv.front()
                                     : std::string(failure.step);
        return {-1, what + ": " + std::strerror(failure.error)};
    }
    return {pid, {}};
}

} // namespace tandem::sandboxinit
