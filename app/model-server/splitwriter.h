#pragma once

#include <cstddef>
#include <random>
#include <string_view>

namespace tandem::modelserver {

class HttpConnection;

// Sends bytes in random pieces of 1..maxChunk bytes, each its own write followed by a short
// pause, with Nagle's algorithm off, so that the client receives events, line endings and
// UTF-8 characters cut at any byte.
class SplitWriter
{
public:
    SplitWriter(HttpConnection &connection, std::mt19937_64 &random, std::size_t maxChunk);

    // The bytes as they are, in pieces.
    bool writeRaw(std::string_view bytes);

    // The bytes as a chunked HTTP body: each piece its own chunk, then the last, empty chunk.
    bool writeChunkedBody(std::string_view bytes);

private:
    std::size_t nextPieceSize(std::size_t remaining);
    void pause();

    HttpConnection &m_connection;
    std::mt19937_64 &m_random;
    std::size_t m_maxChunk;
};

} // namespace tandem::modelserver
