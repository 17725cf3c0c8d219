#pragma once

// The wire between Tandem and the supervisor inside a bubblewrap sandbox: one JSON text per
// SOCK_SEQPACKET message, with file descriptors riding along as SCM_RIGHTS. Plain C++ with no
// Qt, because the supervisor links it too and must start in a millisecond.

#include <string>
#include <vector>

namespace tandem::sandbox::wire {

// A message as it travels; `fds` are owned by whoever holds the message.
struct Message
{
    std::string text;
    std::vector<int> fds;
};

constexpr std::size_t kMaxMessageBytes = 1 << 20;
constexpr std::size_t kMaxFds = 8;

// Sends one message; returns false and leaves errno set when the peer is gone.
bool send(int socket, const std::string &text, const std::vector<int> &fds = {});

// Blocks for one message. Returns false at end of stream or on error (errno set, 0 at the end).
// Received fds are close-on-exec.
bool receive(int socket, Message &message);

} // namespace tandem::sandbox::wire
