#include "commandline.h"
#include "sessioncommand.h"

#include <QCommandLineParser>

namespace tandem::app {

namespace {

struct Options
{
    QCommandLineOption repo{QStringLiteral("repo"),
                            QStringLiteral("A local git checkout (any folder inside it) or a "
                                           "clone URL."),
                            QStringLiteral("PATH")};
    QCommandLineOption task{QStringLiteral("task"), QStringLiteral("What to do, in words."),
                            QStringLiteral("TEXT")};
    QCommandLineOption model{QStringLiteral("model"),
                             QStringLiteral("anthropic:NAME or scripted:FILE."),
                             QStringLiteral("MODEL")};
    QCommandLineOption push{QStringLiteral("push"),
                            QStringLiteral("Push the review branch to this remote."),
                            QStringLiteral("REMOTE")};
    QCommandLineOption sandbox{QStringLiteral("sandbox"),
                               QStringLiteral("bubblewrap (default) or container."),
                               QStringLiteral("NAME")};
    QCommandLineOption computer{QStringLiteral("computer-window"),
                                QStringLiteral("Let the model use this window through the "
                                               "computer tool."),
                                QStringLiteral("TITLE")};
    QCommandLineOption codeExecution{QStringLiteral("code-execution"),
                                     QStringLiteral("local (default) or anthropic."),
                                     QStringLiteral("WHERE")};
    QCommandLineOption approveAll{QStringLiteral("approve-all"),
                                  QStringLiteral("Allow the calls that would wait for approval.")};
    QCommandLineOption help{{QStringLiteral("h"), QStringLiteral("help")},
                            QStringLiteral("Show this help.")};
    QCommandLineOption version{QStringLiteral("version"), QStringLiteral("Show the version.")};
};

struct SandboxOptions
{
    QCommandLineOption workspace{QStringLiteral("workspace"),
                                 QStringLiteral("The folder bound read-write."),
                                 QStringLiteral("DIR")};
    QCommandLineOption backend{QStringLiteral("backend"),
                               QStringLiteral("bubblewrap or container."), QStringLiteral("NAME")};
    QCommandLineOption config{QStringLiteral("config"),
                              QStringLiteral("Your sandbox.json, instead of the one in "
                                             "$XDG_CONFIG_HOME/tandem."),
                              QStringLiteral("FILE")};
    QCommandLineOption timeout{QStringLiteral("timeout"),
                               QStringLiteral("Wall-time limit of the command."),
                               QStringLiteral("SECONDS")};
    QCommandLineOption json{QStringLiteral("json"),
                            QStringLiteral("Print the result as one JSON object.")};
};

QString parserError(const QCommandLineParser &parser)
{
    QString why = parser.errorText();
    while (why.endsWith(QLatin1Char('.')))
        why.chop(1);
    return why + QStringLiteral(": see tandem --help.");
}

// `tandem sandbox run [options] -- COMMAND...`; `arguments` starts with the program name.
void parseSandboxRun(const QStringList &arguments, CommandLine &line)
{
    SandboxOptions options;
    QCommandLineParser parser;
    parser.addOptions(
        {options.workspace, options.backend, options.config, options.timeout, options.json});
    if (!parser.parse(arguments)) {
        line.error = parserError(parser);
        return;
    }

    line.workspace = parser.value(options.workspace);
    line.workspaceGiven = parser.isSet(options.workspace);
    if (parser.isSet(options.config) && parser.value(options.config).trimmed().isEmpty())
        line.error = QStringLiteral("--config needs a file.");
    line.backend = parser.value(options.backend);
    line.sandboxConfig = parser.value(options.config);
    line.json = parser.isSet(options.json);
    line.command = parser.positionalArguments();

    if (parser.isSet(options.timeout)) {
        bool ok = false;
        line.timeoutSeconds = parser.value(options.timeout).toInt(&ok);
        if (!ok || line.timeoutSeconds <= 0)
            line.error = QStringLiteral("--timeout needs a whole number of seconds above 0.");
    }
    if (line.command.isEmpty())
        line.error = QStringLiteral("tandem sandbox run needs a command: tandem sandbox run -- "
                                    "COMMAND [ARGUMENT...].");
}

// `tandem audit verify [FILE]`; `arguments` starts with the program name.
void parseAuditVerify(const QStringList &arguments, CommandLine &line)
{
    QCommandLineParser parser;
    if (!parser.parse(arguments)) {
        line.error = parserError(parser);
        return;
    }
    const QStringList files = parser.positionalArguments();
    if (files.size() > 1)
        line.error = QStringLiteral("tandem audit verify takes one file at most.");
    else if (!files.isEmpty())
        line.auditFile = files.first();
}

} // namespace

QString CommandLine::helpText()
{
    return QStringLiteral(
        "Usage:\n"
        "  tandem [--repo PATH] [--model MODEL] [--computer-window TITLE] [--task TEXT]\n"
        "      Open the Tandem window: a chat with a coding model beside a live artifact view.\n"
        "      Without --repo it works on a copy of the bundled demo repository. It reopens\n"
        "      the session it had open last; --task sends TEXT in it at once.\n"
        "  tandem run --repo PATH --task TEXT [--model MODEL] [--push REMOTE]\n"
        "             [--sandbox NAME] [--computer-window TITLE] [--approve-all]\n"
        "      Work on a task headless, streaming the conversation to stdout. Tandem makes a\n"
        "      workspace of its own on a review branch tandem/<task>, lets the model read,\n"
        "      edit and run code there in a bubblewrap sandbox, runs the repository's tests,\n"
        "      commits with your git identity and, with --push, pushes the branch. Exits 0 on\n"
        "      success, and otherwise prints one line saying why.\n"
        "  tandem sandbox run [--workspace DIR] [--backend NAME] [--config FILE]\n"
        "                     [--timeout SECONDS] [--json] -- COMMAND [ARGUMENT...]\n"
        "      Run one command in the sandbox Tandem gives the agent, with the policy from\n"
        "      your sandbox.json and the workspace's .tandem/sandbox.json. The workspace\n"
        "      (default: the current folder) is the only writable host folder. Exits with\n"
        "      the command's status; --json prints the whole result instead.\n"
        "  tandem session list [--search TEXT]\n"
        "      The saved sessions of the window, newest first: ID, last change, size, title.\n"
        "  tandem session export ID [--format md|json] [--output FILE]\n"
        "      One session as Markdown (the default) or JSON (its messages in the Messages\n"
        "      API's form), on stdout or into FILE.\n"
        "  tandem audit verify [FILE]\n"
        "      Check the hash chain of an audit log (default: the one in the data folder)\n"
        "      and name the first line that does not follow the one before it. Exits 0\n"
        "      when the chain holds, 1 when it is broken, 3 when the file cannot be read,\n"
        "      4 when only the last line is incomplete (a write cut short).\n"
        "\n"
        "Options:\n"
        "  --repo PATH      A local git checkout (any folder inside it; your working tree is\n"
        "                   never touched) or a clone URL.\n"
        "  --task TEXT      What to do, in words, e.g. \"Fix the failing test\".\n"
        "  --model MODEL    anthropic:NAME  the Anthropic API (key from the keyring or\n"
        "                                   ANTHROPIC_API_KEY; ANTHROPIC_BASE_URL overrides\n"
        "                                   the address)\n"
        "                   openai:NAME     an OpenAI-compatible server (Ollama, llama.cpp,\n"
        "                                   vLLM) at OPENAI_BASE_URL or the one in Settings\n"
        "                   scripted:FILE   Tandem's scripted model server replaying FILE\n"
        "                   Default: the model chosen in Settings (Ctrl+, in the window,\n"
        "                   ~/.config/tandem/Tandem.conf), else anthropic:claude-sonnet-4-5\n"
        "                   when a key is found, else the scripted demo model.\n"
        "  --push REMOTE    Push the review branch to this remote of the repository. The\n"
        "                   credential comes from TANDEM_GIT_TOKEN (user TANDEM_GIT_USERNAME)\n"
        "                   or your git credential helper, and never enters the sandbox.\n"
        "  --sandbox NAME   Where commands run: bubblewrap (the default: local, starts in\n"
        "                   milliseconds) or container (Docker or Podman through the Engine\n"
        "                   API; DOCKER_HOST picks the engine). Both follow your\n"
        "                   $XDG_CONFIG_HOME/tandem/sandbox.json and the repository's\n"
        "                   .tandem/sandbox.json.\n"
        "  --computer-window TITLE\n"
        "                   Also give the model the computer tool, confined to the one\n"
        "                   window on $DISPLAY whose title contains TITLE: it sees\n"
        "                   screenshots and clicks and types there, nowhere else. Risky\n"
        "                   keys (typing into a terminal, close, quit, switch) wait for\n"
        "                   your approval in the window; `tandem run` refuses them.\n"
        "                   Ctrl+Shift+Escape anywhere stops it; the window shows each step.\n"
        "  --code-execution WHERE\n"
        "                   Where the model's scripts run, which may call host tools such\n"
        "                   as compute_kpis: local (the default: Tandem's code_execution\n"
        "                   tool, in the sandbox, with any model) or anthropic (Anthropic's\n"
        "                   own code execution; its calls to host tools are answered here).\n"
        "  --approve-all    `tandem run` only: allow the calls the approval policy asks\n"
        "                   about (risky commands and desktop actions; approvals.json in\n"
        "                   the data folder lists the commands). Without it they are\n"
        "                   refused, since nobody is at a window to approve them.\n"
        "  -h, --help       Show this help.\n"
        "  --version        Show the version.\n"
        "\n"
        "Files: workspaces, the audit log (audit.jsonl), the saved sessions\n"
        "(sessions.sqlite) and the log of `tandem run` (tandem.log) live in\n"
        "$XDG_DATA_HOME/tandem (default ~/.local/share/tandem).\n");
}

CommandLine CommandLine::parse(const QStringList &arguments)
{
    CommandLine line;
    QStringList rest = arguments;
    if (rest.size() > 2 && rest.at(1) == QLatin1String("sandbox")
        && rest.at(2) == QLatin1String("run")) {
        line.mode = Mode::SandboxRun;
        rest.remove(1, 2);
        parseSandboxRun(rest, line);
        return line;
    }
    if (rest.size() > 1 && rest.at(1) == QLatin1String("session")) {
        rest.removeAt(1);
        SessionCommand::parse(rest, line);
        return line;
    }
    if (rest.size() > 1 && rest.at(1) == QLatin1String("audit")) {
        line.mode = Mode::AuditVerify;
        if (rest.size() < 3 || rest.at(2) != QLatin1String("verify")) {
            line.error =
                QStringLiteral("tandem audit has one command: tandem audit verify [FILE].");
            return line;
        }
        rest.remove(1, 2);
        parseAuditVerify(rest, line);
        return line;
    }
    if (rest.size() > 1 && rest.at(1) == QLatin1String("run")) {
        line.mode = Mode::Run;
        rest.removeAt(1);
    }

    Options options;
    QCommandLineParser parser;
    parser.addOptions({options.repo, options.task, options.model, options.push, options.sandbox,
                       options.computer, options.codeExecution, options.approveAll, options.help,
                       options.version});
    if (!parser.parse(rest)) {
        line.error = parserError(parser);
        return line;
    }
    if (parser.isSet(options.help))
        line.mode = Mode::Help;
    else if (parser.isSet(options.version))
        line.mode = Mode::Version;

    line.repo = parser.value(options.repo);
    line.task = parser.value(options.task).trimmed();
    line.model = parser.value(options.model);
    line.pushRemote = parser.value(options.push);
    line.backend = parser.value(options.sandbox);
    line.computerWindow = parser.value(options.computer);
    line.codeExecution = parser.value(options.codeExecution);
    line.approveAll = parser.isSet(options.approveAll);

    if (!parser.positionalArguments().isEmpty()) {
        line.error = QStringLiteral("Unexpected argument \"%1\": see tandem --help.")
                         .arg(parser.positionalArguments().first());
    } else if (!line.codeExecution.isEmpty() && line.codeExecution != QLatin1String("local")
               && line.codeExecution != QLatin1String("anthropic")) {
        line.error = QStringLiteral("--code-execution is local (scripts run in Tandem's sandbox) "
                                    "or anthropic (on Anthropic's side), not \"%1\".")
                         .arg(line.codeExecution);
    } else if (line.mode == Mode::Run && line.repo.isEmpty()) {
        line.error = QStringLiteral("tandem run needs --repo PATH (a git checkout or a URL).");
    } else if (line.mode == Mode::Run && line.task.isEmpty()) {
        line.error = QStringLiteral("tandem run needs --task TEXT (what to do).");
    } else if (line.mode == Mode::Window && !line.pushRemote.isEmpty()) {
        line.error = QStringLiteral("--push belongs to `tandem run`: see tandem --help.");
    }
    return line;
}

} // namespace tandem::app
