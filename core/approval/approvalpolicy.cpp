#include "approval/approvalpolicy.h"

#include <QFile>

namespace tandem::approval {

using nlohmann::json;

namespace {

// A short form of a tool's input for the card: an editor command with its path reads better
// than the JSON, whose whole text the tool card above it shows anyway.
QString inputSummary(const json &input)
{
    const json command = input.value("command", json());
    const json path = input.value("path", json());
    if (command.is_string() && path.is_string())
        return QString::fromStdString(command.get<std::string>() + ' ' + path.get<std::string>());

    QString text =
        QString::fromStdString(input.dump(-1, ' ', false, json::error_handler_t::replace));
    constexpr qsizetype limit = 200;
    if (text.size() > limit)
        text = text.left(limit) + QStringLiteral("\u2026");
    return text;
}

} // namespace

ApprovalPolicy::ApprovalPolicy()
{
    const auto defaults = setCommandPatterns(defaultCommandPatterns());
    Q_ASSERT(defaults.has_value());
}

// Commands that are hard to take back or reach past the workspace.
QStringList ApprovalPolicy::defaultCommandPatterns()
{
    return {
        QStringLiteral(R"(\brm\s+(-\w*[rf]\w*\s+)+)"),
        QStringLiteral(R"(\bsudo\b)"),
        QStringLiteral(R"(\bgit\s+push\b)"),
        QStringLiteral(R"(\bgit\s+reset\s+--hard\b)"),
        QStringLiteral(R"(\b(curl|wget)\b[^|]*\|\s*(ba|z)?sh\b)"),
        QStringLiteral(R"(\b(mkfs|dd|shutdown|reboot)\b)"),
    };
}

base::Result<ApprovalPolicy> ApprovalPolicy::load(const QString &path)
{
    QFile file(path);
    if (!file.exists())
        return ApprovalPolicy();
    if (!file.open(QIODevice::ReadOnly))
        return base::fail(QStringLiteral("approval_policy_unreadable"),
                          QStringLiteral("Cannot read %1: %2").arg(path, file.errorString()));

    const json settings = json::parse(file.readAll().toStdString(), nullptr, false);
    auto policy = fromJson(settings);
    if (!policy)
        return base::fail(policy.error().code,
                          QStringLiteral("%1: %2").arg(path, policy.error().message));
    return policy;
}

base::Result<ApprovalPolicy> ApprovalPolicy::fromJson(const json &settings)
{
    if (!settings.is_object())
        return base::fail(QStringLiteral("approval_policy_invalid"),
                          QStringLiteral("the approval settings must be a JSON object"));

    ApprovalPolicy policy;
    const json ask = settings.value("ask_every_tool", json(false));
    if (!ask.is_boolean())
        return base::fail(QStringLiteral("approval_policy_invalid"),
                          QStringLiteral("\"ask_every_tool\" must be true or false"));
    policy.setAskForEveryTool(ask.get<bool>());

    if (!settings.contains("commands"))
        return policy;
    const json &commands = settings.at("commands");
    const auto notAList = [] {
        return base::fail(QStringLiteral("approval_policy_invalid"),
                          QStringLiteral("\"commands\" must be a list of regular expressions"));
    };
    if (!commands.is_array())
        return notAList();
    QStringList patterns;
    for (const json &pattern : commands) {
        if (!pattern.is_string())
            return notAList();
        patterns.append(QString::fromStdString(pattern.get<std::string>()));
    }
    if (auto set = policy.setCommandPatterns(patterns); !set)
        return std::unexpected(set.error());
    return policy;
}

base::Status ApprovalPolicy::setCommandPatterns(const QStringList &patterns)
{
    std::vector<QRegularExpression> compiled;
    for (const QString &pattern : patterns) {
        QRegularExpression expression(pattern);
        if (!expression.isValid())
            return base::fail(QStringLiteral("approval_policy_invalid"),
                              QStringLiteral("the command pattern \"%1\" is not a valid regular "
                                             "expression: %2")
                                  .arg(pattern, expression.errorString()));
        compiled.push_back(std::move(expression));
    }
    m_commands = std::move(compiled);
    return {};
}

QStringList ApprovalPolicy::commandPatterns() const
{
    QStringList patterns;
    for (const QRegularExpression &expression : m_commands)
        patterns.append(expression.pattern());
    return patterns;
}

std::optional<ApprovalRequest> ApprovalPolicy::review(const QString &callId, const QString &tool,
                                                      const json &input) const
{
    if (tool == QLatin1String(bashTool)) {
        if (auto request = reviewCommand(callId, input))
            return request;
    }
    if (!m_askEveryTool)
        return std::nullopt;

    return ApprovalRequest{callId,
                           tool,
                           inputSummary(input),
                           QStringLiteral("You asked to approve every tool call."),
                           QStringLiteral("tool:") + tool,
                           QStringLiteral("every %1 call").arg(tool)};
}

std::optional<ApprovalRequest> ApprovalPolicy::reviewCommand(const QString &callId,
                                                             const json &input) const
{
    const json command = input.value("command", json());
    if (!command.is_string())
        return std::nullopt;

    const QString text = QString::fromStdString(command.get<std::string>());
    for (const QRegularExpression &expression : m_commands) {
        const QRegularExpressionMatch match = expression.match(text);
        if (!match.hasMatch())
            continue;
        return ApprovalRequest{
            callId,
            QString::fromLatin1(bashTool),
            text,
            QStringLiteral("The command contains \u201c%1\u201d.").arg(match.captured().trimmed()),
            QStringLiteral("command:") + expression.pattern(),
            QStringLiteral("bash commands matching %1").arg(expression.pattern())};
    }
    return std::nullopt;
}

ApprovalRequest ApprovalPolicy::computerAction(const QString &action, const QString &reason)
{
    return ApprovalRequest{QString(),
                           QStringLiteral("computer"),
                           action,
                           reason,
                           QStringLiteral("computer:") + reason,
                           QStringLiteral("desktop actions where: %1").arg(reason)};
}

} // namespace tandem::approval
