#pragma once

#include <string>
#include <vector>

namespace tandem::sandboxinit {

// The first process of a container sandbox (`tandem-sandbox-init --forward-only`). Commands
// reach a warm container through the engine's exec, not through us: our part is to be a proper
// pid 1, reaping every orphan they leave so that killed processes never pile up as zombies, and
// ending cleanly on SIGTERM. Given a command (a cold container), it starts it, and exits with
// its status when it ends (128 + N for a death by signal N, as a shell reports it).
//
//     ContainerInit::blockSignals(); // before any thread starts, so that none takes them
//     return ContainerInit(command).run();
class ContainerInit
{
public:
    explicit ContainerInit(std::vector<std::string> command);

    // The signals run() waits for, blocked in the calling thread and every thread it starts.
    static void blockSignals();

    int run();

private:
    bool startCommand();
    // Reaps every child that has ended; true when the command was one of them.
    bool reap();

    std::vector<std::string> m_command;
    int m_pid = -1;
    int m_status = 0;
};

} // namespace tandem::sandboxinit
