#pragma once

#include <QByteArray>

namespace tandem::sandbox {

// Keeps the start and the end of one output stream within a cap: a test run's summary comes
// last, its first failure first, and a flood in between is counted but not kept. Every backend
// caps a command's stdout and stderr with one of these.
class OutputSink
{
public:
    OutputSink(QByteArray *data, qint64 *total, bool *truncated, qint64 cap);

    void append(const char *bytes, qint64 count);
    // Writes what was kept to `data`, with a line that counts what was left out, if anything was.
    void finish();

private:
    QByteArray *m_data;
    qint64 *m_total;
    bool *m_truncated;
    qint64 m_cap;
    QByteArray m_head;
    QByteArray m_tail;
};

} // namespace tandem::sandbox
