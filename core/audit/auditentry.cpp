#include "audit/auditentry.h"

#include <QStringList>

#include <nlohmann/json.hpp>

#include <array>
#include <string_view>

namespace tandem::audit {

using nlohmann::json;

namespace {

constexpr int kMaxSummaryFields = 4;
constexpr int kMaxValueChars = 60;

// The chain's bookkeeping says nothing about what happened.
bool isBookkeeping(const std::string &key)
{
    static constexpr std::array<std::string_view, 5> keys{"seq", "time", "kind", "prev", "session"};
    for (std::string_view known : keys) {
        if (key == known)
            return true;
    }
    return false;
}

QString shortValue(const json &value)
{
    QString text =
        value.is_string()
            ? QString::fromStdString(value.get<std::string>())
            : QString::fromStdString(value.dump(-1, ' ', false, json::error_handler_t::replace));
    text = text.simplified();
    if (text.size() > kMaxValueChars)
        text = text.left(kMaxValueChars - 1) + QChar(0x2026);
    return text;
}

// Scalars first, in the file's order: they are what a person scans for (a tool, a path, an
// exit code); arrays and objects only fill the places left.
QString summarize(const json &entry)
{
    QStringList scalars;
    QStringList nested;
    for (const auto &[key, value] : entry.items()) {
        if (isBookkeeping(key))
            continue;
        const QString field =
            QStringLiteral("%1: %2").arg(QString::fromStdString(key), shortValue(value));
        (value.is_structured() ? nested : scalars) << field;
    }
    return (scalars + nested).mid(0, kMaxSummaryFields).join(QStringLiteral(", "));
}

} // namespace

AuditEntry AuditEntry::parse(int line, const QByteArray &text)
{
    AuditEntry entry;
    entry.line = line;
    entry.text = text;

    const json parsed = json::parse(text.toStdString(), nullptr, false);
    if (!parsed.is_object() || !parsed.contains("kind") || !parsed["kind"].is_string()) {
        entry.summary = QString::fromUtf8(text.left(kMaxValueChars * 2)).simplified();
        return entry;
    }
    if (const auto seq = parsed.find("seq"); seq != parsed.end() && seq->is_number_integer())
        entry.sequence = seq->get<qint64>();
    if (const auto time = parsed.find("time"); time != parsed.end() && time->is_string())
        entry.time = QString::fromStdString(time->get<std::string>());
    entry.kind = QString::fromStdString(parsed["kind"].get<std::string>());
    entry.summary = summarize(parsed);
    return entry;
}

QString AuditEntry::prettyText() const
{
    const json parsed = json::parse(text.toStdString(), nullptr, false);
    if (parsed.is_discarded())
        return QString::fromUtf8(text);
    return QString::fromStdString(parsed.dump(2, ' ', false, json::error_handler_t::replace));
}

} // namespace tandem::audit
