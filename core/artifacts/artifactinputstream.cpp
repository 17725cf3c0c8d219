#include "artifacts/artifactinputstream.h"

namespace tandem::artifacts {

namespace {

QChar decodedEscape(QChar c)
{
    switch (c.unicode()) {
    case 'n':
        return u'\n';
    case 't':
        return u'\t';
    case 'r':
        return u'\r';
    case 'b':
        return u'\b';
    case 'f':
        return u'\f';
    default:
        return c; // '"', '\\', '/'
    }
}

} // namespace

void ArtifactInputStream::feed(QStringView piece)
{
    for (const QChar c : piece) {
        if (m_state == State::Done || m_state == State::Broken)
            return;
        take(c);
    }
}

bool ArtifactInputStream::isStringComplete(const QString &key) const
{
    return m_complete.value(key, false);
}

void ArtifactInputStream::take(QChar c)
{
    switch (m_state) {
    case State::InKey:
        takeStringCharacter(c, m_key);
        return;
    case State::InString:
        takeStringCharacter(c, m_strings[m_key]);
        return;
    case State::InOtherValue:
        takeOtherValue(c);
        return;
    default:
        takeBetweenTokens(c);
    }
}

void ArtifactInputStream::takeBetweenTokens(QChar c)
{
    if (c.isSpace())
        return;

    switch (m_state) {
    case State::BeforeObject:
        m_state = c == u'{' ? State::BeforeKey : State::Broken;
        return;
    case State::BeforeKey:
        if (c == u'"') {
            m_key.clear();
            m_state = State::InKey;
        } else {
            m_state = c == u'}' ? State::Done : State::Broken;
        }
        return;
    case State::AfterValue:
        if (c == u',')
            m_state = State::BeforeKey;
        else
            m_state = c == u'}' ? State::Done : State::Broken;
        return;
    case State::BeforeColon:
        m_state = c == u':' ? State::BeforeValue : State::Broken;
        return;
    case State::BeforeValue:
        if (c == u'"') {
            m_strings.insert(m_key, QString());
            m_state = State::InString;
        } else {
            m_depth = 0;
            m_state = State::InOtherValue;
            takeOtherValue(c);
        }
        return;
    default:
        m_state = State::Broken;
    }
}

void ArtifactInputStream::takeStringCharacter(QChar c, QString &into)
{
    if (m_inUnicode) {
        m_unicode += c;
        if (m_unicode.size() == 4) {
            bool ok = false;
            const ushort unit = m_unicode.toUShort(&ok, 16);
            // Surrogate halves arrive as two escapes; each is one UTF-16 unit of the string.
            if (ok)
                into += QChar(unit);
            m_unicode.clear();
            m_inUnicode = false;
        }
        return;
    }
    if (m_escape) {
        m_escape = false;
        if (c == u'u')
            m_inUnicode = true;
        else
            into += decodedEscape(c);
        return;
    }
    if (c == u'\\')
        m_escape = true;
    else if (c == u'"')
        endString();
    else
        into += c;
}

void ArtifactInputStream::endString()
{
    if (m_state == State::InKey) {
        m_state = State::BeforeColon;
        return;
    }
    m_complete.insert(m_key, true);
    m_state = State::AfterValue;
}

// Numbers, booleans, null, objects and arrays: only their end matters.
void ArtifactInputStream::takeOtherValue(QChar c)
{
    if (m_otherInString) {
        if (m_otherEscape)
            m_otherEscape = false;
        else if (c == u'\\')
            m_otherEscape = true;
        else if (c == u'"')
            m_otherInString = false;
        return;
    }
    if (c == u'"')
        m_otherInString = true;
    else if (c == u'{' || c == u'[')
        ++m_depth;
    else if ((c == u'}' || c == u']') && m_depth > 0)
        --m_depth;
    else if (m_depth == 0 && c == u',')
        m_state = State::BeforeKey;
    else if (m_depth == 0 && c == u'}')
        m_state = State::Done;
}

} // namespace tandem::artifacts
