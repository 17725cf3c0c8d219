#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <vector>

namespace tandem::sandboxinit {

// The first process inside a bubblewrap sandbox. It waits for Tandem's requests on the control
// socket and starts each command with a fork and an exec, so a command costs about a
// millisecond instead of a new sandbox. As the namespace's pid 1 it reaps every orphan, and when
// Tandem goes away it kills everything and leaves, taking the sandbox with it.
class Supervisor
{
public:
    explicit Supervisor(int controlSocket);

    // Blocks SIGCHLD, which run() reads from a signalfd, in the calling thread and every thread
    // it starts afterwards: a thread that leaves it unblocked may take it and drop it, and a
    // command's end would go unseen.
    static void blockSignals();

    // Serves until the control socket closes; returns the process exit status.
    int run();

private:
    bool handleRequest();
    void startCommand(const nlohmann::json &request, const std::vector<int> &fds);
    void reapChildren();
    void reply(const nlohmann::json &message);

    int m_control;
    int m_childSignals = -1;
    std::map<int, long long> m_commands; // main pid → request id
};

} // namespace tandem::sandboxinit
