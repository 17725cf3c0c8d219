#include "artifacts/artifact.h"

#include <QHash>
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

QString shortened(QString text)
{
    if (text.size() > maxTitleLength)
        text = text.left(maxTitleLength - 1).trimmed() + QChar(0x2026);
    return text;
}

QString firstCapture(const QString &text, const QRegularExpression &pattern)
{
    const QRegularExpressionMatch match = pattern.match(text);
    return match.hasMatch() ? match.captured(1).simplified() : QString();
}

} // namespace

QString Artifact::typeForLanguage(const QString &language)
{
    static const QHash<QString, QString> types = {
        {QStringLiteral("html"), QStringLiteral("html")},
        {QStringLiteral("htm"), QStringLiteral("html")},
        {QStringLiteral("jsx"), QStringLiteral("jsx")},
        {QStringLiteral("react"), QStringLiteral("jsx")},
        {QStringLiteral("javascriptreact"), QStringLiteral("jsx")},
        {QStringLiteral("tsx"), QStringLiteral("tsx")},
        {QStringLiteral("typescriptreact"), QStringLiteral("tsx")},
        {QStringLiteral("svg"), QStringLiteral("svg")},
        {QStringLiteral("mermaid"), QStringLiteral("mermaid")},
        {QStringLiteral("markdown"), QStringLiteral("markdown")},
        {QStringLiteral("md"), QStringLiteral("markdown")},
    };
    return types.value(language.toLower());
}

QString Artifact::titleFor(const QString &type, const QString &content)
{
    if (type == u"jsx" || type == u"tsx")
        return titleFromComponent(content);
    if (type == u"markdown")
        return titleFromMarkdown(content);
    if (type == u"mermaid")
        return QStringLiteral("Diagram");
    if (type == u"svg") {
        static const QRegularExpression title(QStringLiteral("<title\\b[^>]*>(.*?)</title>"),
                                              QRegularExpression::CaseInsensitiveOption
                                                  | QRegularExpression::DotMatchesEverythingOption);
        const QString text = firstElementText(content, title);
        return text.isEmpty() ? QStringLiteral("SVG image") : shortened(text);
    }
    return titleFromHtml(content);
}

QString Artifact::titleFromComponent(const QString &code)
{
    static const QRegularExpression defaultExport(QStringLiteral(
        "export\\s+default\\s+(?:async\\s+)?(?:function\\s*|class\\s+)?([A-Z][\\w$]*)"));
    static const QRegularExpression component(
        QStringLiteral("^(?:export\\s+)?(?:function\\s+|const\\s+|class\\s+)([A-Z][\\w$]*)"),
        QRegularExpression::MultilineOption);

    QString name = firstCapture(code, defaultExport);
    if (name.isEmpty())
        name = firstCapture(code, component);
    return name.isEmpty() ? QStringLiteral("React component") : shortened(name);
}

QString Artifact::titleFromMarkdown(const QString &markdown)
{
    static const QRegularExpression heading(QStringLiteral("^#{1,6}\\s+(.+?)\\s*#*\\s*$"),
                                            QRegularExpression::MultilineOption);

    const QString text = firstCapture(markdown, heading);
    return text.isEmpty() ? QStringLiteral("Untitled document") : shortened(text);
}

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

    return shortened(text);
}

} // namespace tandem::artifacts
