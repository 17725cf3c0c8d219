#include "sseevents.h"

using nlohmann::json;

namespace sseevents {

QByteArray event(const json &payload)
{
    return QByteArray::fromStdString("event: " + payload.value("type", std::string())
                                     + "\ndata: " + payload.dump() + "\n\n");
}

QByteArray messageStart()
{
    return event({{"type", "message_start"},
                  {"message",
                   {{"id", "msg_1"},
                    {"role", "assistant"},
                    {"content", json::array()},
                    {"usage", {{"input_tokens", 3}, {"output_tokens", 1}}}}}});
}

QByteArray messageEnd(const std::string &stopReason)
{
    return event({{"type", "message_delta"},
                  {"delta", {{"stop_reason", stopReason}}},
                  {"usage", {{"output_tokens", 5}}}})
           + event({{"type", "message_stop"}});
}

QByteArray textReply(const std::string &text)
{
    return messageStart()
           + event({{"type", "content_block_start"},
                    {"index", 0},
                    {"content_block", {{"type", "text"}, {"text", ""}}}})
           + event({{"type", "content_block_delta"},
                    {"index", 0},
                    {"delta", {{"type", "text_delta"}, {"text", text}}}})
           + event({{"type", "content_block_stop"}, {"index", 0}}) + messageEnd("end_turn");
}

QByteArray toolCallReply(const std::string &id, const std::string &name,
                         const std::string &partialJson)
{
    QByteArray stream =
        messageStart()
        + event({{"type", "content_block_start"},
                 {"index", 0},
                 {"content_block",
                  {{"type", "tool_use"}, {"id", id}, {"name", name}, {"input", json::object()}}}});
    if (!partialJson.empty()) {
        stream += event({{"type", "content_block_delta"},
                         {"index", 0},
                         {"delta", {{"type", "input_json_delta"}, {"partial_json", partialJson}}}});
    }
    return stream + event({{"type", "content_block_stop"}, {"index", 0}}) + messageEnd("tool_use");
}

} // namespace sseevents
