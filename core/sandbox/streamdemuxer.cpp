#include "sandbox/streamdemuxer.h"

#include <algorithm>

namespace tandem::sandbox {

namespace {

constexpr qint64 kHeaderSize = 8;

} // namespace

StreamDemuxer::StreamDemuxer(Handler handler)
    : m_handler(std::move(handler))
{}

void StreamDemuxer::feed(const char *bytes, qint64 count)
{
    while (count > 0) {
        if (m_remaining > 0) {
            const qint64 take = std::min(m_remaining, count);
            m_handler(m_stream, bytes, take);
            m_remaining -= take;
            bytes += take;
            count -= take;
            continue;
        }

        const qint64 take = std::min(kHeaderSize - m_header.size(), count);
        m_header.append(bytes, take);
        bytes += take;
        count -= take;
        if (m_header.size() < kHeaderSize)
            return;

        const auto *header = reinterpret_cast<const unsigned char *>(m_header.constData());
        // Anything but stdout and stderr (stdin echoes, unknown types) is treated as stdout
        // rather than dropped: losing output silently would be worse.
        m_stream = header[0] == 2 ? Stream::Stderr : Stream::Stdout;
        m_remaining = (qint64(header[4]) << 24) | (qint64(header[5]) << 16)
                      | (qint64(header[6]) << 8) | qint64(header[7]);
        m_header.clear();
    }
}

} // namespace tandem::sandbox
