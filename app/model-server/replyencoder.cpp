#include "replyencoder.h"

namespace tandem::modelserver {

namespace {

using Json = nlohmann::ordered_json;

constexpr std::size_t kMaxTextDelta = 24;
constexpr std::size_t kMaxJsonDelta = 20;
constexpr std::size_t kIdLength = 22;
constexpr std::size_t kCrlfOneIn = 6;
constexpr std::size_t kPingOneIn = 16;

bool isContinuationByte(char c)
{
    return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

// A rough token count in the API's spirit: about four bytes a token.
long estimateTokens(std::size_t bytes)
{
    return static_cast<long>(bytes / 4 + 1);
}

} // namespace

ReplyEncoder::ReplyEncoder(std::mt19937_64 &random)
    : m_random(random)
{}

std::string ReplyEncoder::encode(const ScriptedReply &reply, const std::string &model,
                                 long inputTokens)
{
    m_stream.clear();
    m_pingSent = false;

    addMessageStart(model, inputTokens);
    for (std::size_t i = 0; i < reply.blocks.size(); ++i) {
        const ReplyBlock &block = reply.blocks[i];
        if (block.type == ReplyBlock::Type::Text)
            addTextBlock(static_cast<int>(i), block.text);
        else if (block.type == ReplyBlock::Type::CodeExecutionResult)
            addWholeBlock(static_cast<int>(i), block);
        else
            addToolUseBlock(static_cast<int>(i), block);
    }
    addMessageEnd(reply);

    return std::move(m_stream);
}

std::string ReplyEncoder::randomId(std::string_view prefix)
{
    static constexpr std::string_view kAlphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    std::string id = std::string(prefix) + "01";
    for (std::size_t i = 0; i < kIdLength; ++i)
        id += kAlphabet[uniform(0, kAlphabet.size() - 1)];
    return id;
}

void ReplyEncoder::addEvent(std::string_view name, const Json &data)
{
    const char *lineEnd = uniform(1, kCrlfOneIn) == 1 ? "\r\n" : "\n";

    m_stream += "event: ";
    m_stream += name;
    m_stream += lineEnd;
    m_stream += "data: ";
    m_stream += data.dump(-1, ' ', false, Json::error_handler_t::replace);
    m_stream += lineEnd;
    m_stream += lineEnd;
}

void ReplyEncoder::addMessageStart(const std::string &model, long inputTokens)
{
    const Json usage = {{"input_tokens", inputTokens},
                        {"cache_creation_input_tokens", 0},
                        {"cache_read_input_tokens", 0},
                        {"output_tokens", 1},
                        {"service_tier", "standard"}};
    const Json message = {{"id", randomId("msg_")},   {"type", "message"},
                          {"role", "assistant"},      {"model", model},
                          {"content", Json::array()}, {"stop_reason", nullptr},
                          {"stop_sequence", nullptr}, {"usage", usage}};
    addEvent("message_start", {{"type", "message_start"}, {"message", message}});
}

void ReplyEncoder::addTextBlock(int index, const std::string &text)
{
    const Json block = {{"type", "text"}, {"text", ""}};
    addEvent("content_block_start",
             {{"type", "content_block_start"}, {"index", index}, {"content_block", block}});

    for (const std::string &piece : cutAtRandom(text, kMaxTextDelta))
        addDelta(index, {{"type", "text_delta"}, {"text", piece}});

    addEvent("content_block_stop", {{"type", "content_block_stop"}, {"index", index}});
}

void ReplyEncoder::addToolUseBlock(int index, const ReplyBlock &block)
{
    // Calls made from code and server tool uses got their ids when they were issued.
    ReplyBlock started = block;
    if (started.id.empty())
        started.id = randomId("toolu_");
    Json start = started.contentBlock();
    start["input"] = Json::object();
    addEvent("content_block_start",
             {{"type", "content_block_start"}, {"index", index}, {"content_block", start}});

    // The API opens a tool's input with an empty piece; clients must cope with that too.
    addDelta(index, {{"type", "input_json_delta"}, {"partial_json", ""}});
    const std::string input = block.input.dump(-1, ' ', false, Json::error_handler_t::replace);
    for (const std::string &piece : cutAtRandom(input, kMaxJsonDelta))
        addDelta(index, {{"type", "input_json_delta"}, {"partial_json", piece}});

    addEvent("content_block_stop", {{"type", "content_block_stop"}, {"index", index}});
}

void ReplyEncoder::addWholeBlock(int index, const ReplyBlock &block)
{
    addEvent("content_block_start", {{"type", "content_block_start"},
                                     {"index", index},
                                     {"content_block", block.contentBlock()}});
    addEvent("content_block_stop", {{"type", "content_block_stop"}, {"index", index}});
}

void ReplyEncoder::addDelta(int index, Json delta)
{
    // Like the API: one ping once the first block has started, and now and then another.
    if (!m_pingSent || uniform(1, kPingOneIn) == 1) {
        addEvent("ping", {{"type", "ping"}});
        m_pingSent = true;
    }
    addEvent("content_block_delta",
             {{"type", "content_block_delta"}, {"index", index}, {"delta", std::move(delta)}});
}

void ReplyEncoder::addMessageEnd(const ScriptedReply &reply)
{
    bool callsTool = false;
    std::size_t outputBytes = 0;
    for (const ReplyBlock &block : reply.blocks) {
        callsTool = callsTool || block.type == ReplyBlock::Type::ToolUse;
        outputBytes += block.text.size() + block.toolName.size() + block.input.dump().size()
                       + block.stdoutText.size() + block.stderrText.size();
    }

    Json delta = {{"stop_reason", callsTool ? "tool_use" : "end_turn"}, {"stop_sequence", nullptr}};
    if (reply.container)
        delta["container"] = {{"id", reply.container->id},
                              {"expires_at", reply.container->expiresAt}};
    const Json usage = {{"output_tokens", estimateTokens(outputBytes)}};
    addEvent("message_delta", {{"type", "message_delta"}, {"delta", delta}, {"usage", usage}});
    addEvent("message_stop", {{"type", "message_stop"}});
}

std::vector<std::string> ReplyEncoder::cutAtRandom(const std::string &text, std::size_t maxPiece)
{
    std::vector<std::string> pieces;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = std::min(text.size(), start + uniform(1, maxPiece));
        while (end < text.size() && isContinuationByte(text[end]))
            ++end;
        pieces.push_back(text.substr(start, end - start));
        start = end;
    }
    return pieces;
}

std::size_t ReplyEncoder::uniform(std::size_t low, std::size_t high)
{
    return std::uniform_int_distribution<std::size_t>(low, high)(m_random);
}

} // namespace tandem::modelserver
