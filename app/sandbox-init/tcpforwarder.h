#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tandem::sandboxinit {

// Inside a sandbox with a network namespace of its own, gives programs a proxy on loopback:
// listens on 127.0.0.1:<port> and joins every connection to the host's proxy, reached through
// a Unix socket bound into the sandbox. Bytes are relayed both ways unchanged; one thread
// serves every connection with poll(). Plain POSIX, for the sandbox's small supervisor.
//
//     TcpForwarder forwarder("/run/tandem/proxy.sock");
//     if (!forwarder.listen(3128)) { report(forwarder.error()); return 1; }
//     forwarder.run(); // until forwarder.stop(), which a signal handler may call
class TcpForwarder
{
public:
    explicit TcpForwarder(std::string unixSocketPath, int maxConnections = 256);
    ~TcpForwarder();
    TcpForwarder(const TcpForwarder &) = delete;
    TcpForwarder &operator=(const TcpForwarder &) = delete;

    // Binds 127.0.0.1:port (0: a free port, see port()); false with error() set on failure.
    bool listen(uint16_t port);
    uint16_t port() const { return m_port; }
    const std::string &error() const { return m_error; }

    // Serves until stop(); returns at once when listen() did not succeed.
    void run();
    // Safe from any thread and from a signal handler.
    void stop();

private:
    struct Pair
    {
        int client = -1;
        int upstream = -1;
        std::string toUpstream;
        std::string toClient;
        bool clientDone = false; // the client sent its last byte
        bool upstreamDone = false; // so did the proxy
        bool clientShut = false; // we told the client there is no more
        bool upstreamShut = false;
    };

    void acceptClient();
    void service(Pair &pair, short clientEvents, short upstreamEvents);
    static void closePair(Pair &pair);

    std::string m_socketPath;
    size_t m_maxConnections;
    int m_listenFd = -1;
    int m_stopPipe[2] = {-1, -1};
    uint16_t m_port = 0;
    std::string m_error;
    std::vector<Pair> m_pairs;
};

} // namespace tandem::sandboxinit
