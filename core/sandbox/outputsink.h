#pragma once

#include <QByteArray>

namespace tandem::sandbox {

// Keeps the start and the end of a stream within a cap: a test run's first failure comes
// first and its summary last, and a flood in between is counted but not kept.
class OutputSink
{
public:
    explicit OutputSink(qint64 cap);

    void append(const char *bytes, qint64 count);

    // Reads what `fd` has now; false at end of file or on a real error.
    bool readFrom(int fd);

    // The kept bytes, with a line saying how many were left out if any were.
    QByteArray finish() const;

    qint64 total() const { return m_total; }
    bool truncated() const;

private:
    qint64 m_cap;
    qint64 m_total = 0;
    QByteArray m_head;
    QByteArray m_tail;
};

} // namespace tandem::sandbox
