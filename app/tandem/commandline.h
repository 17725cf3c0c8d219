#pragma once

#include <QString>
#include <QStringList>

#include <optional>

namespace tandem::app {

// What the user asked for on the command line. `tandem` opens the window; `tandem run` works
// headless; `tandem --help` and `--version` answer and exit.
struct CommandLine
{
    enum class Mode { Window, Run, Help, Version };

    Mode mode = Mode::Window;
    QString repo;
    QString task;
    QString model;
    QString pushRemote;
    QString error; // set when the arguments cannot be used; says what to do

    static CommandLine parse(const QStringList &arguments);
    static QString helpText();
};

} // namespace tandem::app
