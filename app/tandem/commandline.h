#pragma once

#include <QString>
#include <QStringList>

#include <optional>

namespace tandem::app {

// What the user asked for on the command line. `tandem` opens the window; `tandem run` works
// headless; `tandem sandbox run` runs one command in the sandbox the agent would use;
// `tandem session` lists and exports saved sessions; `tandem audit verify` checks the audit
// log's chain; `tandem --help` and `--version` answer and exit.
struct CommandLine
{
    enum class Mode {
        Window,
        Run,
        SandboxRun,
        SessionList,
        SessionExport,
        AuditVerify,
        Help,
        Version
    };

    Mode mode = Mode::Window;
    QString repo;
    QString task;
    QString model;
    QString pushRemote;
    QString computerWindow; // `tandem run`: the window the computer tool may use
    QString codeExecution; // empty or "local": Tandem's own; "anthropic": the provider's
    bool approveAll = false; // `tandem run`: allow the calls the approval policy asks about

    // `tandem sandbox run`
    QString workspace;
    bool workspaceGiven = false;
    QString backend;
    QString sandboxConfig;
    int timeoutSeconds = 0;
    bool json = false;
    QStringList command;

    // `tandem session list` and `tandem session export`
    qint64 sessionId = 0;
    QString format; // md or json
    QString outputFile; // empty: stdout
    QString search;

    QString auditFile; // `tandem audit verify [FILE]`; empty: the data directory's log

    QString error; // set when the arguments cannot be used; says what to do

    static CommandLine parse(const QStringList &arguments);
    static QString helpText();
};

} // namespace tandem::app
