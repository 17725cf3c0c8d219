#pragma once

#include <QHash>
#include <QString>
#include <QStringView>

namespace tandem::artifacts {

// Reads the artifact tool's input while the model still writes it, from the pieces of JSON
// the stream brings (input_json_delta), so that the code can show before the call is whole.
// Only the top-level string members are kept, each as far as it has come, escapes decoded;
// other values are skipped. It never fails: text that is not JSON just stops the reading.
//
//     ArtifactInputStream input;
//     input.feed(piece);                          // every piece, in order
//     if (input.isStringStarted(u"content"))
//         editor.setText(input.string(u"content"));
class ArtifactInputStream
{
public:
    void feed(QStringView piece);

    // The value of a string member so far; empty when it has not started.
    QString string(const QString &key) const { return m_strings.value(key); }
    bool isStringStarted(const QString &key) const { return m_strings.contains(key); }
    // Whether the member's closing quote has arrived.
    bool isStringComplete(const QString &key) const;

private:
    enum class State {
        BeforeObject,
        BeforeKey,
        InKey,
        BeforeColon,
        BeforeValue,
        InString,
        InOtherValue,
        AfterValue,
        Done,
        Broken
    };

    void take(QChar c);
    void takeBetweenTokens(QChar c);
    void takeStringCharacter(QChar c, QString &into);
    void takeOtherValue(QChar c);
    void endString();

    State m_state = State::BeforeObject;
    QString m_key;
    QHash<QString, QString> m_strings;
    QHash<QString, bool> m_complete;
    bool m_escape = false;
    bool m_inUnicode = false;
    QString m_unicode; // hex digits of a \u escape so far
    int m_depth = 0; // of a skipped object or array
    bool m_otherInString = false;
    bool m_otherEscape = false;
};

} // namespace tandem::artifacts
