#pragma once

#include <QByteArray>

#include <nlohmann/json.hpp>

#include <string>

// Replies in the Messages API's streaming format, for the replay server to send.
namespace sseevents {

QByteArray event(const nlohmann::json &payload);

// A whole reply of one text block.
QByteArray textReply(const std::string &text);

// A whole reply of one tool call; `partialJson` empty sends no input delta at all.
QByteArray toolCallReply(const std::string &id, const std::string &name,
                         const std::string &partialJson);

QByteArray messageStart();
QByteArray messageEnd(const std::string &stopReason);

} // namespace sseevents
