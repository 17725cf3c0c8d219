#pragma once

#include <nlohmann/json.hpp>

#include <set>
#include <string>

// Readers for the parts of a Messages API request body. They expect a body that passed
// findProtocolViolation().
namespace tandem::modelserver {

// The content blocks of a message; a plain string becomes one text block.
nlohmann::json contentBlocks(const nlohmann::json &message);

// The message's text blocks, joined by newlines.
std::string messageText(const nlohmann::json &message);

// A tool_result's content as text: a string, or the text blocks of an array joined by newlines.
std::string toolResultText(const nlohmann::json &block);

// The names in the request's tools array.
std::set<std::string> declaredToolNames(const nlohmann::json &body);

} // namespace tandem::modelserver
