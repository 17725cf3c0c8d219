#include "scenarioplayer.h"

#include "lookrunner.h"
#include "requestcontent.h"

#include <algorithm>

namespace tandem::modelserver {

namespace {

constexpr std::size_t kQuotedResultLength = 300;

std::string where(const Scenario &scenario, std::size_t turnIndex)
{
    return "scenario \"" + scenario.name + "\", turn " + std::to_string(turnIndex + 1) + " of "
           + std::to_string(scenario.turns.size()) + ": ";
}

// The tool results as one line for an error message, cut to a readable length.
std::string quote(const std::string &text)
{
    std::string quoted;
    for (const char c : text.substr(0, kQuotedResultLength))
        quoted += c == '\n' ? std::string("\\n") : std::string(1, c);
    if (text.size() > kQuotedResultLength)
        quoted += "...";
    return "\"" + quoted + "\"";
}

// How many blocks of code executions the turns before this one sent: the history must hold
// them all.
std::size_t codeExecutionBlocksBefore(const Scenario &scenario, std::size_t turnIndex)
{
    std::size_t count = 0;
    for (std::size_t t = 0; t < turnIndex; ++t)
        count += static_cast<std::size_t>(
            std::ranges::count_if(scenario.turns[t].reply, &ReplyBlock::belongsToCodeExecution));
    return count;
}

// Why the request's tools do not let the reply make this call, or nothing when they do.
std::optional<std::string> refuseCall(const ReplyBlock &block, const nlohmann::json &body)
{
    const nlohmann::json *tool = findTool(body, block.toolName);
    if (tool == nullptr)
        return "the reply calls the tool \"" + block.toolName
               + "\", but the request's tools array does not declare it";

    if (block.type == ReplyBlock::Type::ServerToolUse) {
        if (tool->value("type", "").starts_with("code_execution_"))
            return std::nullopt;
        return "the reply runs code with \"" + block.toolName
               + "\", but the request declares it as no code execution tool";
    }

    // Without allowed_callers only the model itself may call a tool.
    const std::string caller = block.caller.empty() ? "direct" : codeExecutionType(body);
    const nlohmann::json callers =
        tool->value("allowed_callers", nlohmann::json::array({"direct"}));
    if (std::ranges::find(callers, nlohmann::json(caller)) != callers.end())
        return std::nullopt;
    return "the reply calls the tool \"" + block.toolName + "\" "
           + (block.caller.empty() ? std::string("directly") : "from " + caller)
           + ", but its allowed_callers " + callers.dump() + " lack \"" + caller + "\"";
}

} // namespace

ScenarioPlayer::ScenarioPlayer(const ScenarioBook &book)
    : m_book(book)
{}

std::expected<ScriptedReply, std::string> ScenarioPlayer::answer(const nlohmann::json &body,
                                                                 std::mt19937_64 &random)
{
    // The current task begins at the latest user message that says something (rather than
    // only answering tool calls), so one conversation can go through several scenarios.
    const nlohmann::json &messages = body["messages"];
    std::size_t taskStart = messages.size() - 1;
    while (taskStart > 0 && messageText(messages[taskStart]).empty())
        taskStart -= 2;
    const Scenario *scenario = m_book.find(messageText(messages[taskStart]));
    if (scenario == nullptr) {
        ReplyBlock fallback;
        fallback.text = m_book.fallback();
        return ScriptedReply{{fallback}, {}, false, std::nullopt};
    }

    // Roles alternate and the last message is the user's: this counts the assistant's replies
    // since the task began.
    const std::size_t turnIndex = (messages.size() - 1 - taskStart) / 2;
    if (turnIndex >= scenario->turns.size()) {
        return std::unexpected(
            "scenario \"" + scenario->name + "\" has " + std::to_string(scenario->turns.size())
            + " turns, but the request is for turn " + std::to_string(turnIndex + 1));
    }

    const auto now = CodeExecutionRuns::Clock::now();
    auto run = m_runs.follow(body, taskStart, codeExecutionBlocksBefore(*scenario, turnIndex), now);
    if (!run)
        return std::unexpected(where(*scenario, turnIndex) + run.error());
    if (auto checked = checkExpectations(*scenario, turnIndex, messages.back()); !checked)
        return std::unexpected(checked.error());
    auto blocks = lookedAt(*scenario, turnIndex, body);
    if (!blocks)
        return std::unexpected(blocks.error());
    if (auto checked = checkToolsDeclared(*scenario, turnIndex, *blocks, body); !checked)
        return std::unexpected(checked.error());

    ScriptedReply reply{std::move(*blocks), scenario->name, turnIndex + 1 == scenario->turns.size(),
                        std::nullopt};
    reply.container = m_runs.issue(reply.blocks, *run, codeExecutionType(body),
                                   scenario->containerSeconds, random, now);
    return reply;
}

std::expected<void, std::string> ScenarioPlayer::checkExpectations(const Scenario &scenario,
                                                                   std::size_t turnIndex,
                                                                   const nlohmann::json &lastUser)
{
    const Turn &turn = scenario.turns[turnIndex];
    if (turn.expectations.empty())
        return {};

    std::string results;
    bool anyResult = false;
    bool anyError = false;
    for (const auto &block : contentBlocks(lastUser)) {
        if (block["type"] != "tool_result")
            continue;
        results += (anyResult ? "\n" : "") + toolResultText(block);
        anyResult = true;
        anyError = anyError || block.value("is_error", false);
    }

    if (!anyResult) {
        return std::unexpected(where(scenario, turnIndex)
                               + "expected a tool result, but the "
                                 "last user message holds none");
    }
    for (const Expectation &expectation : turn.expectations) {
        if (!expectation.holdsFor(results, anyError)) {
            return std::unexpected(where(scenario, turnIndex) + "expected " + expectation.describe()
                                   + ", but it reads " + quote(results)
                                   + (anyError ? " (is_error true)" : ""));
        }
    }
    return {};
}

std::expected<std::vector<ReplyBlock>, std::string>
ScenarioPlayer::lookedAt(const Scenario &scenario, std::size_t turnIndex,
                         const nlohmann::json &body)
{
    std::vector<ReplyBlock> blocks;
    for (const ReplyBlock &block : scenario.turns[turnIndex].reply) {
        if (block.type != ReplyBlock::Type::Look) {
            blocks.push_back(block);
            continue;
        }
        auto answer = LookRunner::run(block, body, turnIndex);
        if (!answer)
            return std::unexpected(where(scenario, turnIndex) + answer.error());
        blocks.insert(blocks.end(), answer->begin(), answer->end());
    }
    return blocks;
}

std::expected<void, std::string>
ScenarioPlayer::checkToolsDeclared(const Scenario &scenario, std::size_t turnIndex,
                                   const std::vector<ReplyBlock> &blocks,
                                   const nlohmann::json &body)
{
    for (const ReplyBlock &block : blocks) {
        if (block.type != ReplyBlock::Type::ToolUse
            && block.type != ReplyBlock::Type::ServerToolUse)
            continue;
        if (const auto refusal = refuseCall(block, body))
            return std::unexpected(where(scenario, turnIndex) + *refusal);
    }
    return {};
}

} // namespace tandem::modelserver
