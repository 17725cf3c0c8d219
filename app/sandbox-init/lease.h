#pragma once

#include <string>

namespace tandem::sandboxinit {

// A container's hold on the Tandem that started it. The engine keeps a container running
// whatever becomes of its client, so a Tandem killed with SIGKILL would leave its commands
// behind. Instead the first process connects to a socket that Tandem listens on and never
// writes to; the kernel closes Tandem's end when Tandem dies, however it dies, and then the
// first process kills everything in the container and exits, which ends the container.
class Lease
{
public:
    // Connects to the socket at `path`; false with error() set when it cannot.
    bool take(const std::string &path);
    // Watches the connection on a thread of its own until Tandem's end goes away.
    void watch();
    const std::string &error() const { return m_error; }

private:
    int m_fd = -1;
    std::string m_error;
};

} // namespace tandem::sandboxinit
