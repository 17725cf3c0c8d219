#include "artifacts/artifactpage.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

namespace tandem::artifacts {

namespace {

// React itself comes with every React page; these are the libraries beside it.
const QStringList optionalLibraries = {
    QStringLiteral("recharts"), QStringLiteral("lucide-react"), QStringLiteral("lodash"),
    QStringLiteral("d3"),       QStringLiteral("papaparse"),    QStringLiteral("mathjs"),
};

const QStringList reactModules = {
    QStringLiteral("react"),
    QStringLiteral("react-dom"),
    QStringLiteral("react-dom/client"),
    QStringLiteral("react/jsx-runtime"),
};

// Hides the page until its component has rendered and its classes are styled, so the user
// never sees a flash of unstyled markup.
const char *const pageHead = R"(<!doctype html>
<html class="tandem-cloak"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>html.tandem-cloak body { visibility: hidden; } body { margin: 0; }</style>
)";

QString scriptTag(const QString &file)
{
    return QStringLiteral("<script src=\"/_runtime/%1\"></script>\n").arg(file);
}

// A JSON string that is safe inside a <script> element: no "</script" can end it early.
QString scriptLiteral(const QString &text)
{
    QString json =
        QString::fromUtf8(QJsonDocument(QJsonArray{text}).toJson(QJsonDocument::Compact));
    json = json.mid(1, json.size() - 2);
    json.replace(u'<', QStringLiteral("\\u003c"));
    json.replace(QChar(0x2028), QStringLiteral("\\u2028"));
    json.replace(QChar(0x2029), QStringLiteral("\\u2029"));
    return json;
}

} // namespace

QByteArray ArtifactPage::compose(const Artifact &artifact)
{
    if (artifact.type == u"jsx" || artifact.type == u"tsx")
        return composeReact(artifact);
    if (artifact.type == u"svg")
        return composeSvg(artifact.content);
    if (artifact.type == u"mermaid")
        return composeScripted(artifact, QStringLiteral("mermaid.js"));
    if (artifact.type == u"markdown")
        return composeScripted(artifact, QStringLiteral("markdown.js"));
    return composeHtml(artifact.content);
}

QByteArray ArtifactPage::standalone(const Artifact &artifact, ArtifactRuntime &runtime)
{
    static const QRegularExpression runtimeScript(
        QStringLiteral("<script src=\"/_runtime/([\\w.-]+)\">\\s*</script>"));

    const QString page = QString::fromUtf8(compose(artifact));
    QString inlined;
    qsizetype done = 0;
    for (const QRegularExpressionMatch &match : runtimeScript.globalMatch(page)) {
        const std::optional<QByteArray> code = runtime.file(match.captured(1));
        if (!code)
            return {};

        // Inside a script element only "</script" can end it early; "<\/script" means the same
        // to JavaScript in the strings and patterns where it can occur.
        QString script = QString::fromUtf8(*code);
        script.replace(QStringLiteral("</script"), QStringLiteral("<\\/script"),
                       Qt::CaseInsensitive);
        inlined += QStringView(page).mid(done, match.capturedStart() - done);
        inlined += QStringLiteral("<script>") + script + QStringLiteral("</script>");
        done = match.capturedEnd();
    }
    inlined += QStringView(page).mid(done);
    return inlined.toUtf8();
}

QStringList ArtifactPage::libraries()
{
    return reactModules + optionalLibraries;
}

QStringList ArtifactPage::runtimeFilesFor(const QString &code)
{
    static const QRegularExpression specifier(
        QStringLiteral("(?:\\bfrom\\s*|\\bimport\\s*|\\brequire\\s*\\(\\s*)['\"]([^'\"]+)['\"]"));

    QStringList files;
    for (const QRegularExpressionMatch &match : specifier.globalMatch(code)) {
        const QString module = match.captured(1);
        const QString file = module + QStringLiteral(".js");
        if (optionalLibraries.contains(module) && !files.contains(file))
            files.append(file);
    }
    return files;
}

QString ArtifactPage::rerunScript(const QString &code)
{
    return QStringLiteral("TandemRuntime.rerun(%1);").arg(scriptLiteral(code));
}

// Lines stay where they are, so that an error's line is the line in the code pane.
QByteArray ArtifactPage::composeHtml(const QString &html)
{
    static const QRegularExpression tailwindCdn(
        QStringLiteral("<script\\s+src=[\"']https://cdn\\.tailwindcss\\.com[^\"']*[\"']\\s*>"),
        QRegularExpression::CaseInsensitiveOption);

    QString page = html;
    page.replace(tailwindCdn, QStringLiteral("<script src=\"/_runtime/tailwind.js\">"));
    return page.toUtf8();
}

QByteArray ArtifactPage::composeReact(const Artifact &artifact)
{
    QString page = QString::fromLatin1(pageHead);
    page += dataScript(artifact);
    page += scriptTag(QStringLiteral("tailwind.js"));
    page += scriptTag(QStringLiteral("react.js"));
    for (const QString &file : runtimeFilesFor(artifact.content))
        page += scriptTag(file);
    page += QStringLiteral("</head><body><div id=\"root\"></div>\n");
    page += scriptTag(QStringLiteral("react-artifact.js"));
    page += QStringLiteral("</body></html>\n");
    return page.toUtf8();
}

QByteArray ArtifactPage::composeSvg(const QString &svg)
{
    QString page = QStringLiteral(
        "<!doctype html>\n<html><head><meta charset=\"utf-8\"><style>html, body { margin: 0; "
        "height: 100%; } body { display: flex; align-items: center; justify-content: center; "
        "background: #fff; } body > svg { max-width: 100%; max-height: 100vh; }</style>"
        "</head><body>\n");
    page += svg;
    page += QStringLiteral("</body></html>\n");
    return page.toUtf8();
}

QByteArray ArtifactPage::composeScripted(const Artifact &artifact, const QString &runtimeFile)
{
    QString page = QStringLiteral("<!doctype html>\n<html><head><meta charset=\"utf-8\">\n");
    page += dataScript(artifact);
    page += QStringLiteral("</head><body><div id=\"root\"></div>\n");
    page += scriptTag(runtimeFile);
    page += QStringLiteral("</body></html>\n");
    return page.toUtf8();
}

QString ArtifactPage::dataScript(const Artifact &artifact)
{
    const QString available = QString::fromUtf8(
        QJsonDocument(QJsonArray::fromStringList(libraries())).toJson(QJsonDocument::Compact));
    return QStringLiteral("<script>window.TandemRuntime = { modules: {}, language: %1, "
                          "available: %2, source: %3 };</script>\n")
        .arg(scriptLiteral(artifact.type), available, scriptLiteral(artifact.content));
}

} // namespace tandem::artifacts
