#include "lease.h"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <sys/socket.h>
#include <sys/un.h>
#include <thread>
#include <unistd.h>

namespace tandem::sandboxinit {

namespace {

// As a shell reports a death by SIGKILL.
constexpr int kLeaseLostStatus = 128 + SIGKILL;

} // namespace

bool Lease::take(const std::string &path)
{
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (path.size() >= sizeof(address.sun_path)) {
        m_error = "the lease socket's path is too long: " + path;
        return false;
    }
    std::memcpy(address.sun_path, path.c_str(), path.size() + 1);

    m_fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (m_fd < 0
        || ::connect(m_fd, reinterpret_cast<const sockaddr *>(&address), sizeof(address)) != 0) {
        m_error = "cannot connect to Tandem's lease socket " + path + ": " + std::strerror(errno);
        return false;
    }
    return true;
}

void Lease::watch()
{
    std::thread([fd = m_fd] {
        char byte;
        for (;;) {
            const ssize_t got = ::read(fd, &byte, 1);
            if (got > 0 || (got < 0 && errno == EINTR))
                continue;
            break;
        }
        // kill(-1) from the first process reaches every other process of the container, and
        // the container ends with us.
        ::kill(-1, SIGKILL);
        ::_exit(kLeaseLostStatus);
    }).detach();
}

} // namespace tandem::sandboxinit
