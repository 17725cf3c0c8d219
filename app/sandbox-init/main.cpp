#include "confinement.h"
#include "containerinit.h"
#include "lease.h"
#include "supervisor.h"
#include "tcpforwarder.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <memory>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

// Joins the cgroups whose cgroup.procs files Tandem opened for us, before anything forks.
bool joinGroup(int fd)
{
    const bool joined = ::write(fd, "0", 1) == 1;
    ::close(fd);
    return joined;
}

struct Arguments
{
    int control = -1;
    bool forwardOnly = false;
    bool confine = false;
    std::string proxySocket;
    int proxyPort = 0;
    std::string lease;
    std::vector<int> joins;
    tandem::sandboxinit::Confinement::Options confinement;
    std::vector<std::string> command; // after "--": forward-only and confine modes
    bool valid = true;
};

Arguments parse(int argc, char *argv[])
{
    Arguments args;
    for (int i = 1; i < argc; ++i) {
        const char *name = argv[i];
        if (std::strcmp(name, "--") == 0) {
            args.command.assign(argv + i + 1, argv + argc);
            break;
        }
        if (std::strcmp(name, "--forward-only") == 0) {
            args.forwardOnly = true;
            continue;
        }
        if (std::strcmp(name, "--confine") == 0) {
            args.confine = true;
            continue;
        }
        if (i + 1 >= argc) {
            args.valid = false;
            break;
        }
        const char *value = argv[++i];
        if (std::strcmp(name, "--control") == 0)
            args.control = std::atoi(value);
        else if (std::strcmp(name, "--proxy-socket") == 0)
            args.proxySocket = value;
        else if (std::strcmp(name, "--proxy-port") == 0)
            args.proxyPort = std::atoi(value);
        else if (std::strcmp(name, "--join") == 0)
            args.joins.push_back(std::atoi(value));
        else if (std::strcmp(name, "--lease") == 0)
            args.lease = value;
        else if (std::strcmp(name, "--map-uid") == 0)
            args.confinement.mapUid = std::atoi(value);
        else if (std::strcmp(name, "--seccomp") == 0)
            args.confinement.seccompFile = value;
        else if (std::strcmp(name, "--nodev") == 0)
            args.confinement.nodevPaths.emplace_back(value);
        else
            args.valid = false;
    }
    return args;
}

// Programs inside reach Tandem's proxy on loopback; the forwarder carries each connection to
// the proxy's socket, on a thread of its own beside the supervisor or the container's init.
class Forwarding
{
public:
    bool start(const Arguments &args)
    {
        if (args.proxySocket.empty())
            return true;
        m_forwarder = std::make_unique<tandem::sandboxinit::TcpForwarder>(args.proxySocket);
        if (!m_forwarder->listen(static_cast<uint16_t>(args.proxyPort))) {
            std::fprintf(stderr, "tandem-sandbox-init: %s\n", m_forwarder->error().c_str());
            return false;
        }
        m_thread = std::thread([this] { m_forwarder->run(); });
        return true;
    }

    ~Forwarding()
    {
        if (!m_forwarder)
            return;
        m_forwarder->stop();
        if (m_thread.joinable())
            m_thread.join();
    }

private:
    std::unique_ptr<tandem::sandboxinit::TcpForwarder> m_forwarder;
    std::thread m_thread;
};

// Confines this process and becomes the command; returns only when that fails.
int confineAndRun(const Arguments &args)
{
    if (args.command.empty()) {
        std::fputs("tandem-sandbox-init: --confine needs a command after --\n", stderr);
        return 2;
    }
    tandem::sandboxinit::Confinement confinement(args.confinement);
    if (!confinement.apply()) {
        std::fprintf(stderr, "tandem-sandbox-init: %s\n", confinement.error().c_str());
        return 126;
    }
    std::vector<char *> argv;
    for (const std::string &arg : args.command)
        argv.push_back(const_cast<char *>(arg.c_str()));
    argv.push_back(nullptr);
    ::execvp(argv.front(), argv.data());
    std::fprintf(stderr, "tandem-sandbox-init: %s: %s\n", argv.front(), std::strerror(errno));
    return 127;
}

} // namespace

// tandem-sandbox-init --control FD [--join FD]... [--proxy-socket PATH --proxy-port N]
//     The supervisor of a bubblewrap sandbox, its first process.
// tandem-sandbox-init --forward-only --lease PATH [--proxy-socket PATH --proxy-port N]
//                     [-- COMMAND...]
//     The first process of a container: holds Tandem's lease, forwards, reaps orphans, runs
//     COMMAND if given.
// tandem-sandbox-init --confine [--map-uid N] [--seccomp FILE] [--nodev PATH]... -- COMMAND...
//     Each command in a container: confines itself (see Confinement), then becomes COMMAND.
// Started by Tandem; not meant to be run by hand.
int main(int argc, char *argv[])
{
    const Arguments args = parse(argc, argv);
    if (args.valid && args.confine)
        return confineAndRun(args);
    if (!args.valid || (args.control < 0 && !args.forwardOnly)) {
        std::fputs("tandem-sandbox-init: started by Tandem inside its sandbox, not by hand\n",
                   stderr);
        return 2;
    }
    for (int fd : args.joins) {
        if (!joinGroup(fd)) {
            std::perror("tandem-sandbox-init: cannot join the sandbox's cgroup");
            return 1;
        }
    }

    // Commands must not inherit the control socket: through it they could speak for us.
    if (args.control >= 0)
        ::fcntl(args.control, F_SETFD, FD_CLOEXEC);

    // Before the forwarder's thread exists: a thread with SIGCHLD unblocked would take the
    // signal (and drop it) instead of the supervisor's signalfd, and exits would be lost.
    if (args.forwardOnly)
        tandem::sandboxinit::ContainerInit::blockSignals();
    else
        tandem::sandboxinit::Supervisor::blockSignals();
    tandem::sandboxinit::Lease lease;
    if (!args.lease.empty()) {
        if (!lease.take(args.lease)) {
            std::fprintf(stderr, "tandem-sandbox-init: %s\n", lease.error().c_str());
            return 1;
        }
        lease.watch();
    }
    Forwarding forwarding;
    if (!forwarding.start(args))
        return 1;
    if (args.forwardOnly)
        return tandem::sandboxinit::ContainerInit(args.command).run();
    return tandem::sandboxinit::Supervisor(args.control).run();
}
