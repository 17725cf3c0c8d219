#include "sandbox/outputsink.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <unistd.h>

namespace tandem::sandbox {

OutputSink::OutputSink(qint64 cap)
    : m_cap(std::max<qint64>(cap, 2))
{}

void OutputSink::append(const char *bytes, qint64 count)
{
    m_total += count;
    const qint64 half = m_cap / 2;
    const qint64 intoHead = std::clamp<qint64>(half - m_head.size(), 0, count);
    m_head.append(bytes, intoHead);
    m_tail.append(bytes + intoHead, count - intoHead);
    // Trim in large steps, so a flood costs amortised constant time per byte.
    if (m_tail.size() > 2 * half)
        m_tail.remove(0, m_tail.size() - half);
}

bool OutputSink::readFrom(int fd)
{
    std::array<char, 65536> buffer;
    const ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n > 0) {
        append(buffer.data(), n);
        return true;
    }
    return n < 0 && (errno == EINTR || errno == EAGAIN);
}

bool OutputSink::truncated() const
{
    return m_total > m_head.size() + m_tail.size() || m_tail.size() > m_cap - m_head.size();
}

QByteArray OutputSink::finish() const
{
    if (!truncated())
        return m_head + m_tail;
    const QByteArray kept = m_tail.right(m_cap - m_head.size());
    const qint64 dropped = m_total - m_head.size() - kept.size();
    return m_head + "\n[" + QByteArray::number(dropped) + " bytes not shown]\n" + kept;
}

} // namespace tandem::sandbox
