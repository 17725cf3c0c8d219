#include "requestcontent.h"

namespace tandem::modelserver {

namespace {

std::string joinTextBlocks(const nlohmann::json &blocks)
{
    std::string joined;
    for (const auto &block : blocks) {
        if (block.value("type", "") != "text" || !block.contains("text"))
            continue;
        if (!joined.empty())
            joined += '\n';
        joined += block["text"].get<std::string>();
    }
    return joined;
}

} // namespace

nlohmann::json contentBlocks(const nlohmann::json &message)
{
    const nlohmann::json &content = message.at("content");
    if (content.is_string())
        return nlohmann::json::array({{{"type", "text"}, {"text", content}}});
    return content;
}

std::string messageText(const nlohmann::json &message)
{
    return joinTextBlocks(contentBlocks(message));
}

std::string toolResultText(const nlohmann::json &block)
{
    const auto content = block.find("content");
    if (content == block.end())
        return {};
    if (content->is_string())
        return content->get<std::string>();
    return joinTextBlocks(*content);
}

const nlohmann::json *findTool(const nlohmann::json &body, const std::string &name)
{
    const auto tools = body.find("tools");
    if (tools == body.end())
        return nullptr;

    for (const auto &tool : *tools) {
        if (tool.at("name") == name)
            return &tool;
    }
    return nullptr;
}

std::string codeExecutionType(const nlohmann::json &body)
{
    const auto tools = body.find("tools");
    if (tools == body.end())
        return {};

    for (const auto &tool : *tools) {
        const std::string type = tool.value("type", "");
        if (type.starts_with("code_execution_"))
            return type;
    }
    return {};
}

bool isCallFromCode(const nlohmann::json &block)
{
    const auto caller = block.find("caller");
    return block.value("type", "") == "tool_use" && caller != block.end()
           && caller->value("type", "") != "direct";
}

} // namespace tandem::modelserver
