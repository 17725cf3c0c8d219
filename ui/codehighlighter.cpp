#include "ui/codehighlighter.h"

#include <QHash>
#include <QRegularExpression>
#include <QSet>
#include <QStringList>

namespace tandem::ui {

namespace {

enum class Family { CLike, Hash, Json, None };

struct Grammar
{
    Family family = Family::None;
    QSet<QString> keywords;
};

QSet<QString> words(const char *list)
{
    const QStringList split = QString::fromLatin1(list).split(u' ', Qt::SkipEmptyParts);
    return QSet<QString>(split.begin(), split.end());
}

Grammar grammarFor(const QString &language)
{
    static const QHash<QString, Grammar> grammars = [] {
        const Grammar cpp{Family::CLike,
                          words("auto bool break case catch char class const constexpr continue "
                                "default delete do double else enum explicit false float for if "
                                "include inline int long namespace new nullptr override private "
                                "protected public return short signed sizeof static struct "
                                "switch template this throw true try typedef typename union "
                                "unsigned using virtual void volatile while define")};
        const Grammar js{Family::CLike,
                         words("async await break case catch class const continue default "
                               "delete do else export extends false finally for from function if "
                               "import in instanceof interface let new null return super switch "
                               "this throw true try type typeof undefined var void while yield")};
        const Grammar python{Family::Hash,
                             words("and as assert async await break class continue def del elif "
                                   "else except False finally for from global if import in is "
                                   "lambda None nonlocal not or pass raise return True try while "
                                   "with yield self")};
        const Grammar shell{Family::Hash,
                            words("if then else elif fi for while until do done case esac in "
                                  "function return local export set unset echo cd exit")};
        const Grammar rust{Family::CLike,
                           words("as break const continue crate else enum extern false fn for if "
                                 "impl in let loop match mod move mut pub ref return self Self "
                                 "static struct super trait true type unsafe use where while")};
        const Grammar go{Family::CLike,
                         words("break case chan const continue default defer else fallthrough "
                               "for func go goto if import interface map package range return "
                               "select struct switch type var nil true false")};
        const Grammar java{Family::CLike,
                           words("abstract boolean break case catch class continue default do "
                                 "double else extends false final finally float for if "
                                 "implements import int interface long new null package private "
                                 "protected public return static super switch this throw throws "
                                 "true try void while")};
        const Grammar json{Family::Json, words("true false null")};

        QHash<QString, Grammar> table;
        for (const char *name : {"c", "cpp", "c++", "cc", "h", "hpp", "cxx"})
            table.insert(QString::fromLatin1(name), cpp);
        for (const char *name : {"js", "javascript", "jsx", "ts", "typescript", "tsx"})
            table.insert(QString::fromLatin1(name), js);
        for (const char *name : {"py", "python", "python3"})
            table.insert(QString::fromLatin1(name), python);
        for (const char *name : {"sh", "bash", "shell", "zsh", "console"})
            table.insert(QString::fromLatin1(name), shell);
        table.insert(QStringLiteral("rust"), rust);
        table.insert(QStringLiteral("rs"), rust);
        table.insert(QStringLiteral("go"), go);
        table.insert(QStringLiteral("java"), java);
        table.insert(QStringLiteral("json"), json);
        return table;
    }();
    return grammars.value(language.toLower());
}

// One alternation per family; the named group that matched says what the token is.
const QRegularExpression &tokens(Family family)
{
    static const QRegularExpression clike(
        QStringLiteral(R"((?<comment>//[^\n]*|/\*[\s\S]*?(\*/|$)))"
                       R"(|(?<string>"(\\.|[^"\\\n])*"?|'(\\.|[^'\\\n])*'?|`[^`]*`?))"
                       R"(|(?<number>\b\d[\w.]*)|(?<word>[A-Za-z_#][\w]*))"));
    static const QRegularExpression hash(
        QStringLiteral(R"((?<comment>#[^\n]*)|(?<string>"(\\.|[^"\\\n])*"?|'[^'\n]*'?))"
                       R"(|(?<number>\b\d[\w.]*)|(?<word>[A-Za-z_][\w]*))"));
    static const QRegularExpression json(
        QStringLiteral(R"((?<comment>(?!))|(?<string>"(\\.|[^"\\\n])*"?))"
                       R"(|(?<number>-?\b\d[\d.eE+-]*)|(?<word>[a-z]+))"));
    switch (family) {
    case Family::CLike:
        return clike;
    case Family::Hash:
        return hash;
    default:
        return json;
    }
}

QString span(const QString &text, const char *colour)
{
    return QStringLiteral("<span style=\"color:%1\">%2</span>")
        .arg(QLatin1String(colour), text.toHtmlEscaped());
}

QString highlighted(const QString &code, const Grammar &grammar)
{
    QString html;
    qsizetype done = 0;
    for (const QRegularExpressionMatch &match : tokens(grammar.family).globalMatch(code)) {
        html += code.mid(done, match.capturedStart() - done).toHtmlEscaped();
        done = match.capturedEnd();
        const QString token = match.captured();
        if (match.capturedLength(u"comment") > 0)
            html += span(token, "#6a737d");
        else if (match.capturedLength(u"string") > 0)
            html += span(token, "#0a7f33");
        else if (match.capturedLength(u"number") > 0)
            html += span(token, "#b45309");
        else if (grammar.keywords.contains(token))
            html += QStringLiteral("<b>%1</b>").arg(span(token, "#7c3aed"));
        else
            html += token.toHtmlEscaped();
    }
    return html + code.mid(done).toHtmlEscaped();
}

} // namespace

bool CodeHighlighter::knows(const QString &language)
{
    return grammarFor(language).family != Family::None;
}

QString CodeHighlighter::toHtml(const QString &code, const QString &language)
{
    const Grammar grammar = grammarFor(language);
    const QString body =
        grammar.family == Family::None ? code.toHtmlEscaped() : highlighted(code, grammar);
    return QStringLiteral("<pre style=\"margin:0\">%1</pre>").arg(body);
}

} // namespace tandem::ui
