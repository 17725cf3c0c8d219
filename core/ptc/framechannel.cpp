#include "ptc/framechannel.h"

#include <cerrno>
#include <cstdint>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace tandem::ptc {

namespace {

constexpr size_t kHeader = 4;
constexpr size_t kReadChunk = 64 * 1024;

} // namespace

FrameChannel::FrameChannel(int fd, size_t maxFrame, int frameTimeoutMs)
    : m_fd(fd)
    , m_maxFrame(maxFrame)
    , m_frameTimeoutMs(frameTimeoutMs)
{}

std::string FrameChannel::encode(const std::string &payload)
{
    const auto size = static_cast<uint32_t>(payload.size());
    std::string frame;
    frame.reserve(kHeader + payload.size());
    for (int shift = 24; shift >= 0; shift -= 8)
        frame.push_back(static_cast<char>((size >> shift) & 0xff));
    frame += payload;
    return frame;
}

int FrameChannel::fill(int timeoutMs)
{
    if (timeoutMs >= 0) {
        pollfd entry{m_fd, POLLIN, 0};
        int ready;
        while ((ready = ::poll(&entry, 1, timeoutMs)) < 0 && errno == EINTR) {
        }
        if (ready == 0)
            return -1;
    }
    char chunk[kReadChunk];
    for (;;) {
        const ssize_t got = ::recv(m_fd, chunk, sizeof chunk, 0);
        if (got > 0) {
            m_buffer.append(chunk, size_t(got));
            return 1;
        }
        if (got < 0 && errno == EINTR)
            continue;
        return 0;
    }
}

FrameChannel::Read FrameChannel::read(std::string &payload)
{
    while (m_buffer.size() - m_start < kHeader) {
        // Between frames a connection may idle for as long as the script likes.
        const bool begun = m_buffer.size() > m_start;
        const int filled = fill(begun ? m_frameTimeoutMs : -1);
        if (filled < 0)
            return Read::Incomplete;
        if (filled == 0)
            return begun ? Read::Failed : Read::Closed;
    }
    uint32_t size = 0;
    for (size_t i = 0; i < kHeader; ++i)
        size = (size << 8) | static_cast<unsigned char>(m_buffer[m_start + i]);
    if (size > m_maxFrame)
        return Read::TooLarge;

    while (m_buffer.size() - m_start < kHeader + size) {
        const int filled = fill(m_frameTimeoutMs);
        if (filled <= 0)
            return filled < 0 ? Read::Incomplete : Read::Failed;
    }
    payload.assign(m_buffer, m_start + kHeader, size);
    m_start += kHeader + size;
    if (m_start == m_buffer.size()) {
        m_buffer.clear();
        m_start = 0;
    }
    return Read::Frame;
}

bool FrameChannel::write(const std::string &payload)
{
    const std::string frame = encode(payload);
    size_t sent = 0;
    while (sent < frame.size()) {
        const ssize_t put = ::send(m_fd, frame.data() + sent, frame.size() - sent, MSG_NOSIGNAL);
        if (put < 0 && errno == EINTR)
            continue;
        if (put <= 0)
            return false;
        sent += size_t(put);
    }
    return true;
}

} // namespace tandem::ptc
