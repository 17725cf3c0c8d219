#pragma once

#include <QObject>

#include <cstdio>

namespace tandem::agent {
class AgentLoop;
}

namespace tandem::app {

// Writes a conversation as it happens to a terminal: the model's text as it streams, each
// tool call with its input, and the first lines of each result.
class TranscriptPrinter : public QObject
{
    Q_OBJECT

public:
    TranscriptPrinter(agent::AgentLoop &loop, FILE *out, QObject *parent = nullptr);

    void step(const QString &description);

private:
    void text(const QString &delta);
    void toolStarted(const QString &id, const QString &name, const QString &inputJson);
    void toolFinished(const QString &id, const QString &output, bool isError);
    void write(const QString &text);

    FILE *m_out;
    bool m_atLineStart = true;
};

} // namespace tandem::app
