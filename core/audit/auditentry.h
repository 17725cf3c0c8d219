#pragma once

#include <QByteArray>
#include <QString>

namespace tandem::audit {

// One line of an audit log as a person browses it: when, what kind, and a one-line summary of
// its other fields. A line that is not an entry keeps its text, with an empty kind.
struct AuditEntry
{
    int line = 0; // 1-based line number in the file
    qint64 sequence = 0;
    QString time; // ISO 8601, UTC, as written
    QString kind; // e.g. "tool_call", "sandbox_exec", "git_push"
    QString summary; // the other fields, short: `tool: bash, exit_code: 0`
    QByteArray text; // the line as written

    bool isEntry() const { return !kind.isEmpty(); }
    // The line as indented JSON, for a details pane; the raw text if it is not JSON.
    QString prettyText() const;

    static AuditEntry parse(int line, const QByteArray &text);
};

} // namespace tandem::audit
