#pragma once

#include "base/error.h"

#include <QByteArray>
#include <QStringList>

#include <nlohmann/json.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <vector>

namespace tandem::sandbox {

// Tandem's end of a running bubblewrap sandbox: the bwrap process and the control socket to the
// supervisor inside it. Messages are JSON; descriptors travel with them.
class SupervisorLink
{
public:
    // Host descriptors and the numbers they get in bwrap: the control socket is always 3.
    struct Inherited
    {
        int fd;
        int number;
    };

    ~SupervisorLink();
    SupervisorLink(const SupervisorLink &) = delete;
    SupervisorLink &operator=(const SupervisorLink &) = delete;

    // Spawns `argv` (bwrap with the supervisor as its command) and waits until the supervisor
    // says it is ready. The error carries what bwrap printed.
    static base::Result<std::unique_ptr<SupervisorLink>>
    launch(const QStringList &argv, const std::vector<Inherited> &inherited,
           std::chrono::milliseconds readyTimeout);

    static constexpr int kControlFd = 3;

    bool send(const nlohmann::json &message, const std::vector<int> &fds = {});
    // Waits up to `timeout` for one message; nullopt when none came or the link is gone.
    std::optional<nlohmann::json> receive(std::chrono::milliseconds timeout);
    int socket() const { return m_control; }
    bool isAlive() const { return m_alive; }

    // Asks the supervisor to end everything and leave; kills bwrap if it does not.
    void shutDown();

private:
    SupervisorLink(int pid, int control, int errors);
    QByteArray drainErrors();

    int m_pid;
    int m_control;
    int m_errors; // bwrap's stderr
    bool m_alive = true;
};

} // namespace tandem::sandbox
