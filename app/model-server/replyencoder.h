#pragma once

#include "scenarioplayer.h"

#include <nlohmann/json.hpp>

#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace tandem::modelserver {

// Writes a scripted reply as the Messages API's server-sent events: message_start, for each
// block content_block_start, its deltas (text_delta, or input_json_delta pieces of the tool
// input) and content_block_stop, then message_delta with the stop reason, the container of a
// code execution and usage, and message_stop. A code execution's result is sent whole in its
// content_block_start. Text and tool input are cut into deltas at random UTF-8 character
// boundaries, pings are sprinkled in, and some events end their lines with CRLF instead of LF.
class ReplyEncoder
{
public:
    explicit ReplyEncoder(std::mt19937_64 &random);

    // The whole event stream for the reply, ready to be sent as the response body.
    std::string encode(const ScriptedReply &reply, const std::string &model, long inputTokens);

    // A random id in Anthropic's style: the prefix, "01" and 22 letters and digits.
    std::string randomId(std::string_view prefix);

private:
    void addEvent(std::string_view name, const nlohmann::ordered_json &data);
    void addMessageStart(const std::string &model, long inputTokens);
    void addTextBlock(int index, const std::string &text);
    void addToolUseBlock(int index, const ReplyBlock &block);
    void addWholeBlock(int index, const ReplyBlock &block);
    void addDelta(int index, nlohmann::ordered_json delta);
    void addMessageEnd(const ScriptedReply &reply);

    std::vector<std::string> cutAtRandom(const std::string &text, std::size_t maxPiece);
    std::size_t uniform(std::size_t low, std::size_t high);

    std::mt19937_64 &m_random;
    std::string m_stream;
    bool m_pingSent = false;
};

} // namespace tandem::modelserver
