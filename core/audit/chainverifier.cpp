#include "audit/chainverifier.h"

#include <QCryptographicHash>

#include <nlohmann/json.hpp>

namespace tandem::audit {

using nlohmann::json;

QByteArray ChainVerifier::hashOf(const QByteArray &line)
{
    return QCryptographicHash::hash(line.trimmed(), QCryptographicHash::Sha256).toHex();
}

QByteArray ChainVerifier::genesis()
{
    return QByteArray(64, '0');
}

void ChainVerifier::feed(const QByteArray &rawLine)
{
    ++m_lineNumber;
    if (m_status.state != ChainStatus::State::Intact)
        return;
    const QByteArray line = rawLine.trimmed();
    if (line.isEmpty())
        return;

    // A line that is not an entry breaks the chain, unless it turns out to be the last one
    // with no newline after it: a write that was cut short. finish() decides which.
    if (m_pendingUnparsed) {
        breakAt(QStringLiteral("line %1 is not an audit entry.").arg(m_lastEntryLine));
        m_status.brokenLine = m_lastEntryLine;
        return;
    }

    const json entry = json::parse(line.toStdString(), nullptr, false);
    if (!entry.is_object() || !entry.contains("prev") || !entry["prev"].is_string()
        || !entry.contains("seq") || !entry["seq"].is_number_integer()) {
        m_pendingUnparsed = true;
        m_lastEntryLine = m_lineNumber;
        return;
    }

    const qint64 sequence = entry["seq"].get<qint64>();
    if (entry["prev"].get<std::string>() != m_expected.toStdString()) {
        breakAt(whyNotFollowing(sequence));
        return;
    }

    m_expected = hashOf(line);
    m_lastEntryLine = m_lineNumber;
    ++m_status.entries;
    m_status.lastSequence = sequence;
    m_status.head = m_expected;
}

ChainStatus ChainVerifier::finish(bool endsWithNewline)
{
    if (m_status.state == ChainStatus::State::Intact && m_pendingUnparsed) {
        if (endsWithNewline) {
            breakAt(QStringLiteral("line %1 is not an audit entry.").arg(m_lastEntryLine));
        } else {
            m_status.state = ChainStatus::State::IncompleteTail;
            m_status.reason = QStringLiteral("line %1, the last, is incomplete: the file ends "
                                             "in the middle of an entry (a write cut short, or "
                                             "the file cut). The %2 entries before it hold.")
                                  .arg(m_lastEntryLine)
                                  .arg(m_status.entries);
        }
        m_status.brokenLine = m_lastEntryLine;
        return m_status;
    }
    if (m_status.state == ChainStatus::State::Intact) {
        m_status.reason = QStringLiteral("%1 entries; the chain holds.").arg(m_status.entries);
    }
    return m_status;
}

void ChainVerifier::breakAt(const QString &reason)
{
    m_status.state = ChainStatus::State::Broken;
    m_status.brokenLine = m_lineNumber;
    m_status.reason = reason;
}

// The line's "prev" is not the hash of the line before it; "seq" tells the likely story.
QString ChainVerifier::whyNotFollowing(qint64 sequence) const
{
    const qint64 expected = m_status.lastSequence + 1;
    const QString where =
        m_status.entries == 0
            ? QStringLiteral("line %1 is not the start of a chain").arg(m_lineNumber)
            : QStringLiteral("line %1 does not follow line %2")
                  .arg(m_lineNumber)
                  .arg(m_lastEntryLine);
    if (sequence == expected + 1)
        return QStringLiteral("%1: entry %2 is missing (removed or moved).")
            .arg(where)
            .arg(expected);
    if (sequence > expected) {
        return QStringLiteral("%1: entries %2 to %3 are missing (removed or moved).")
            .arg(where)
            .arg(expected)
            .arg(sequence - 1);
    }
    if (sequence < expected) {
        return QStringLiteral("%1: its seq %2 comes after %3 (lines reordered or copied).")
            .arg(where)
            .arg(sequence)
            .arg(m_status.lastSequence);
    }
    if (m_status.entries == 0)
        return where + QStringLiteral(": its prev was changed.");
    return QStringLiteral("%1: line %2 was changed after it was written (or this line's prev "
                          "was).")
        .arg(where)
        .arg(m_lastEntryLine);
}

} // namespace tandem::audit
