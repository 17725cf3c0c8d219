#include "supervisor.h"
#include "tcpforwarder.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <memory>
#include <string>
#include <thread>
#include <unistd.h>

namespace {

// Joins the cgroups whose cgroup.procs files Tandem opened for us, before anything forks.
bool joinGroup(int fd)
{
    const bool joined = ::write(fd, "0", 1) == 1;
    ::close(fd);
    return joined;
}

} // namespace

// tandem-sandbox-init --control FD [--join FD]... [--proxy-socket PATH --proxy-port N]
// Started by Tandem as the first process of a bubblewrap sandbox; not meant to be run by hand.
int main(int argc, char *argv[])
{
    int control = -1;
    std::string proxySocket;
    int proxyPort = 0;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (std::strcmp(argv[i], "--control") == 0) {
            control = std::atoi(argv[i + 1]);
        } else if (std::strcmp(argv[i], "--proxy-socket") == 0) {
            proxySocket = argv[i + 1];
        } else if (std::strcmp(argv[i], "--proxy-port") == 0) {
            proxyPort = std::atoi(argv[i + 1]);
        } else if (std::strcmp(argv[i], "--join") == 0 && !joinGroup(std::atoi(argv[i + 1]))) {
            std::perror("tandem-sandbox-init: cannot join the sandbox's cgroup");
            return 1;
        }
    }
    // Commands must not inherit the control socket: through it they could speak for us.
    if (control >= 0)
        ::fcntl(control, F_SETFD, FD_CLOEXEC);
    if (control < 0) {
        std::fputs("tandem-sandbox-init: started by Tandem inside its sandbox, not by hand\n",
                   stderr);
        return 2;
    }

    // Before any thread exists: a thread with SIGCHLD unblocked would take the signal (and
    // drop it) instead of the supervisor's signalfd, and exited commands would never be
    // reported.
    tandem::sandboxinit::Supervisor::blockChildSignals();

    // Programs inside reach Tandem's proxy on loopback; the forwarder carries each connection
    // to the proxy's socket, on a thread of its own beside the supervisor.
    std::unique_ptr<tandem::sandboxinit::TcpForwarder> forwarder;
    std::thread forwarding;
    if (!proxySocket.empty()) {
        forwarder = std::make_unique<tandem::sandboxinit::TcpForwarder>(proxySocket);
        if (!forwarder->listen(static_cast<uint16_t>(proxyPort))) {
            std::fprintf(stderr, "tandem-sandbox-init: %s\n", forwarder->error().c_str());
            return 1;
        }
        forwarding = std::thread([&] { forwarder->run(); });
    }

    const int status = tandem::sandboxinit::Supervisor(control).run();
    if (forwarder) {
        forwarder->stop();
        forwarding.join();
    }
    return status;
}
