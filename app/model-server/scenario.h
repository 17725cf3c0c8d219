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

// One block of a scripted reply: text, or a call of a tool with a JSON object as input.
struct ReplyBlock
{
    enum class Type { Text, ToolUse };

    Type type = Type::Text;
    std::string text;
    std::string toolName;
    nlohmann::ordered_json input;
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
};

} // namespace tandem::modelserver
