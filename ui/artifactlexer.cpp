#include "ui/artifactlexer.h"

#include <QFontDatabase>
#include <QHash>

#include <Qsci/qscilexerbash.h>
#include <Qsci/qscilexercmake.h>
#include <Qsci/qscilexercpp.h>
#include <Qsci/qscilexercsharp.h>
#include <Qsci/qscilexercss.h>
#include <Qsci/qscilexerhtml.h>
#include <Qsci/qscilexerjava.h>
#include <Qsci/qscilexerjavascript.h>
#include <Qsci/qscilexerjson.h>
#include <Qsci/qscilexerlua.h>
#include <Qsci/qscilexermakefile.h>
#include <Qsci/qscilexermarkdown.h>
#include <Qsci/qscilexerperl.h>
#include <Qsci/qscilexerpython.h>
#include <Qsci/qscilexerruby.h>
#include <Qsci/qscilexersql.h>
#include <Qsci/qscilexerxml.h>
#include <Qsci/qscilexeryaml.h>

#include <functional>

namespace tandem::ui {

namespace {

using Factory = std::function<QsciLexer *(QObject *parent)>;

template <typename Lexer>
Factory make()
{
    return [](QObject *parent) -> QsciLexer * { return new Lexer(parent); };
}

QsciLexer *makeHtml(QObject *parent)
{
    auto *lexer = new QsciLexerHTML(parent);
    // Scintilla's SGML keywords are upper case only, so the usual lower-case
    // <!doctype html> would show as an error.
    lexer->setColor(lexer->color(QsciLexerHTML::SGMLCommand), QsciLexerHTML::SGMLError);
    return lexer;
}

// Lexers by the name nameForLanguage() gives.
const QHash<QString, Factory> &factories()
{
    static const QHash<QString, Factory> byName = {
        {QStringLiteral("python"), make<QsciLexerPython>()},
        {QStringLiteral("cpp"), make<QsciLexerCPP>()},
        {QStringLiteral("javascript"), make<QsciLexerJavaScript>()},
        {QStringLiteral("json"), make<QsciLexerJSON>()},
        {QStringLiteral("bash"), make<QsciLexerBash>()},
        {QStringLiteral("html"), makeHtml},
        {QStringLiteral("css"), make<QsciLexerCSS>()},
        {QStringLiteral("sql"), make<QsciLexerSQL>()},
        {QStringLiteral("java"), make<QsciLexerJava>()},
        {QStringLiteral("csharp"), make<QsciLexerCSharp>()},
        {QStringLiteral("ruby"), make<QsciLexerRuby>()},
        {QStringLiteral("perl"), make<QsciLexerPerl>()},
        {QStringLiteral("lua"), make<QsciLexerLua>()},
        {QStringLiteral("yaml"), make<QsciLexerYAML>()},
        {QStringLiteral("xml"), make<QsciLexerXML>()},
        {QStringLiteral("cmake"), make<QsciLexerCMake>()},
        {QStringLiteral("makefile"), make<QsciLexerMakefile>()},
        {QStringLiteral("markdown"), make<QsciLexerMarkdown>()},
    };
    return byName;
}

void styleLexer(QsciLexer *lexer)
{
    const QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    lexer->setDefaultFont(mono);
    lexer->setFont(mono, -1);
    // One background for the whole text, whatever the lexer's styles say.
    lexer->setDefaultPaper(Qt::white);
    lexer->setPaper(Qt::white, -1);
}

} // namespace

QString ArtifactLexer::nameForLanguage(const QString &language)
{
    // Languages without a lexer of their own borrow the one whose syntax is closest: C-like
    // braces and comments for C, Go, Rust, Kotlin and Swift; JavaScript's for TypeScript.
    static const QHash<QString, QString> aliases = {
        {QStringLiteral("py"), QStringLiteral("python")},
        {QStringLiteral("python3"), QStringLiteral("python")},
        {QStringLiteral("c++"), QStringLiteral("cpp")},
        {QStringLiteral("cxx"), QStringLiteral("cpp")},
        {QStringLiteral("cc"), QStringLiteral("cpp")},
        {QStringLiteral("hpp"), QStringLiteral("cpp")},
        {QStringLiteral("c"), QStringLiteral("cpp")},
        {QStringLiteral("h"), QStringLiteral("cpp")},
        {QStringLiteral("go"), QStringLiteral("cpp")},
        {QStringLiteral("rust"), QStringLiteral("cpp")},
        {QStringLiteral("rs"), QStringLiteral("cpp")},
        {QStringLiteral("kotlin"), QStringLiteral("cpp")},
        {QStringLiteral("swift"), QStringLiteral("cpp")},
        {QStringLiteral("js"), QStringLiteral("javascript")},
        {QStringLiteral("jsx"), QStringLiteral("javascript")},
        {QStringLiteral("mjs"), QStringLiteral("javascript")},
        {QStringLiteral("ts"), QStringLiteral("javascript")},
        {QStringLiteral("tsx"), QStringLiteral("javascript")},
        {QStringLiteral("typescript"), QStringLiteral("javascript")},
        {QStringLiteral("sh"), QStringLiteral("bash")},
        {QStringLiteral("shell"), QStringLiteral("bash")},
        {QStringLiteral("zsh"), QStringLiteral("bash")},
        {QStringLiteral("htm"), QStringLiteral("html")},
        {QStringLiteral("svg"), QStringLiteral("xml")},
        {QStringLiteral("cs"), QStringLiteral("csharp")},
        {QStringLiteral("c#"), QStringLiteral("csharp")},
        {QStringLiteral("rb"), QStringLiteral("ruby")},
        {QStringLiteral("pl"), QStringLiteral("perl")},
        {QStringLiteral("yml"), QStringLiteral("yaml")},
        {QStringLiteral("make"), QStringLiteral("makefile")},
        {QStringLiteral("md"), QStringLiteral("markdown")},
        {QStringLiteral("postgresql"), QStringLiteral("sql")},
        {QStringLiteral("sqlite"), QStringLiteral("sql")},
    };
    const QString lower = language.trimmed().toLower();
    const QString name = aliases.value(lower, lower);
    return factories().contains(name) ? name : QString();
}

QsciLexer *ArtifactLexer::create(const QString &type, const QString &language, QObject *parent)
{
    QString name;
    if (type == u"code")
        name = nameForLanguage(language);
    else if (type == u"html" || type == u"svg")
        name = QStringLiteral("html");
    else if (type == u"jsx" || type == u"tsx")
        name = QStringLiteral("javascript");
    else if (type == u"markdown")
        name = QStringLiteral("markdown");
    if (name.isEmpty())
        return nullptr;

    QsciLexer *lexer = factories().value(name)(parent);
    styleLexer(lexer);
    return lexer;
}

} // namespace tandem::ui
