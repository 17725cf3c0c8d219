#include "sandbox/outputsink.h"

#include <algorithm>

namespace tandem::sandbox {

OutputSink::OutputSink(QByteArray *data, qint64 *total, bool *truncated, qint64 cap)
    : m_data(data)
    , m_total(total)
    , m_truncated(truncated)
    , m_cap(cap)
{}

void OutputSink::append(const char *bytes, qint64 count)
{
    *m_total += count;
    const qint64 half = m_cap / 2;
    const qint64 intoHead = std::clamp<qint64>(half - m_head.size(), 0, count);
    m_head.append(bytes, intoHead);
    m_tail.append(bytes + intoHead, count - intoHead);
    // Trim in large steps, so a flood costs amortised constant time per byte.
    if (m_tail.size() > 2 * std::max<qint64>(half, 1))
        m_tail.remove(0, m_tail.size() - half);
}

void OutputSink::finish()
{
    const qint64 room = m_cap - m_head.size();
    if (*m_total == m_head.size() + m_tail.size() && m_tail.size() <= room) {
        *m_data = m_head + m_tail;
        return;
    }
    const QByteArray kept = m_tail.right(room);
    const qint64 dropped = *m_total - m_head.size() - kept.size();
    *m_truncated = true;
    *m_data = m_head + "\n[" + QByteArray::number(dropped) + " bytes not shown]\n" + kept;
}

} // namespace tandem::sandbox
