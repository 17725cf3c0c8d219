// A stand-in for the sandbox supervisor in end-to-end tests: only the forwarder.
// Usage: tandem-test-forwarder SOCKET PORT

#include "tcpforwarder.h"

#include <csignal>
#include <cstdio>
#include <cstdlib>

namespace {

tandem::sandboxinit::TcpForwarder *g_forwarder = nullptr;

void stopOnSignal(int)
{
    if (g_forwarder)
        g_forwarder->stop();
}

} // namespace

int main(int argc, char **argv)
{
    if (argc != 3) {
        std::fprintf(stderr, "usage: %s SOCKET PORT\n", argv[0]);
        return 2;
    }
    tandem::sandboxinit::TcpForwarder forwarder(argv[1]);
    if (!forwarder.listen(uint16_t(std::atoi(argv[2])))) {
        std::fprintf(stderr, "forwarder: %s\n", forwarder.error().c_str());
        return 1;
    }
    g_forwarder = &forwarder;
    std::signal(SIGTERM, stopOnSignal);
    std::signal(SIGINT, stopOnSignal);
    forwarder.run();
    return 0;
}
