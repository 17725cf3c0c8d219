#pragma once

#include <nlohmann/json.hpp>

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

// The request's tool of that name, or nullptr.
const nlohmann::json *findTool(const nlohmann::json &body, const std::string &name);

// The type of the request's code execution tool ("code_execution_20250825"), or empty.
std::string codeExecutionType(const nlohmann::json &body);

// Whether the block is a tool_use made by a code execution rather than by the model directly.
bool isCallFromCode(const nlohmann::json &block);

} // namespace tandem::modelserver
