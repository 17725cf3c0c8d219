#pragma once

#include <QByteArray>

#include <functional>

namespace tandem::sandbox {

// Splits the Docker Engine API's multiplexed stream (exec, attach and logs without a TTY) into
// stdout and stderr. Each frame is an 8-byte header (stream type, three zero bytes, big-endian
// payload length) and its payload; reads cut frames anywhere, even inside a header, so the
// demuxer keeps what it has until the rest arrives.
class StreamDemuxer
{
public:
    enum class Stream { Stdin = 0, Stdout = 1, Stderr = 2 };
    using Handler = std::function<void(Stream, const char *, qint64)>;

    explicit StreamDemuxer(Handler handler);

    void feed(const char *bytes, qint64 count);
    // Whether the stream ended between frames, as a well-formed one does.
    bool atFrameBoundary() const { return m_header.isEmpty() && m_remaining == 0; }

private:
    Handler m_handler;
    QByteArray m_header;
    Stream m_stream = Stream::Stdout;
    qint64 m_remaining = 0;
};

} // namespace tandem::sandbox
