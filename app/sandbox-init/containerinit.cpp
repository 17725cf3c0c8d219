#include "containerinit.h"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <sys/wait.h>
#include <unistd.h>

namespace tandem::sandboxinit {

namespace {

sigset_t waitedSignals()
{
    sigset_t set;
    sigemptyset(&set);
    for (int signal : {SIGCHLD, SIGTERM, SIGINT, SIGHUP})
        sigaddset(&set, signal);
    return set;
}

int shellStatus(int status)
{
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

} // namespace

ContainerInit::ContainerInit(std::vector<std::string> command)
    : m_command(std::move(command))
{}

void ContainerInit::blockSignals()
{
    const sigset_t set = waitedSignals();
    ::pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

bool ContainerInit::startCommand()
{
    std::vector<char *> argv;
    for (std::string &arg : m_command)
        argv.push_back(arg.data());
    argv.push_back(nullptr);

    m_pid = ::fork();
    if (m_pid < 0) {
        std::perror("tandem-sandbox-init: cannot start the command");
        return false;
    }
    if (m_pid == 0) {
        sigset_t none;
        sigemptyset(&none);
        ::sigprocmask(SIG_SETMASK, &none, nullptr);
        ::execvp(argv.front(), argv.data());
        std::fprintf(stderr, "tandem-sandbox-init: %s: %s\n", argv.front(), std::strerror(errno));
        ::_exit(127);
    }
    return true;
}

bool ContainerInit::reap()
{
    bool commandEnded = false;
    int status = 0;
    pid_t pid;
    while ((pid = ::waitpid(-1, &status, WNOHANG)) > 0) {
        if (pid == m_pid) {
            m_status = shellStatus(status);
            commandEnded = true;
        }
    }
    return commandEnded;
}

int ContainerInit::run()
{
    if (!m_command.empty() && !startCommand())
        return 126;

    const sigset_t set = waitedSignals();
    for (;;) {
        siginfo_t info;
        const int signal = ::sigwaitinfo(&set, &info);
        if (signal < 0)
            continue; // EINTR
        if (signal == SIGCHLD) {
            if (reap())
                return m_status;
            continue;
        }
        // Only the engine may stop the container: it signals from outside our pid namespace,
        // where the sender shows as pid 0. A command's `kill -TERM 1` is ignored.
        if (info.si_pid != 0)
            continue;
        // Asked to stop: the command goes first, and its end ends us; idle, we end at once.
        if (m_pid <= 0)
            return 0;
        ::kill(m_pid, signal);
    }
}

} // namespace tandem::sandboxinit
