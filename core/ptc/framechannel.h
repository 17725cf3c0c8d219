#pragma once

#include <cstddef>
#include <string>

namespace tandem::ptc {

// Length-prefixed frames on a stream socket, the tool channel's wire: four bytes of length,
// big-endian, then that many bytes of UTF-8 JSON. Reads are buffered, so a frame that arrives
// with the next one costs one system call. One reader and one writer at a time.
class FrameChannel
{
public:
    enum class Read { Frame, Closed, TooLarge, Incomplete, Failed };

    // Once a frame has begun, the rest must follow within `frameTimeout`.
    FrameChannel(int fd, size_t maxFrame, int frameTimeoutMs = 2000);

    // Blocks until a whole frame is in `payload`, the peer is gone, the frame announces more
    // than the maximum, or a begun frame stalls (the stream cannot be trusted after either).
    Read read(std::string &payload);
    bool write(const std::string &payload);

    static std::string encode(const std::string &payload);

private:
    // -1: no bytes came within the timeout; 0: the peer is gone or failed; 1: bytes came.
    int fill(int timeoutMs);

    int m_fd;
    size_t m_maxFrame;
    int m_frameTimeoutMs;
    std::string m_buffer;
    size_t m_start = 0;
};

} // namespace tandem::ptc
