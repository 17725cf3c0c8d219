#include "lookrunner.h"

#include "logging.h"
#include "requestcontent.h"
#include "scenariobook.h"

#include <QByteArray>
#include <QDir>
#include <QProcess>
#include <QStringList>
#include <QTemporaryFile>

namespace tandem::modelserver {

namespace {

// The newest image of a tool result's content, or nullptr.
const nlohmann::json *lastImage(const nlohmann::json &toolResult)
{
    const auto content = toolResult.find("content");
    if (content == toolResult.end() || !content->is_array())
        return nullptr;
    for (auto block = content->rbegin(); block != content->rend(); ++block) {
        if (block->value("type", "") == "image")
            return &*block;
    }
    return nullptr;
}

QString describeExit(const QProcess &process)
{
    if (process.exitStatus() == QProcess::CrashExit)
        return QStringLiteral("crashed");
    return QStringLiteral("exited with status %1").arg(process.exitCode());
}

} // namespace

std::expected<std::vector<ReplyBlock>, std::string>
LookRunner::run(const ReplyBlock &look, const nlohmann::json &body, std::size_t turnIndex)
{
    const auto screenshot = latestScreenshot(body);
    if (!screenshot)
        return std::unexpected(screenshot.error());
    const auto display = declaredDisplay(body);
    if (!display)
        return std::unexpected(display.error());

    QTemporaryFile file(QDir::tempPath() + QStringLiteral("/tandem-look-XXXXXX.png"));
    if (!file.open() || file.write(screenshot->data(), qint64(screenshot->size())) < 0
        || !file.flush())
        return std::unexpected("look: cannot write the screenshot to a temporary file");

    QStringList arguments;
    for (std::size_t i = 1; i < look.command.size(); ++i)
        arguments << QString::fromStdString(look.command[i]);
    arguments << QStringLiteral("--screenshot") << file.fileName() << QStringLiteral("--display")
              << QString::fromStdString(*display) << QStringLiteral("--step")
              << QString::number(turnIndex + 1);

    QProcess process;
    process.setWorkingDirectory(QString::fromStdString(look.workingDirectory));
    process.start(QString::fromStdString(look.command.front()), arguments);
    const std::string name = "look " + look.command.back();
    if (!process.waitForStarted(5000))
        return std::unexpected(name + ": cannot start: " + process.errorString().toStdString());
    if (!process.waitForFinished(look.timeoutSeconds * 1000)) {
        process.kill();
        process.waitForFinished(2000);
        return std::unexpected(name + ": no answer within " + std::to_string(look.timeoutSeconds)
                               + " s");
    }

    const std::string errors = process.readAllStandardError().trimmed().toStdString();
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0)
        return std::unexpected(name + ": " + describeExit(process).toStdString() + ": " + errors);
    if (!errors.empty())
        tellUser(name + ": " + errors);
    return ScenarioBook::parseLookAnswer(process.readAllStandardOutput().toStdString(), name);
}

std::expected<std::string, std::string> LookRunner::latestScreenshot(const nlohmann::json &body)
{
    const nlohmann::json &messages = body["messages"];
    for (auto message = messages.rbegin(); message != messages.rend(); ++message) {
        if ((*message)["role"] != "user" || !(*message)["content"].is_array())
            continue;
        const nlohmann::json &blocks = (*message)["content"];
        for (auto block = blocks.rbegin(); block != blocks.rend(); ++block) {
            const nlohmann::json *image =
                block->value("type", "") == "tool_result" ? lastImage(*block) : nullptr;
            if (image == nullptr)
                continue;
            const std::string data = image->value("/source/data"_json_pointer, std::string());
            const QByteArray bytes = QByteArray::fromBase64(
                QByteArray::fromStdString(data), QByteArray::AbortOnBase64DecodingErrors);
            if (bytes.isEmpty())
                return std::unexpected(std::string("look: the latest screenshot is not base64"));
            return bytes.toStdString();
        }
    }
    return std::unexpected(std::string("look: no tool result in the request holds a screenshot"));
}

std::expected<std::string, std::string> LookRunner::declaredDisplay(const nlohmann::json &body)
{
    const nlohmann::json *tool = findTool(body, "computer");
    if (tool == nullptr || !tool->contains("display_width_px")
        || !tool->contains("display_height_px"))
        return std::unexpected(
            std::string("look: the request declares no computer tool with a display size"));
    return std::to_string((*tool)["display_width_px"].get<long>()) + "x"
           + std::to_string((*tool)["display_height_px"].get<long>());
}

} // namespace tandem::modelserver
