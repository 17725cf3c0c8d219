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

std::set<std::string> declaredToolNames(const nlohmann::json &body)
{
    std::set<std::string> names;
    const auto tools = body.find("tools");
    if (tools == body.end())
        return names;

    for (const auto &tool : *tools)
        names.insert(tool.at("name").get<std::string>());
    return names;
}

} // namespace tandem::modelserver
