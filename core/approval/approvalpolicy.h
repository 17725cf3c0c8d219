#pragma once

#include "approval/approver.h"

#include "base/error.h"

#include <QRegularExpression>
#include <QString>
#include <QStringList>

#include <nlohmann/json.hpp>

#include <optional>
#include <vector>

namespace tandem::approval {

// Which tool calls wait for the user before they run: bash commands matching one of a list of
// patterns, every call when the user asked to be asked for each, and (through the computer
// tool's own checks) risky desktop actions. A value type: copy it to change it.
//
//     auto policy = ApprovalPolicy::load(dataDir + "/approvals.json");
//     if (auto request = policy->review(id, "bash", {{"command", "sudo rm -rf /"}}))
//         ask the user about *request
class ApprovalPolicy
{
public:
    static constexpr const char *bashTool = "bash";

    // No question for every tool; the default command patterns.
    ApprovalPolicy();

    // {"ask_every_tool": bool, "commands": ["regular expression", ...]}; a missing file gives
    // the defaults, a broken one an error naming the file.
    static base::Result<ApprovalPolicy> load(const QString &path);
    static base::Result<ApprovalPolicy> fromJson(const nlohmann::json &settings);

    static QStringList defaultCommandPatterns();

    void setAskForEveryTool(bool ask) { m_askEveryTool = ask; }
    bool asksForEveryTool() const { return m_askEveryTool; }

    // Each pattern is a regular expression searched anywhere in the command.
    base::Status setCommandPatterns(const QStringList &patterns);
    QStringList commandPatterns() const;

    // The question to ask before this call runs, or nothing when it may simply run.
    std::optional<ApprovalRequest> review(const QString &callId, const QString &tool,
                                          const nlohmann::json &input) const;

    // The question for a risky desktop action the computer tool found mid-call.
    static ApprovalRequest computerAction(const QString &action, const QString &reason);

private:
    std::optional<ApprovalRequest> reviewCommand(const QString &callId,
                                                 const nlohmann::json &input) const;

    bool m_askEveryTool = false;
    std::vector<QRegularExpression> m_commands;
};

} // namespace tandem::approval
