#include "session/messagecodec.h"

namespace tandem::session {

using nlohmann::json;

namespace {

std::string stringAt(const json &object, const char *key)
{
    const auto found = object.find(key);
    return found != object.end() && found->is_string() ? found->get<std::string>() : std::string();
}

json objectAt(const json &object, const char *key)
{
    const auto found = object.find(key);
    return found != object.end() && found->is_object() ? *found : json::object();
}

std::unexpected<base::Error> malformed(const QString &why)
{
    return base::fail(QStringLiteral("session_message_malformed"),
                      QStringLiteral("A saved message cannot be read: %1.").arg(why));
}

} // namespace

base::Result<llm::Message> MessageCodec::fromJson(const json &json)
{
    if (!json.is_object())
        return malformed(QStringLiteral("it is not a JSON object"));

    llm::Message message;
    const std::string role = stringAt(json, "role");
    if (role == "user")
        message.role = llm::Role::User;
    else if (role == "assistant")
        message.role = llm::Role::Assistant;
    else
        return malformed(QStringLiteral("its role \"%1\" is neither user nor assistant")
                             .arg(QString::fromStdString(role)));

    const auto content = json.find("content");
    if (content == json.end())
        return malformed(QStringLiteral("it has no content"));
    if (content->is_string()) {
        message.content.push_back(llm::ContentBlock::makeText(content->get<std::string>()));
        return message;
    }
    if (!content->is_array())
        return malformed(QStringLiteral("its content is neither text nor a list of blocks"));

    for (const nlohmann::json &item : *content) {
        auto block = blockFromJson(item);
        if (!block)
            return std::unexpected(block.error());
        message.content.push_back(std::move(*block));
    }
    return message;
}

base::Result<llm::ContentBlock> MessageCodec::blockFromJson(const json &json)
{
    if (!json.is_object() || !json.contains("type"))
        return malformed(QStringLiteral("a block has no type"));

    const std::string type = stringAt(json, "type");
    if (type == "text")
        return llm::ContentBlock::makeText(stringAt(json, "text"));
    if (type == "tool_result")
        return toolResultFromJson(json);
    if (type == "tool_use") {
        auto use = llm::ContentBlock::makeToolUse(stringAt(json, "id"), stringAt(json, "name"),
                                                  objectAt(json, "input"));
        if (const auto caller = json.find("caller"); caller != json.end() && caller->is_object())
            use.caller = *caller;
        return use;
    }
    if (type == "server_tool_use") {
        auto use = llm::ContentBlock::makeToolUse(stringAt(json, "id"), stringAt(json, "name"),
                                                  objectAt(json, "input"));
        use.type = llm::ContentBlock::Type::ServerToolUse;
        return use;
    }

    llm::ContentBlock kept;
    kept.type = llm::ContentBlock::Type::ServerResult;
    kept.raw = json;
    return kept;
}

// A result's content is a string, or a list of text and image blocks when it carries a
// screenshot.
llm::ContentBlock MessageCodec::toolResultFromJson(const json &json)
{
    auto result = llm::ContentBlock::makeToolResult(stringAt(json, "tool_use_id"), {},
                                                    json.value("is_error", false));
    const auto content = json.find("content");
    if (content == json.end())
        return result;
    if (content->is_string()) {
        result.text = content->get<std::string>();
        return result;
    }
    if (!content->is_array())
        return result;

    for (const nlohmann::json &part : *content) {
        const std::string partType = part.is_object() ? stringAt(part, "type") : std::string();
        if (partType == "text") {
            result.text += result.text.empty() ? "" : "\n";
            result.text += stringAt(part, "text");
        } else if (partType == "image") {
            const nlohmann::json source = objectAt(part, "source");
            result.imageBase64 = stringAt(source, "data");
            result.imageMediaType = stringAt(source, "media_type");
        }
    }
    return result;
}

std::string MessageCodec::searchableText(const llm::Message &message)
{
    std::string text;
    const auto add = [&text](const std::string &part) {
        if (part.empty())
            return;
        text += text.empty() ? "" : "\n";
        text += part;
    };

    for (const llm::ContentBlock &block : message.content) {
        switch (block.type) {
        case llm::ContentBlock::Type::Text:
        case llm::ContentBlock::Type::ToolResult:
            add(block.text);
            break;
        case llm::ContentBlock::Type::ToolUse:
        case llm::ContentBlock::Type::ServerToolUse:
            add(block.name);
            add(block.input.dump(-1, ' ', false, json::error_handler_t::replace));
            break;
        case llm::ContentBlock::Type::ServerResult:
            break;
        }
    }
    return text;
}

} // namespace tandem::session
