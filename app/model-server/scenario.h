#pragma once

#include <QRegularExpression>

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace tandem::modelserver {

// A condition on the tool results of the request's last user message, checked before a turn
// is answered.
struct Expectation
{
    enum class Kind { Contains, NotContains, Matches, IsError };

    Kind kind = Kind::Contains;
    std::string text; // Contains, NotContains; the pattern's source for Matches
    QRegularExpression pattern; // Matches
    bool isError = false; // IsError

    // `results` is the text of every tool_result joined; `anyError` whether one had is_error.
    bool holdsFor(const std::string &results, bool anyError) const;

    // Reads as "the tool result contains \"FAILED\"".
    std::string describe() const;
};

// One block of a scripted reply: text, a call of a tool with a JSON object as input (made
// directly or from a code execution), a code execution run by the server (server_tool_use) or
// that execution's result. A Look block is never sent: a program looks at the request's latest
// screenshot and answers the blocks sent in its place (see LookRunner).
struct ReplyBlock
{
    enum class Type { Text, ToolUse, ServerToolUse, CodeExecutionResult, Look };

    Type type = Type::Text;
    std::string text;
    std::string toolName; // ToolUse, ServerToolUse
    nlohmann::ordered_json input; // ToolUse, ServerToolUse
    std::string caller; // ToolUse: the server tool whose code calls it; empty when direct
    std::string stdoutText; // CodeExecutionResult
    std::string stderrText; // CodeExecutionResult
    long returnCode = 0; // CodeExecutionResult
    std::vector<std::string> command; // Look: the program and its first arguments
    std::string workingDirectory; // Look: the scenario file's folder; empty for the current one
    int timeoutSeconds = 20; // Look

    // Set when the block is issued for one request: its id (tool uses), the code execution
    // tool's type that made a call, and the server tool use it belongs to.
    std::string id;
    std::string callerType;
    std::string serverToolUseId;

    bool belongsToCodeExecution() const;

    // The block as the API sends it whole and as a client replays it in the history.
    nlohmann::ordered_json contentBlock() const;
};

struct Turn
{
    std::vector<Expectation> expectations;
    std::vector<ReplyBlock> reply;
};

// A scripted conversation, chosen when `match` finds its pattern in the latest user prompt.
// Turn N answers the request that already holds N assistant messages.
struct Scenario
{
    std::string name;
    QRegularExpression match;
    std::vector<Turn> turns;
    long containerSeconds = 270; // how long a code execution's container lives after a reply
};

} // namespace tandem::modelserver
