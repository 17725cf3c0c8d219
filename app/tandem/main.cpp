#include "auditcommand.h"
#include "commandline.h"
#include "headlessrun.h"
#include "sandboxcommand.h"
#include "sessioncommand.h"
#include "windowapp.h"

#include "sandbox/cgroupset.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QGuiApplication>
#include <QLoggingCategory>

#include <cstdio>
#include <unistd.h>

namespace tandem::app {
Q_LOGGING_CATEGORY(lcApp, "tandem.app", QtWarningMsg)
}

namespace {

// The session's sandbox is gone by now; its empty cgroups may still be on their way out.
int finished(int status)
{
    tandem::sandbox::CgroupSet::finishRemovals(std::chrono::seconds(2));
    return status;
}

// Qt's GUI libraries want a private runtime folder and complain on stderr when the session has
// none (a console login, a service): make the one they would fall back to, quietly, so that a
// headless run's errors stay one line.
void ensureRuntimeDirectory()
{
    if (!qEnvironmentVariableIsEmpty("XDG_RUNTIME_DIR"))
        return;
    const QString folder = QDir::temp().filePath(QStringLiteral("runtime-%1").arg(::getuid()));
    // One that someone else made, or a link, is not ours to use: Qt then says so itself.
    const QFileInfo info(folder);
    if (QDir().mkpath(folder) && !info.isSymLink() && info.ownerId() == ::getuid()) {
        QFile::setPermissions(folder, QFileDevice::ReadOwner | QFileDevice::WriteOwner
                                          | QFileDevice::ExeOwner);
        qputenv("XDG_RUNTIME_DIR", QFile::encodeName(folder));
    }
}

} // namespace

int main(int argc, char *argv[])
{
    using tandem::app::CommandLine;

    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments << QString::fromLocal8Bit(argv[i]);

    const CommandLine line = CommandLine::parse(arguments);
    if (!line.error.isEmpty()) {
        std::fprintf(stderr, "tandem: %s\n", qPrintable(line.error));
        return 2;
    }

    switch (line.mode) {
    case CommandLine::Mode::Help:
        std::fputs(qPrintable(CommandLine::helpText()), stdout);
        return 0;
    case CommandLine::Mode::Version:
        std::printf("tandem %s\n", TANDEM_VERSION);
        return 0;
    case CommandLine::Mode::Run: {
        // No window, but host tools draw (the PDF report): Qt's GUI libraries without a display.
        if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
            qputenv("QT_QPA_PLATFORM", "offscreen");
        ensureRuntimeDirectory();
        QGuiApplication app(argc, argv);
        QCoreApplication::setApplicationName(QStringLiteral("tandem"));
        return finished(tandem::app::HeadlessRun::exec(line));
    }
    case CommandLine::Mode::SandboxRun: {
        QCoreApplication app(argc, argv);
        QCoreApplication::setApplicationName(QStringLiteral("tandem"));
        return tandem::app::SandboxCommand::exec(line);
    }
    case CommandLine::Mode::SessionList:
    case CommandLine::Mode::SessionExport: {
        QCoreApplication app(argc, argv);
        QCoreApplication::setApplicationName(QStringLiteral("tandem"));
        return tandem::app::SessionCommand::exec(line);
    }
    case CommandLine::Mode::AuditVerify:
        return tandem::app::AuditCommand::exec(line);
    case CommandLine::Mode::Window:
        break;
    }
    return finished(tandem::app::WindowApp::exec(argc, argv, line));
}
