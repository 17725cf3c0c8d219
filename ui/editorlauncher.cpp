#include "ui/editorlauncher.h"

#include "ui/logging.h"

#include <QProcess>
#include <QStandardPaths>

#include <optional>

namespace tandem::ui {

namespace {

QStringList searchPath(const QProcessEnvironment &environment)
{
    return environment.value(QStringLiteral("PATH")).split(QLatin1Char(':'), Qt::SkipEmptyParts);
}

// $VISUAL and $EDITOR may carry arguments ("emacs -nw"); they are split as a shell would
// split words, but nothing else a shell does applies.
std::optional<EditorLauncher::Command> fromVariable(const QString &value, const QString &file,
                                                    int line)
{
    QStringList words = QProcess::splitCommand(value);
    if (words.isEmpty())
        return std::nullopt;

    EditorLauncher::Command command;
    command.program = words.takeFirst();
    command.arguments = words;
    command.arguments << QStringLiteral("+%1").arg(line) << file;
    return command;
}

} // namespace

base::Result<EditorLauncher::Command>
EditorLauncher::commandFor(const QString &file, int line, const QProcessEnvironment &environment)
{
    const QString code =
        QStandardPaths::findExecutable(QStringLiteral("code"), searchPath(environment));
    if (!code.isEmpty())
        return Command{code, {QStringLiteral("-g"), QStringLiteral("%1:%2").arg(file).arg(line)}};

    for (const char *name : {"VISUAL", "EDITOR"}) {
        if (auto command = fromVariable(environment.value(QLatin1String(name)), file, line))
            return *command;
    }
    return base::fail(QStringLiteral("no_editor"),
                      QStringLiteral("No editor found: put VS Code's `code` command on PATH, or "
                                     "set VISUAL or EDITOR to your editor."));
}

base::Result<EditorLauncher::Command> EditorLauncher::open(const QString &file, int line)
{
    auto command = commandFor(file, line, QProcessEnvironment::systemEnvironment());
    if (!command)
        return command;

    if (!QProcess::startDetached(command->program, command->arguments)) {
        return base::fail(QStringLiteral("editor_failed"),
                          QStringLiteral("Could not start %1: check that it is installed.")
                              .arg(command->program));
    }
    qCInfo(lcUi, "opened %s at line %d in %s", qPrintable(file), line,
           qPrintable(command->program));
    return command;
}

} // namespace tandem::ui
