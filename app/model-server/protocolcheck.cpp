#include "protocolcheck.h"

#include "requestcontent.h"

#include <algorithm>
#include <cctype>
#include <set>

namespace tandem::modelserver {

namespace {

using Json = nlohmann::json;
using Violation = std::optional<std::string>;

// The member as a string; empty when it is missing or not a string.
std::string stringField(const Json &object, const char *key)
{
    const auto found = object.find(key);
    return found != object.end() && found->is_string() ? found->get<std::string>() : std::string();
}

bool isNonEmptyString(const Json &object, const char *key)
{
    return !stringField(object, key).empty();
}

std::string at(std::size_t index)
{
    return "messages." + std::to_string(index);
}

Violation checkSystem(const Json &body)
{
    const auto system = body.find("system");
    if (system == body.end() || system->is_string())
        return {};
    if (!system->is_array())
        return "system: must be a string or an array of text blocks";

    for (const auto &block : *system) {
        if (!block.is_object() || stringField(block, "type") != "text" || !block.contains("text"))
            return "system: every block must be {\"type\": \"text\", \"text\": ...}";
    }
    return {};
}

Violation checkEnvelope(const Json &body)
{
    if (!body.is_object())
        return "the request body must be a JSON object";
    if (!isNonEmptyString(body, "model"))
        return "model: a non-empty string is required";

    const auto maxTokens = body.find("max_tokens");
    if (maxTokens == body.end() || !maxTokens->is_number_integer() || maxTokens->get<long>() < 1)
        return "max_tokens: a positive integer is required";

    const auto stream = body.find("stream");
    if (stream == body.end() || *stream != true)
        return "stream: must be true; this server only answers streaming requests";

    const auto messages = body.find("messages");
    if (messages == body.end() || !messages->is_array() || messages->empty())
        return "messages: a non-empty array is required";
    return checkSystem(body);
}

Violation checkToolResultContent(const Json &block, const std::string &path)
{
    if (!isNonEmptyString(block, "tool_use_id"))
        return path + ": tool_result needs a tool_use_id";
    if (block.contains("is_error") && !block["is_error"].is_boolean())
        return path + ": tool_result is_error must be true or false";

    const auto content = block.find("content");
    if (content == block.end() || content->is_string())
        return {};
    if (!content->is_array())
        return path + ": tool_result content must be a string or an array of blocks";

    for (const auto &part : *content) {
        const std::string type = part.is_object() ? stringField(part, "type") : "";
        if (type == "image" || type == "document"
            || (type == "text" && part.contains("text") && part["text"].is_string()))
            continue;
        return path + ": tool_result content blocks must be text, image or document";
    }
    return {};
}

// A tool_use's caller: {"type": "direct"}, or the code execution tool's type and the id of
// the server_tool_use whose code made the call.
Violation checkCaller(const Json &block, const std::string &path)
{
    const auto caller = block.find("caller");
    if (caller == block.end())
        return {};

    const std::string type = caller->is_object() ? stringField(*caller, "type") : "";
    if (type == "direct")
        return {};
    if (!type.starts_with("code_execution_") || !isNonEmptyString(*caller, "tool_id"))
        return path
               + ": tool_use caller must be {\"type\": \"direct\"} or a code execution "
                 "tool's type with a \"tool_id\"";
    return {};
}

Violation checkCodeExecutionBlock(const Json &block, const std::string &type,
                                  const std::string &role, const std::string &path)
{
    if (role != "assistant")
        return path + ": " + type + " blocks may only appear in assistant messages";

    if (type == "server_tool_use") {
        if (!isNonEmptyString(block, "id") || !isNonEmptyString(block, "name"))
            return path + ": server_tool_use needs an \"id\" and a \"name\"";
        if (!block.contains("input") || !block["input"].is_object())
            return path + ": server_tool_use input must be a JSON object";
        return {};
    }

    if (!isNonEmptyString(block, "tool_use_id"))
        return path + ": code_execution_tool_result needs a tool_use_id";
    if (!block.contains("content") || !block["content"].is_object())
        return path + ": code_execution_tool_result content must be an object";
    return {};
}

Violation checkBlock(const Json &block, const std::string &role, const std::string &path)
{
    if (!block.is_object() || !isNonEmptyString(block, "type"))
        return path + ": every content block must be an object with a \"type\"";

    const std::string type = block["type"];
    if (type == "text" && !(block.contains("text") && block["text"].is_string()))
        return path + ": a text block needs a \"text\" string";

    if (type == "tool_use") {
        if (role != "assistant")
            return path + ": tool_use blocks may only appear in assistant messages";
        if (!isNonEmptyString(block, "id") || !isNonEmptyString(block, "name"))
            return path + ": tool_use needs an \"id\" and a \"name\"";
        if (!block.contains("input") || !block["input"].is_object()) {
            const std::string got = block.contains("input") ? block["input"].type_name() : "none";
            return path + ": tool_use input must be a JSON object, got " + got;
        }
        return checkCaller(block, path);
    }

    if (type == "server_tool_use" || type == "code_execution_tool_result")
        return checkCodeExecutionBlock(block, type, role, path);

    if (type == "tool_result") {
        if (role != "user")
            return path + ": tool_result blocks may only appear in user messages";
        return checkToolResultContent(block, path);
    }
    return {};
}

Violation checkMessageShape(const Json &message, std::size_t index)
{
    if (!message.is_object())
        return at(index) + ": must be an object with \"role\" and \"content\"";

    const std::string expectedRole = index % 2 == 0 ? "user" : "assistant";
    const std::string role = stringField(message, "role");
    if (role != "user" && role != "assistant")
        return at(index) + ": role must be \"user\" or \"assistant\"";
    if (role != expectedRole) {
        return at(index)
               + ": roles must alternate user, assistant, user, ... starting with "
                 "user, but this message is "
               + role;
    }

    const auto content = message.find("content");
    if (content == message.end() || !(content->is_string() || content->is_array()))
        return at(index) + ": content must be a string or an array of blocks";
    const bool empty =
        content->is_string() ? content->get_ref<const std::string &>().empty() : content->empty();
    if (empty)
        return at(index) + ": content must not be empty";

    const Json blocks = contentBlocks(message);
    for (std::size_t b = 0; b < blocks.size(); ++b) {
        if (auto violation =
                checkBlock(blocks[b], role, at(index) + ".content." + std::to_string(b)))
            return violation;
    }
    return {};
}

Violation checkMessages(const Json &messages)
{
    for (std::size_t i = 0; i < messages.size(); ++i) {
        if (auto violation = checkMessageShape(messages[i], i))
            return violation;
    }

    if (messages.back()["role"] != "user")
        return at(messages.size() - 1) + ": the last message must be from the user";
    return {};
}

struct ToolUseRef
{
    std::string id;
    std::string name;
    bool fromCode = false; // called by a code execution rather than directly
};

// The tool_use blocks in an assistant message, in order.
std::vector<ToolUseRef> toolUses(const Json &message)
{
    std::vector<ToolUseRef> uses;
    for (const auto &block : contentBlocks(message)) {
        if (block["type"] != "tool_use")
            continue;
        const bool fromCode = block.contains("caller") && block["caller"]["type"] != "direct";
        uses.push_back(
            {block["id"].get<std::string>(), block["name"].get<std::string>(), fromCode});
    }
    return uses;
}

// Ids that must be unique in a conversation: tool uses and server tool uses alike.
std::vector<std::string> blockIds(const Json &message)
{
    std::vector<std::string> ids;
    for (const auto &block : contentBlocks(message)) {
        if (block["type"] == "tool_use" || block["type"] == "server_tool_use")
            ids.push_back(block["id"].get<std::string>());
    }
    return ids;
}

Violation checkResultsOf(const Json &userMessage, std::size_t index,
                         const std::vector<ToolUseRef> &uses)
{
    // The API's rule: while code waits for its tool calls, the answer holds nothing else.
    const bool onlyResults = std::ranges::any_of(uses, &ToolUseRef::fromCode);
    std::set<std::string> answered;
    bool otherBlockSeen = false;
    for (const auto &block : contentBlocks(userMessage)) {
        if (block["type"] != "tool_result") {
            if (onlyResults)
                return at(index)
                       + ": a message answering tool calls made from code execution "
                         "may hold only tool_result blocks, but it holds a "
                       + block["type"].get<std::string>() + " block";
            otherBlockSeen = true;
            continue;
        }
        if (otherBlockSeen)
            return at(index) + ": tool_result blocks must come before any other content";

        const std::string id = block["tool_use_id"];
        const bool known = std::ranges::any_of(uses, [&](const auto &use) { return use.id == id; });
        if (!known) {
            return at(index) + ": tool_result for tool_use_id " + id
                   + " answers no tool_use "
                     "of the message just before it";
        }
        answered.insert(id);
    }

    for (const auto &use : uses) {
        if (!answered.contains(use.id)) {
            return at(index - 1) + ": tool_use " + use.id + " (" + use.name
                   + ") is not answered by a "
                     "tool_result in the next message";
        }
    }
    return {};
}

Violation checkToolPairing(const Json &messages)
{
    std::set<std::string> seenIds;
    std::vector<ToolUseRef> pending;
    for (std::size_t i = 0; i < messages.size(); ++i) {
        if (messages[i]["role"] == "user") {
            if (auto violation = checkResultsOf(messages[i], i, pending))
                return violation;
            pending.clear();
            continue;
        }

        pending = toolUses(messages[i]);
        for (const auto &id : blockIds(messages[i])) {
            if (!seenIds.insert(id).second)
                return at(i) + ": tool_use id " + id + " is used twice";
        }
    }
    return {};
}

bool isVersionedType(const std::string &type)
{
    // Anthropic's server-defined tools are named like "bash_20250124".
    const auto underscore = type.rfind('_');
    if (underscore == std::string::npos || underscore == 0 || type.size() - underscore != 9)
        return false;
    return std::all_of(type.begin() + static_cast<long>(underscore) + 1, type.end(),
                       [](unsigned char c) { return std::isdigit(c); });
}

Violation checkNativeTool(const Json &tool, const std::string &type, const std::string &path)
{
    if (!isVersionedType(type))
        return path + ": unknown tool type \"" + type + "\"";

    const std::string name = stringField(tool, "name");
    if (type.starts_with("bash_") && name != "bash")
        return path + ": a " + type + " tool must be named \"bash\"";
    if (type.starts_with("text_editor_") && name != "str_replace_based_edit_tool"
        && name != "str_replace_editor") {
        return path + ": a " + type + " tool must be named \"str_replace_based_edit_tool\"";
    }
    if (type.starts_with("code_execution_") && name != "code_execution")
        return path + ": a " + type + " tool must be named \"code_execution\"";
    return {};
}

// Who may call a custom tool: "direct" (the model) and code execution tools the request
// declares.
Violation checkAllowedCallers(const Json &tool, const Json &tools, const std::string &path)
{
    const auto callers = tool.find("allowed_callers");
    if (callers == tool.end())
        return {};
    if (!callers->is_array() || callers->empty())
        return path + ": allowed_callers must be a non-empty array";

    std::set<std::string> seen;
    for (const auto &caller : *callers) {
        const std::string value = caller.is_string() ? caller.get<std::string>() : "";
        if (value != "direct" && value != "code_execution_20250825"
            && value != "code_execution_20260120")
            return path
                   + ": allowed_callers may hold \"direct\", \"code_execution_20250825\" "
                     "and \"code_execution_20260120\", not "
                   + caller.dump();
        if (!seen.insert(value).second)
            return path + ": allowed_callers names " + value + " twice";

        const bool declared = value == "direct" || std::ranges::any_of(tools, [&](const Json &t) {
                                  return t.is_object() && stringField(t, "type") == value;
                              });
        if (!declared)
            return path + ": allowed_callers names " + value
                   + ", but no tool of that type is declared";
    }
    return {};
}

Violation checkCustomTool(const Json &tool, const std::string &path)
{
    const std::string name = stringField(tool, "name");
    const bool validName =
        !name.empty() && name.size() <= 128 && std::ranges::all_of(name, [](unsigned char c) {
            return std::isalnum(c) || c == '_' || c == '-';
        });
    if (!validName)
        return path + ": name must be 1 to 128 letters, digits, '_' or '-'";

    const auto schema = tool.find("input_schema");
    if (schema == tool.end() || !schema->is_object() || stringField(*schema, "type") != "object")
        return path + ": tool \"" + name + "\" needs an input_schema with \"type\": \"object\"";
    return {};
}

Violation checkTools(const Json &body)
{
    const auto tools = body.find("tools");
    if (tools == body.end())
        return {};
    if (!tools->is_array())
        return "tools: must be an array";

    std::set<std::string> names;
    for (std::size_t i = 0; i < tools->size(); ++i) {
        const Json &tool = (*tools)[i];
        const std::string path = "tools." + std::to_string(i);
        if (!tool.is_object() || !isNonEmptyString(tool, "name"))
            return path + ": every tool needs a \"name\"";

        const std::string type = tool.contains("type") && tool["type"].is_string()
                                     ? tool["type"].get<std::string>()
                                     : "custom";
        auto violation =
            type == "custom" ? checkCustomTool(tool, path) : checkNativeTool(tool, type, path);
        if (!violation)
            violation = checkAllowedCallers(tool, *tools, path);
        if (violation)
            return violation;
        if (!names.insert(tool["name"].get<std::string>()).second)
            return path + ": tool name \"" + tool["name"].get<std::string>() + "\" is used twice";
    }
    return {};
}

} // namespace

std::optional<std::string> findProtocolViolation(const nlohmann::json &body)
{
    if (auto violation = checkEnvelope(body))
        return violation;
    if (body.contains("container") && !isNonEmptyString(body, "container"))
        return "container: must be a container id string";
    if (auto violation = checkMessages(body["messages"]))
        return violation;
    if (auto violation = checkToolPairing(body["messages"]))
        return violation;
    return checkTools(body);
}

} // namespace tandem::modelserver
