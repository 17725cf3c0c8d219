#include "sandbox/jsonkeylines.h"

#include <QSet>

#include <nlohmann/json.hpp>

#include <optional>

namespace tandem::sandbox {

namespace {

constexpr char kByteOrderMark[] = "\xEF\xBB\xBF";

bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

bool endsScalar(char c)
{
    return isSpace(c) || c == ',' || c == ']' || c == '}' || c == ':';
}

// A recursive walk that mirrors the JSON grammar closely enough to know where every value
// starts; the parser has already checked the grammar in full.
class Scanner
{
public:
    explicit Scanner(const QByteArray &text)
        : m_text(text)
    {}

    std::expected<QHash<QString, int>, JsonKeyLines::Problem> run()
    {
        if (m_text.startsWith(kByteOrderMark))
            m_pos = qsizetype(sizeof(kByteOrderMark) - 1);

        skipSpace();
        m_lines.insert(QString(), m_line);
        if (!value(QString(), 1))
            return std::unexpected(*m_problem);

        skipSpace();
        if (!atEnd()) {
            fail(QString(), QStringLiteral("unexpected text after the end of the document"));
            return std::unexpected(*m_problem);
        }
        return m_lines;
    }

private:
    bool atEnd() const { return m_pos >= m_text.size(); }
    char peek() const { return atEnd() ? '\0' : m_text.at(m_pos); }

    void advance()
    {
        if (m_text.at(m_pos) == '\n')
            ++m_line;
        ++m_pos;
    }

    void skipSpace()
    {
        while (!atEnd() && isSpace(peek()))
            advance();
    }

    bool fail(const QString &path, const QString &message)
    {
        m_problem = JsonKeyLines::Problem{m_line, path, message};
        return false;
    }

    bool value(const QString &path, int depth)
    {
        if (depth > JsonKeyLines::kMaxDepth)
            return fail(path, QStringLiteral("nested too deeply"));

        switch (peek()) {
        case '{':
            return object(path, depth);
        case '[':
            return array(path, depth);
        case '"':
            return string(nullptr);
        default:
            return scalar(path);
        }
    }

    bool object(const QString &path, int depth)
    {
        advance();
        skipSpace();
        if (peek() == '}') {
            advance();
            return true;
        }

        QSet<QString> seen;
        while (true) {
            skipSpace();
            const int keyLine = m_line;
            QByteArray raw;
            if (peek() != '"' || !string(&raw))
                return fail(path, QStringLiteral("expected a key in quotes"));

            const auto key = decode(raw);
            if (!key)
                return fail(path, QStringLiteral("a key that is not a valid string"));
            const QString member = path.isEmpty() ? *key : path + u'.' + *key;
            if (seen.contains(*key)) {
                return fail(member, QStringLiteral("given twice in one object (first on line "
                                                   "%1); keep one")
                                        .arg(m_lines.value(member)));
            }
            seen.insert(*key);
            m_lines.insert(member, keyLine);

            skipSpace();
            if (peek() != ':')
                return fail(member, QStringLiteral("expected ':' after the key"));
            advance();
            skipSpace();
            if (!value(member, depth + 1))
                return false;

            skipSpace();
            if (peek() == ',') {
                advance();
                continue;
            }
            if (peek() == '}') {
                advance();
                return true;
            }
            return fail(path, QStringLiteral("expected ',' or '}'"));
        }
    }

    bool array(const QString &path, int depth)
    {
        advance();
        skipSpace();
        if (peek() == ']') {
            advance();
            return true;
        }

        for (int index = 0;; ++index) {
            skipSpace();
            const QString element = path + u'[' + QString::number(index) + u']';
            m_lines.insert(element, m_line);
            if (!value(element, depth + 1))
                return false;

            skipSpace();
            if (peek() == ',') {
                advance();
                continue;
            }
            if (peek() == ']') {
                advance();
                return true;
            }
            return fail(path, QStringLiteral("expected ',' or ']'"));
        }
    }

    // Leaves the whole token, quotes included, in raw when asked.
    bool string(QByteArray *raw)
    {
        const qsizetype start = m_pos;
        advance();
        while (!atEnd()) {
            const char c = peek();
            advance();
            if (c == '\\' && !atEnd()) {
                advance();
            } else if (c == '"') {
                if (raw)
                    *raw = m_text.mid(start, m_pos - start);
                return true;
            }
        }
        return fail(QString(), QStringLiteral("a string that never ends"));
    }

    bool scalar(const QString &path)
    {
        const qsizetype start = m_pos;
        while (!atEnd() && !endsScalar(peek()))
            advance();
        if (m_pos == start)
            return fail(path, QStringLiteral("expected a value"));
        return true;
    }

    // Keys may use escapes ("mem\u006fry" is "memory"); the parser decodes them exactly as it
    // did for the document itself, so both passes agree on every key.
    static std::optional<QString> decode(const QByteArray &raw)
    {
        const auto token =
            nlohmann::json::parse(raw.constData(), raw.constData() + raw.size(), nullptr, false);
        if (!token.is_string())
            return std::nullopt;
        return QString::fromStdString(token.get<std::string>());
    }

    const QByteArray &m_text;
    qsizetype m_pos = 0;
    int m_line = 1;
    QHash<QString, int> m_lines;
    std::optional<JsonKeyLines::Problem> m_problem;
};

} // namespace

std::expected<JsonKeyLines, JsonKeyLines::Problem> JsonKeyLines::scan(const QByteArray &text)
{
    auto lines = Scanner(text).run();
    if (!lines)
        return std::unexpected(lines.error());

    JsonKeyLines result;
    result.m_lines = std::move(*lines);
    return result;
}

int JsonKeyLines::lineOf(const QString &path) const
{
    return m_lines.value(path, 0);
}

std::pair<int, int> JsonKeyLines::lineAndColumn(const QByteArray &text, qsizetype offset)
{
    offset = std::clamp<qsizetype>(offset, 0, text.size());

    int line = 1;
    int column = 1;
    for (qsizetype i = 0; i < offset; ++i) {
        const auto byte = static_cast<unsigned char>(text.at(i));
        if (byte == '\n') {
            ++line;
            column = 1;
        } else if ((byte & 0xC0) != 0x80) {
            // Continuation bytes of a UTF-8 sequence belong to the character before them.
            ++column;
        }
    }
    return {line, column};
}

} // namespace tandem::sandbox
