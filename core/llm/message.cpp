#include "llm/message.h"

#include <QDateTime>
#include <QString>

#include <algorithm>

namespace tandem::llm {

using nlohmann::json;

ContentBlock ContentBlock::makeText(std::string text)
{
    ContentBlock block;
    block.type = Type::Text;
    block.text = std::move(text);
    return block;
}

ContentBlock ContentBlock::makeToolUse(std::string id, std::string name, json input)
{
    ContentBlock block;
    block.type = Type::ToolUse;
    block.id = std::move(id);
    block.name = std::move(name);
    block.input = input.is_object() ? std::move(input) : json::object();
    return block;
}

ContentBlock ContentBlock::makeToolResult(std::string toolUseId, std::string text, bool isError)
{
    ContentBlock block;
    block.type = Type::ToolResult;
    block.toolUseId = std::move(toolUseId);
    block.text = std::move(text);
    block.isError = isError;
    return block;
}

json ContentBlock::toJson() const
{
    switch (type) {
    case Type::Text:
        return {{"type", "text"}, {"text", text}};
    case Type::ToolUse: {
        json use = {{"type", "tool_use"},
                    {"id", id},
                    {"name", name},
                    {"input", input.is_object() ? input : json::object()}};
        if (caller.is_object())
            use["caller"] = caller;
        return use;
    }
    case Type::ServerToolUse:
        return {{"type", "server_tool_use"},
                {"id", id},
                {"name", name},
                {"input", input.is_object() ? input : json::object()}};
    case Type::ServerResult:
        return raw;
    case Type::ToolResult: {
        json result = {{"type", "tool_result"}, {"tool_use_id", toolUseId}, {"content", text}};
        if (!imageBase64.empty()) {
            json content = json::array();
            if (!text.empty())
                content.push_back({{"type", "text"}, {"text", text}});
            content.push_back(
                {{"type", "image"},
                 {"source",
                  {{"type", "base64"}, {"media_type", imageMediaType}, {"data", imageBase64}}}});
            result["content"] = std::move(content);
        }
        if (isError)
            result["is_error"] = true;
        return result;
    }
    }
    return json::object();
}

std::string Message::text() const
{
    std::string joined;
    for (const ContentBlock &block : content) {
        if (block.type == ContentBlock::Type::Text)
            joined += block.text;
    }
    return joined;
}

std::vector<const ContentBlock *> Message::toolUses() const
{
    std::vector<const ContentBlock *> uses;
    for (const ContentBlock &block : content) {
        if (block.type == ContentBlock::Type::ToolUse)
            uses.push_back(&block);
    }
    return uses;
}

json Message::toJson() const
{
    json blocks = json::array();
    for (const ContentBlock &block : content) {
        // The API refuses empty text blocks; a reply may end with one after a tool call.
        if (block.type == ContentBlock::Type::Text && block.text.empty())
            continue;
        blocks.push_back(block.toJson());
    }
    return {{"role", role == Role::User ? "user" : "assistant"}, {"content", blocks}};
}

bool Container::expired() const
{
    const QDateTime end = QDateTime::fromString(QString::fromStdString(expiresAt), Qt::ISODate);
    return end.isValid() && QDateTime::currentDateTimeUtc() >= end;
}

bool ToolSpec::allowsDirect() const
{
    return allowedCallers.empty()
           || std::find(allowedCallers.begin(), allowedCallers.end(), callers::kDirect)
                  != allowedCallers.end();
}

bool ToolSpec::allowsCode() const
{
    return std::any_of(allowedCallers.begin(), allowedCallers.end(), [](const std::string &c) {
        return c == callers::kCodeExecution20250825 || c == callers::kCodeExecution20260120;
    });
}

json ToolSpec::toJson(bool useNativeTypes, bool withCallers) const
{
    if (useNativeTypes && !nativeType.empty()) {
        json native = {{"type", nativeType}, {"name", name}};
        native.update(nativeParameters);
        return native;
    }

    json tool = {{"name", name}, {"description", description}, {"input_schema", inputSchema}};
    // Only where the provider runs the code that may call, and only when it is not the
    // default, so that a plain request stays plain.
    if (withCallers && !allowedCallers.empty() && !(allowedCallers.size() == 1 && allowsDirect()))
        tool["allowed_callers"] = allowedCallers;
    return tool;
}

int keepRecentImages(std::vector<Message> &messages, int keep)
{
    int seen = 0;
    int replaced = 0;
    for (auto message = messages.rbegin(); message != messages.rend(); ++message) {
        for (auto block = message->content.rbegin(); block != message->content.rend(); ++block) {
            if (block->imageBase64.empty() || ++seen <= keep)
                continue;
            block->imageBase64.clear();
            block->imageMediaType.clear();
            block->text += block->text.empty() ? "" : "\n";
            block->text += "[an older screenshot, no longer shown]";
            ++replaced;
        }
    }
    return replaced;
}

} // namespace tandem::llm
