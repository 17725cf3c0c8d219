#include "sandbox/controlwire.h"

#include <cerrno>
#include <cstring>
#include <sys/socket.h>
#include <unistd.h>

namespace tandem::sandbox::wire {

bool send(int socket, const std::string &text, const std::vector<int> &fds)
{
    if (text.size() > kMaxMessageBytes || fds.size() > kMaxFds) {
        errno = EMSGSIZE;
        return false;
    }

    iovec part{const_cast<char *>(text.data()), text.size()};
    msghdr header{};
    header.msg_iov = &part;
    header.msg_iovlen = 1;

    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * kMaxFds)];
    if (!fds.empty()) {
        header.msg_control = control;
        header.msg_controllen = CMSG_SPACE(sizeof(int) * fds.size());
        cmsghdr *rights = CMSG_FIRSTHDR(&header);
        rights->cmsg_level = SOL_SOCKET;
        rights->cmsg_type = SCM_RIGHTS;
        rights->cmsg_len = CMSG_LEN(sizeof(int) * fds.size());
        std::memcpy(CMSG_DATA(rights), fds.data(), sizeof(int) * fds.size());
    }

    ssize_t sent;
    do {
        sent = ::sendmsg(socket, &header, MSG_NOSIGNAL);
    } while (sent < 0 && errno == EINTR);
    return sent == static_cast<ssize_t>(text.size());
}

bool receive(int socket, Message &message)
{
    // One buffer per thread, allocated once: a command costs a message, not a megabyte.
    thread_local std::vector<char> buffer(kMaxMessageBytes);
    message.text.clear();
    message.fds.clear();

    iovec part{buffer.data(), buffer.size()};
    msghdr header{};
    header.msg_iov = &part;
    header.msg_iovlen = 1;
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * kMaxFds)];
    header.msg_control = control;
    header.msg_controllen = sizeof(control);

    ssize_t received;
    do {
        received = ::recvmsg(socket, &header, MSG_CMSG_CLOEXEC);
    } while (received < 0 && errno == EINTR);
    if (received <= 0) {
        if (received == 0)
            errno = 0;
        return false;
    }
    message.text.assign(buffer.data(), static_cast<std::size_t>(received));

    for (cmsghdr *c = CMSG_FIRSTHDR(&header); c; c = CMSG_NXTHDR(&header, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
            continue;
        const std::size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        const auto *data = reinterpret_cast<const int *>(CMSG_DATA(c));
        message.fds.insert(message.fds.end(), data, data + count);
    }

    // A truncated message is unusable: drop it and its fds rather than act on half of it.
    if (header.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) {
        for (int fd : message.fds)
            ::close(fd);
        message.fds.clear();
        errno = EMSGSIZE;
        return false;
    }
    return true;
}

} // namespace tandem::sandbox::wire
