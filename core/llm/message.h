#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace tandem::llm {

// One block of a message in the Messages API's terms. Text and identifiers are UTF-8.
struct ContentBlock
{
    // ServerToolUse and ServerResult are the provider's own tools (Anthropic's code execution):
    // run on its side, kept only to be sent back as they came.
    enum class Type { Text, ToolUse, ToolResult, ServerToolUse, ServerResult };

    Type type = Type::Text;
    std::string text; // Text; for ToolResult the result's text
    std::string id; // ToolUse, ServerToolUse
    std::string name; // ToolUse, ServerToolUse
    nlohmann::json input; // ToolUse, ServerToolUse: always a JSON object
    // ToolUse made by code the provider runs: {"type": "code_execution_20250825", "tool_id":
    // the server_tool_use's id}. Null when the model called the tool itself.
    nlohmann::json caller;
    std::string toolUseId; // ToolResult
    bool isError = false; // ToolResult
    // ToolResult: a screenshot shown with the text, base64, and its media type ("image/png").
    std::string imageBase64 = {};
    std::string imageMediaType = {};
    nlohmann::json raw; // ServerResult: the block exactly as it came

    bool isCalledFromCode() const { return type == Type::ToolUse && caller.is_object(); }

    static ContentBlock makeText(std::string text);
    static ContentBlock makeToolUse(std::string id, std::string name, nlohmann::json input);
    static ContentBlock makeToolResult(std::string toolUseId, std::string text, bool isError);

    nlohmann::json toJson() const;
};

enum class Role { User, Assistant };

struct Message
{
    Role role = Role::User;
    std::vector<ContentBlock> content;

    std::string text() const; // all text blocks joined
    std::vector<const ContentBlock *> toolUses() const;
    nlohmann::json toJson() const;
};

// Who may call a tool, in the values of Anthropic's `allowed_callers`: the model itself, or a
// script run by a code-execution tool of that type (Tandem's own code tool is one of them).
namespace callers {
inline constexpr char kDirect[] = "direct";
inline constexpr char kCodeExecution20250825[] = "code_execution_20250825";
inline constexpr char kCodeExecution20260120[] = "code_execution_20260120";
} // namespace callers

// A tool as the model is told about it. Where the provider has a built-in type for the tool
// (Anthropic's bash or text editor), `nativeType` names it and the schema is not sent.
struct ToolSpec
{
    std::string name;
    std::string description;
    nlohmann::json inputSchema;
    std::string nativeType;
    // Empty means the default: the model only.
    std::vector<std::string> allowedCallers;
    // Fields the native type carries besides its name (the computer tool's display size).
    nlohmann::json nativeParameters = nlohmann::json::object();
    // The `anthropic-beta` feature the native type needs, if any ("computer-use-2025-01-24").
    std::string betaFeature = {};

    bool allowsDirect() const;
    // A script of any code-execution tool may call it.
    bool allowsCode() const;

    nlohmann::json toJson(bool useNativeTypes, bool withCallers = false) const;
};

// The provider's code-execution container that a reply ran in: its calls from code must be
// answered with this id before it expires.
struct Container
{
    std::string id;
    std::string expiresAt; // ISO 8601, UTC

    bool expired() const;
};

// Replaces the images of all but the newest `keep` tool results with a short note, so a long
// computer-use session sends a bounded number of screenshots. Returns how many it replaced.
int keepRecentImages(std::vector<Message> &messages, int keep);

struct Usage
{
    long long inputTokens = 0;
    long long outputTokens = 0;
};

} // namespace tandem::llm
