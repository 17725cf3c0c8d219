#include "supervisor.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
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

// tandem-sandbox-init --control FD [--join FD]...
// Started by Tandem as the first process of a bubblewrap sandbox; not meant to be run by hand.
int main(int argc, char *argv[])
{
    int control = -1;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (std::strcmp(argv[i], "--control") == 0) {
            control = std::atoi(argv[i + 1]);
        } else if (std::strcmp(argv[i], "--join") == 0 && !joinGroup(std::atoi(argv[i + 1]))) {
            std::perror("tandem-sandbox-init: cannot join the sandbox's cgroup");
            return 1;
        }
    }
    if (control < 0) {
        std::fputs("tandem-sandbox-init: started by Tandem inside its sandbox, not by hand\n",
                   stderr);
        return 2;
    }
    return tandem::sandboxinit::Supervisor(control).run();
}
