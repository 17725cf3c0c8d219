#include "supervisor.h"

#include "commandlaunch.h"
#include "sandbox/controlwire.h"

#include <cerrno>
#include <csignal>
#include <poll.h>
#include <pthread.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

namespace tandem::sandboxinit {

namespace wire = tandem::sandbox::wire;

namespace {

constexpr int kReapEveryMs = 1000;

void closeAll(const std::vector<int> &fds)
{
    for (int fd : fds)
        ::close(fd);
}

template <typename T>
T valueOr(const nlohmann::json &object, const char *key, T fallback)
{
    const auto it = object.find(key);
    return it == object.end() ? fallback : it->get<T>();
}

// The request's descriptors, in the order the host sends them: stdout, stderr, then cgroups.
LaunchSpec specFrom(const nlohmann::json &request, const std::vector<int> &fds)
{
    LaunchSpec spec;
    spec.argv = request.at("argv").get<std::vector<std::string>>();
    spec.environment = valueOr<std::vector<std::string>>(request, "env", {});
    spec.workingDirectory = valueOr<std::string>(request, "cwd", {});
    spec.cpuSeconds = valueOr<long long>(request, "cpu_seconds", 0);
    spec.fileSizeBytes = valueOr<long long>(request, "file_size_bytes", 0);
    spec.stdoutFd = fds.at(0);
    spec.stderrFd = fds.at(1);
    spec.cgroupFds.assign(fds.begin() + 2, fds.end());
    return spec;
}

} // namespace

Supervisor::Supervisor(int controlSocket)
    : m_control(controlSocket)
{}

void Supervisor::blockSignals()
{
    sigset_t childSignals;
    sigemptyset(&childSignals);
    sigaddset(&childSignals, SIGCHLD);
    ::pthread_sigmask(SIG_BLOCK, &childSignals, nullptr);
}

int Supervisor::run()
{
    blockSignals();
    sigset_t childSignals;
    sigemptyset(&childSignals);
    sigaddset(&childSignals, SIGCHLD);
    m_childSignals = ::signalfd(-1, &childSignals, SFD_CLOEXEC | SFD_NONBLOCK);
    ::signal(SIGPIPE, SIG_IGN);

    reply({{"op", "ready"}});
    for (;;) {
        pollfd fds[2] = {{m_control, POLLIN, 0}, {m_childSignals, POLLIN, 0}};
        // The timeout is a safety net: a missed signal costs a second, never a hang.
        const int ready = ::poll(fds, 2, kReapEveryMs);
        if (ready < 0 && errno != EINTR)
            break;
        if (ready == 0) {
            reapChildren();
            continue;
        }
        if (fds[1].revents) {
            signalfd_siginfo info;
            while (::read(m_childSignals, &info, sizeof(info)) > 0) {
            }
            reapChildren();
        }
        if (fds[0].revents && !handleRequest())
            break;
    }

    // Tandem is gone or asked us to stop: nothing started here may outlive the sandbox.
    ::kill(-1, SIGKILL);
    return 0;
}

bool Supervisor::handleRequest()
{
    wire::Message message;
    if (!wire::receive(m_control, message))
        return errno == EMSGSIZE;

    const auto request = nlohmann::json::parse(message.text, nullptr, false);
    const std::string op = request.is_object() ? valueOr<std::string>(request, "op", {}) : "";
    if (op == "exec") {
        startCommand(request, message.fds);
    } else if (op == "kill_all") {
        // Without cgroups this is how a command's escaped children die: everyone but us.
        ::kill(-1, SIGKILL);
        reply({{"op", "killed_all"}});
    } else if (op == "stop") {
        closeAll(message.fds);
        return false;
    }
    closeAll(message.fds);
    return true;
}

void Supervisor::startCommand(const nlohmann::json &request, const std::vector<int> &fds)
{
    const long long id = valueOr<long long>(request, "id", -1);
    Launched launched;
    try {
        if (fds.size() < 2)
            throw std::invalid_argument("output pipes missing");
        launched = launchCommand(specFrom(request, fds));
    } catch (const std::exception &error) {
        launched.error = std::string("bad request: ") + error.what();
    }

    if (launched.pid < 0) {
        reply({{"op", "failed"}, {"id", id}, {"error", launched.error}});
        return;
    }
    m_commands[launched.pid] = id;
    reply({{"op", "started"}, {"id", id}});
}

void Supervisor::reapChildren()
{
    int status = 0;
    pid_t pid;
    while ((pid = ::waitpid(-1, &status, WNOHANG)) > 0) {
        const auto command = m_commands.find(pid);
        if (command == m_commands.end())
            continue; // an orphan the namespace handed to us

        nlohmann::json exited{{"op", "exited"}, {"id", command->second}};
        if (WIFEXITED(status))
            exited["code"] = WEXITSTATUS(status);
        else if (WIFSIGNALED(status))
            exited["signal"] = WTERMSIG(status);
        m_commands.erase(command);
        reply(exited);
    }
}

void Supervisor::reply(const nlohmann::json &message)
{
    wire::send(m_control, message.dump());
}

} // namespace tandem::sandboxinit
