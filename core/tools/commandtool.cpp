#include "tools/commandtool.h"

#include <QElapsedTimer>
#include <QProcess>

namespace tandem::tools {

namespace {

constexpr int kPollMs = 50;
constexpr qsizetype kErrorChars = 2000;

} // namespace

CommandTool::CommandTool(Definition definition)
    : m_definition(std::move(definition))
{}

ToolOutput CommandTool::run(const nlohmann::json &input, const base::CancelToken &cancel)
{
    const std::string name = m_definition.spec.name;
    QProcess process;
    process.setProgram(m_definition.command.first());
    process.setArguments(m_definition.command.mid(1));
    process.start();
    if (!process.waitForStarted(10'000))
        return ToolOutput::error(name + ": cannot start "
                                 + m_definition.command.first().toStdString() + " ("
                                 + process.errorString().toStdString() + ")");
    process.write(QByteArray::fromStdString(input.dump()));
    process.closeWriteChannel();

    QByteArray output;
    QElapsedTimer clock;
    clock.start();
    while (process.state() != QProcess::NotRunning) {
        process.waitForFinished(kPollMs);
        output += process.readAllStandardOutput();
        const bool late = clock.elapsed() > m_definition.timeout.count();
        if (cancel.isCancelled() || late || output.size() > m_definition.outputCap) {
            process.kill();
            process.waitForFinished(5'000);
            if (cancel.isCancelled())
                return ToolOutput::error(name + ": stopped");
            if (late)
                return ToolOutput::error(name + ": no answer within "
                                         + std::to_string(m_definition.timeout.count() / 1000)
                                         + " s; the program was killed");
            return ToolOutput::error(name + ": answered more than "
                                     + std::to_string(m_definition.outputCap) + " bytes");
        }
    }
    output += process.readAllStandardOutput();

    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        const QByteArray why = process.readAllStandardError().trimmed().left(kErrorChars);
        return ToolOutput::error(name + " failed (exit " + std::to_string(process.exitCode()) + ")"
                                 + (why.isEmpty() ? "" : ": " + why.toStdString()));
    }
    return ToolOutput::ok(output.toStdString());
}

} // namespace tandem::tools
