#include "sessioncommand.h"

#include "datadirectory.h"

#include "session/sessionexporter.h"
#include "session/sessionstore.h"

#include <QCommandLineParser>
#include <QFile>
#include <QSaveFile>

#include <cstdio>

namespace tandem::app {

namespace {

QString storePath()
{
    return dataDirectory() + QStringLiteral("/sessions.sqlite");
}

int failWith(const QString &message)
{
    std::fprintf(stderr, "tandem: %s\n", qPrintable(message));
    return 1;
}

} // namespace

void SessionCommand::parse(const QStringList &arguments, CommandLine &line)
{
    const QString action = arguments.value(1);
    QCommandLineOption search(QStringLiteral("search"), {}, QStringLiteral("TEXT"));
    QCommandLineOption format(QStringLiteral("format"), {}, QStringLiteral("FORMAT"),
                              QStringLiteral("md"));
    QCommandLineOption output(QStringLiteral("output"), {}, QStringLiteral("FILE"));
    QCommandLineParser parser;
    parser.addOptions({search, format, output});
    QStringList rest = arguments;
    rest.removeAt(1);
    if (!parser.parse(rest)) {
        line.error = parser.errorText() + QStringLiteral(": see tandem --help.");
        return;
    }

    line.search = parser.value(search);
    line.format = parser.value(format);
    line.outputFile = parser.value(output);
    const QStringList positional = parser.positionalArguments();
    if (action == QLatin1String("list") && positional.isEmpty()) {
        line.mode = CommandLine::Mode::SessionList;
        return;
    }
    if (action != QLatin1String("export") || positional.size() != 1) {
        line.error = QStringLiteral("Use tandem session list, or tandem session export ID "
                                    "[--format md|json] [--output FILE]: see tandem --help.");
        return;
    }
    bool ok = false;
    line.sessionId = positional.first().toLongLong(&ok);
    line.mode = CommandLine::Mode::SessionExport;
    if (!ok || line.sessionId <= 0)
        line.error = QStringLiteral("The session ID is a number (tandem session list shows them).");
    else if (!session::SessionExporter::formatNamed(line.format))
        line.error = QStringLiteral("--format is md or json, not \"%1\".").arg(line.format);
}

int SessionCommand::exec(const CommandLine &line)
{
    return line.mode == CommandLine::Mode::SessionList ? list(line) : exportSession(line);
}

int SessionCommand::list(const CommandLine &line)
{
    session::SessionStore store(storePath());
    if (auto opened = store.open(); !opened)
        return failWith(opened.error().message);
    auto sessions = store.sessions(line.search);
    if (!sessions)
        return failWith(sessions.error().message);

    for (const session::SessionSummary &summary : *sessions) {
        std::printf("%lld\t%s\t%d messages\t%s\n", summary.id,
                    qPrintable(summary.updated.toString(Qt::ISODate)), summary.messageCount,
                    qPrintable(summary.title));
    }
    return 0;
}

int SessionCommand::exportSession(const CommandLine &line)
{
    session::SessionStore store(storePath());
    if (auto opened = store.open(); !opened)
        return failWith(opened.error().message);
    auto exported = session::SessionExporter::exportSession(
        store, line.sessionId, *session::SessionExporter::formatNamed(line.format));
    if (!exported)
        return failWith(exported.error().message);

    if (line.outputFile.isEmpty()) {
        std::fwrite(exported->constData(), 1, exported->size(), stdout);
        return std::fflush(stdout) == 0 ? 0 : 1;
    }
    QSaveFile out(line.outputFile);
    if (!out.open(QIODevice::WriteOnly) || out.write(*exported) != exported->size()
        || !out.commit())
        return failWith(
            QStringLiteral("Could not write %1: %2").arg(line.outputFile, out.errorString()));
    return 0;
}

} // namespace tandem::app
