#include "vcs/pullrequest.h"

#include "vcs/reviewworkspace.h"

#include <QRegularExpression>
#include <QSet>
#include <QStringList>

namespace tandem::vcs {

namespace {

constexpr int kMaxTitleLength = 72;

// Verbs a task usually starts with; other forms of them ("fixes", "added", "updating") are
// turned back into this imperative form for the title.
const QSet<QString> &imperativeVerbs()
{
    static const QSet<QString> verbs = {
        QStringLiteral("add"),      QStringLiteral("allow"),     QStringLiteral("avoid"),
        QStringLiteral("build"),    QStringLiteral("bump"),      QStringLiteral("change"),
        QStringLiteral("check"),    QStringLiteral("clean"),     QStringLiteral("convert"),
        QStringLiteral("correct"),  QStringLiteral("create"),    QStringLiteral("delete"),
        QStringLiteral("disable"),  QStringLiteral("document"),  QStringLiteral("drop"),
        QStringLiteral("enable"),   QStringLiteral("explain"),   QStringLiteral("extract"),
        QStringLiteral("fix"),      QStringLiteral("handle"),    QStringLiteral("implement"),
        QStringLiteral("improve"),  QStringLiteral("introduce"), QStringLiteral("make"),
        QStringLiteral("merge"),    QStringLiteral("migrate"),   QStringLiteral("move"),
        QStringLiteral("optimize"), QStringLiteral("prevent"),   QStringLiteral("refactor"),
        QStringLiteral("remove"),   QStringLiteral("rename"),    QStringLiteral("replace"),
        QStringLiteral("report"),   QStringLiteral("restore"),   QStringLiteral("rewrite"),
        QStringLiteral("show"),     QStringLiteral("simplify"),  QStringLiteral("speed"),
        QStringLiteral("split"),    QStringLiteral("stop"),      QStringLiteral("support"),
        QStringLiteral("test"),     QStringLiteral("update"),    QStringLiteral("upgrade"),
        QStringLiteral("use"),      QStringLiteral("validate"),  QStringLiteral("write"),
    };
    return verbs;
}

// "fixes" -> "fix", "added" -> "add", "updating" -> "update", "stopped" -> "stop".
QString imperativeOf(const QString &word)
{
    const QString lower = word.toLower();
    const auto known = [](const QString &verb) { return imperativeVerbs().contains(verb); };
    if (known(lower))
        return lower;

    const QList<QPair<QString, QStringList>> endings = {
        {QStringLiteral("es"), {QString()}},
        {QStringLiteral("s"), {QString()}},
        {QStringLiteral("ed"), {QString(), QStringLiteral("e")}},
        {QStringLiteral("ing"), {QString(), QStringLiteral("e")}},
    };
    for (const auto &[ending, restores] : endings) {
        if (!lower.endsWith(ending))
            continue;
        const QString stem = lower.chopped(ending.size());
        for (const QString &restore : restores) {
            if (known(stem + restore))
                return stem + restore;
        }
        // A doubled final consonant: "stopped", "dropping".
        if (stem.size() > 2 && stem.back() == stem.at(stem.size() - 2) && known(stem.chopped(1)))
            return stem.chopped(1);
    }
    return {};
}

QString withoutPoliteness(QString text)
{
    static const QRegularExpression lead(
        QStringLiteral("^(please|kindly|can you|could you|would you|will you|let's|lets|"
                       "i want you to|i'd like you to|i would like you to|we need to|"
                       "you should|go ahead and|try to)[\\s,:]+"),
        QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression tail(QStringLiteral("([\\s,]+please)?[\\s.!?:;,]*$"),
                                         QRegularExpression::CaseInsensitiveOption);

    QString previous;
    while (previous != text) {
        previous = text;
        text.remove(lead);
    }
    text.remove(tail);
    return text;
}

QString firstSentence(const QString &task)
{
    QString line;
    for (const QString &candidate : task.split(QLatin1Char('\n'))) {
        line = candidate.simplified();
        if (!line.isEmpty())
            break;
    }

    static const QRegularExpression end(QStringLiteral("[.!?]\\s"));
    const auto match = end.match(line);
    return match.hasMatch() ? line.left(match.capturedStart()) : line;
}

QString shortenedTitle(const QString &title)
{
    if (title.size() <= kMaxTitleLength)
        return title;

    QString cut = title.left(kMaxTitleLength - 1);
    const qsizetype space = cut.lastIndexOf(QLatin1Char(' '));
    if (space > kMaxTitleLength / 2)
        cut.truncate(space);
    while (!cut.isEmpty() && (cut.back().isSpace() || cut.back().isPunct()))
        cut.chop(1);
    return cut + QChar(0x2026);
}

QString titleOf(const QString &task)
{
    QString title = withoutPoliteness(firstSentence(task));
    if (title.isEmpty())
        return QStringLiteral("Changes prepared by Tandem");

    const qsizetype wordEnd = title.indexOf(QLatin1Char(' '));
    const QString first = title.left(wordEnd < 0 ? title.size() : wordEnd);
    const QString verb = imperativeOf(first);
    if (!verb.isEmpty())
        title.replace(0, first.size(), verb);

    title[0] = title.at(0).toUpper();
    return shortenedTitle(title);
}

// A fence longer than any run of backticks inside, so the block cannot be closed early.
QString codeBlock(const QString &text)
{
    int longest = 0;
    int run = 0;
    for (const QChar c : text) {
        run = c == QLatin1Char('`') ? run + 1 : 0;
        longest = std::max(longest, run);
    }
    const QString fence(std::max(3, longest + 1), QLatin1Char('`'));
    return fence + QStringLiteral("text\n") + text + QLatin1Char('\n') + fence;
}

QString section(const QString &heading, const QString &content)
{
    return QStringLiteral("## %1\n\n%2\n").arg(heading, content);
}

} // namespace

PullRequest makePullRequest(const QString &task, const QString &diffStat,
                            const QString &testSummary, const QString &modelSummary,
                            const QString &branchName)
{
    const QString summary =
        modelSummary.trimmed().isEmpty() ? task.trimmed() : modelSummary.trimmed();
    const QString changes = diffStat.trimmed().isEmpty() ? QStringLiteral("No file changes.")
                                                         : codeBlock(diffStat.trimmed());
    const QString tests = testSummary.trimmed().isEmpty() ? QStringLiteral("No tests were run.")
                                                          : testSummary.trimmed();
    const QString branch = branchName.isEmpty() ? reviewBranchName(task) : branchName;

    PullRequest request;
    request.title = titleOf(task);
    request.body = section(QStringLiteral("Summary"), summary) + QLatin1Char('\n')
                   + section(QStringLiteral("Changes"), changes) + QLatin1Char('\n')
                   + section(QStringLiteral("Tests"), tests) + QStringLiteral("\n---\n\n")
                   + QStringLiteral("Prepared by Tandem on branch `%1`.\n").arg(branch);
    return request;
}

} // namespace tandem::vcs
