#pragma once

#include "base/error.h"

#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

namespace tandem::ui {

// Opens a file at a line in the user's own editor: VS Code's `code -g file:line` when `code`
// is on PATH, else $VISUAL, else $EDITOR with `+line`. The editor is started detached with an
// argument list, never through a shell, so no name in the repository can become a command.
class EditorLauncher
{
public:
    struct Command
    {
        QString program;
        QStringList arguments;
    };

    static base::Result<Command> commandFor(const QString &file, int line,
                                            const QProcessEnvironment &environment);
    static base::Result<Command> open(const QString &file, int line);
};

} // namespace tandem::ui
