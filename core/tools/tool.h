#pragma once

#include "llm/message.h"

#include "base/canceltoken.h"

#include <nlohmann/json.hpp>

#include <string>

namespace tandem::tools {

// What a tool hands back to the model. `isError` becomes the tool_result's is_error.
struct ToolOutput
{
    std::string text;
    bool isError = false;
    // For the transcript and the user, never for the model: what happened inside the tool
    // (a script's nested tool calls, say).
    nlohmann::json details;
    // An image the model should see with the text (a screenshot): base64, with its media type.
    std::string imageBase64 = {};
    std::string imageMediaType = {};

    static ToolOutput ok(std::string text) { return {std::move(text), false, {}}; }
    static ToolOutput error(std::string text) { return {std::move(text), true, {}}; }
};

// A capability the model can call. Implementations validate their own input and never throw.
class Tool
{
public:
    virtual ~Tool() = default;

    virtual llm::ToolSpec spec() const = 0;
    virtual ToolOutput run(const nlohmann::json &input, const base::CancelToken &cancel) = 0;

    // Whether scripts' calls may run this tool from several threads at once; otherwise they
    // take turns.
    virtual bool runsConcurrently() const { return false; }
};

} // namespace tandem::tools
