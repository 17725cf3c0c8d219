#pragma once

#include <QByteArray>
#include <QString>

namespace tandem::audit {

// What a check of an audit log's hash chain found.
struct ChainStatus
{
    enum class State {
        Intact, // every line follows the one before it
        Broken, // a line does not follow: changed, removed, reordered or not an entry
        IncompleteTail, // the lines hold, but the file ends in the middle of its last entry
        Unreadable, // the file cannot be opened
    };

    State state = State::Intact;
    int entries = 0; // entries that hold, from the first line on
    int brokenLine = 0; // 1-based; the first line that does not follow (0 when none)
    qint64 lastSequence = 0; // "seq" of the last entry that holds
    QByteArray head; // SHA-256 (hex) of the last line that holds: keep it to spot a cut tail
    QString reason; // one sentence for a person: what is wrong and where

    bool holds() const { return state == State::Intact; }
};

// Walks an audit log line by line and checks that each line's "prev" is the SHA-256 of the
// line before it (the first one's is 64 zeros) and that "seq" counts up by one, so that it can
// say not only where the chain breaks but how: a changed line, missing lines, lines out of
// order, or a last line cut short. The chain cannot show a change to the last line or the
// removal of lines at the end; compare `head` with one kept elsewhere for that.
//
// AuditLogReader::verify(path) checks a whole file with it.
//
//     ChainVerifier verifier;
//     for (const QByteArray &line : lines)
//         verifier.feed(line);
//     const ChainStatus status = verifier.finish(fileEndedWithNewline);
class ChainVerifier
{
public:
    // Each line without its newline, in order; then finish, saying whether the file ended
    // with a newline.
    void feed(const QByteArray &line);
    ChainStatus finish(bool endsWithNewline);

    // The hash a line's successor must carry as its "prev".
    static QByteArray hashOf(const QByteArray &line);
    static QByteArray genesis();

private:
    void breakAt(const QString &reason);
    QString whyNotFollowing(qint64 sequence) const;

    ChainStatus m_status;
    QByteArray m_expected = genesis();
    int m_lineNumber = 0;
    int m_lastEntryLine = 0;
    bool m_pendingUnparsed = false; // the last line fed was not an entry
};

} // namespace tandem::audit
