#pragma once

#include "base/error.h"

#include <QMutex>
#include <QString>

#include <nlohmann/json.hpp>

#include <vector>

namespace tandem::audit {

// An append-only JSONL file of everything the agent did. Each line carries "prev", the
// SHA-256 of the line before it, so a removed or edited line breaks the chain. Thread-safe.
//
//     AuditLog log("/home/u/.local/share/tandem/audit.jsonl");
//     log.open();
//     log.record("tool_call", {{"tool", "bash"}, {"input", input}});
class AuditLog
{
public:
    explicit AuditLog(QString path);

    base::Status open();
    base::Status record(const std::string &kind, nlohmann::json fields);
    // Several lines of one kind under one lock, in order: for many small events at once.
    base::Status recordBatch(const std::string &kind, std::vector<nlohmann::json> entries);
    QString path() const { return m_path; }

    // Checks the whole chain; the error names the first line that does not follow.
    static base::Status verify(const QString &path);

private:
    QString m_path;
    QMutex m_mutex;
    QByteArray m_lastHash;
    qint64 m_sequence = 0;
};

} // namespace tandem::audit
