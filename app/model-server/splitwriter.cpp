#include "splitwriter.h"

#include "httpconnection.h"

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

namespace tandem::modelserver {

namespace {

constexpr int kMinPauseMicroseconds = 100;
constexpr int kMaxPauseMicroseconds = 700;

std::string chunkFrame(std::string_view piece)
{
    char size[32];
    const int length = std::snprintf(size, sizeof size, "%zx\r\n", piece.size());
    std::string frame(size, static_cast<std::size_t>(length));
    frame += piece;
    frame += "\r\n";
    return frame;
}

} // namespace

SplitWriter::SplitWriter(HttpConnection &connection, std::mt19937_64 &random, std::size_t maxChunk)
    : m_connection(connection)
    , m_random(random)
    , m_maxChunk(maxChunk)
{
    // Without this the kernel would merge the small writes again.
    const int on = 1;
    ::setsockopt(m_connection.socket(), IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
}

bool SplitWriter::writeRaw(std::string_view bytes)
{
    while (!bytes.empty()) {
        const std::size_t size = nextPieceSize(bytes.size());
        if (!m_connection.sendAll(bytes.substr(0, size)))
            return false;
        bytes.remove_prefix(size);
        pause();
    }
    return true;
}

bool SplitWriter::writeChunkedBody(std::string_view bytes)
{
    while (!bytes.empty()) {
        const std::size_t size = nextPieceSize(bytes.size());
        if (!m_connection.sendAll(chunkFrame(bytes.substr(0, size))))
            return false;
        bytes.remove_prefix(size);
        pause();
    }
    return m_connection.sendAll("0\r\n\r\n");
}

std::size_t SplitWriter::nextPieceSize(std::size_t remaining)
{
    const std::size_t size = std::uniform_int_distribution<std::size_t>(1, m_maxChunk)(m_random);
    return std::min(size, remaining);
}

void SplitWriter::pause()
{
    const int micros =
        std::uniform_int_distribution<int>(kMinPauseMicroseconds, kMaxPauseMicroseconds)(m_random);
    std::this_thread::sleep_for(std::chrono::microseconds(micros));
}

} // namespace tandem::modelserver
