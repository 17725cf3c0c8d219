#include "artifacts/artifact.h"

#include <QRegularExpression>

namespace tandem::artifacts {

namespace {

constexpr qsizetype maxTitleLength = 80;

QString firstElementText(const QString &html, const QRegularExpression &element)
{
    static const QRegularExpression markup(QStringLiteral("<[^>]*>"));

    const QRegularExpressionMatch match = element.match(html);
    if (!match.hasMatch())
        return {};

    QString text = match.captured(1);
    text.remove(markup);
    text.replace(QLatin1String("&nbsp;"), QLatin1String(" "));
    text.replace(QLatin1String("&lt;"), QLatin1String("<"));
    text.replace(QLatin1String("&gt;"), QLatin1String(">"));
    text.replace(QLatin1String("&quot;"), QLatin1String("\""));
    text.replace(QLatin1String("&#39;"), QLatin1String("'"));
    text.replace(QLatin1String("&amp;"), QLatin1String("&"));
    return text.simplified();
}

} // namespace

QString Artifact::titleFromHtml(const QString &html)
{
    static const QRegularExpression title(QStringLiteral("<title\\b[^>]*>(.*?)</title>"),
                                          QRegularExpression::CaseInsensitiveOption
                                              | QRegularExpression::DotMatchesEverythingOption);
    static const QRegularExpression heading(QStringLiteral("<h1\\b[^>]*>(.*?)</h1>"),
                                            QRegularExpression::CaseInsensitiveOption
                                                | QRegularExpression::DotMatchesEverythingOption);

    QString text = firstElementText(html, title);
    if (text.isEmpty())
        text = firstElementText(html, heading);
    if (text.isEmpty())
        return QStringLiteral("Untitled page");

    if (text.size() > maxTitleLength)
        text = text.left(maxTitleLength - 1).trimmed() + QChar(0x2026);
    return text;
}

} // namespace tandem::artifacts
