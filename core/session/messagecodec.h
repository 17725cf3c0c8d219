#pragma once

#include "llm/message.h"

#include "base/error.h"

#include <nlohmann/json.hpp>

#include <string>

namespace tandem::session {

// Reads back the JSON that llm::Message::toJson() writes (the Messages API's form), so that a
// saved conversation can be sent to the model again exactly as it was. Blocks of the
// provider's own tools that Tandem does not know by type come back as ServerResult, whole.
//
//     auto message = MessageCodec::fromJson(nlohmann::json::parse(row));
class MessageCodec
{
public:
    static base::Result<llm::Message> fromJson(const nlohmann::json &json);

    // What a search should find in a message: its text, the tools it called with their input,
    // and the text of their results.
    static std::string searchableText(const llm::Message &message);

private:
    static base::Result<llm::ContentBlock> blockFromJson(const nlohmann::json &json);
    static llm::ContentBlock toolResultFromJson(const nlohmann::json &json);
};

} // namespace tandem::session
