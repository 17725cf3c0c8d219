#include "scenario.h"

namespace tandem::modelserver {

bool Expectation::holdsFor(const std::string &results, bool anyError) const
{
    switch (kind) {
    case Kind::Contains:
        return results.find(text) != std::string::npos;
    case Kind::NotContains:
        return results.find(text) == std::string::npos;
    case Kind::Matches:
        return pattern.match(QString::fromStdString(results)).hasMatch();
    case Kind::IsError:
        return anyError == isError;
    }
    return false;
}

std::string Expectation::describe() const
{
    switch (kind) {
    case Kind::Contains:
        return "the tool result contains \"" + text + "\"";
    case Kind::NotContains:
        return "the tool result does not contain \"" + text + "\"";
    case Kind::Matches:
        return "the tool result matches /" + text + "/";
    case Kind::IsError:
        return std::string("the tool result has is_error ") + (isError ? "true" : "false");
    }
    return {};
}

bool ReplyBlock::belongsToCodeExecution() const
{
    return type == Type::ServerToolUse || type == Type::CodeExecutionResult
           || (type == Type::ToolUse && !caller.empty());
}

nlohmann::ordered_json ReplyBlock::contentBlock() const
{
    using Json = nlohmann::ordered_json;
    switch (type) {
    case Type::Text:
        return {{"type", "text"}, {"text", text}};
    case Type::ToolUse: {
        Json block = {{"type", "tool_use"}, {"id", id}, {"name", toolName}, {"input", input}};
        if (!caller.empty())
            block["caller"] = {{"type", callerType}, {"tool_id", serverToolUseId}};
        return block;
    }
    case Type::ServerToolUse:
        return {{"type", "server_tool_use"}, {"id", id}, {"name", toolName}, {"input", input}};
    case Type::CodeExecutionResult: {
        const Json result = {{"type", "code_execution_result"},
                             {"stdout", stdoutText},
                             {"stderr", stderrText},
                             {"return_code", returnCode}};
        return {{"type", "code_execution_tool_result"},
                {"tool_use_id", serverToolUseId},
                {"content", result}};
    }
    case Type::Look: // replaced by the blocks its program answers before anything is sent
        break;
    }
    return {};
}

} // namespace tandem::modelserver
