#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace tandem::modelserver {

// What the Anthropic Messages API would reject in this request body, as one line that names
// the place ("messages.3: ..."), or nothing when the body is acceptable. Checks the envelope
// (model, max_tokens, stream: true, messages), that roles alternate starting and ending with
// user, that every tool_use is answered by a tool_result in the very next message and every
// tool_result answers one (and nothing else when the calls came from code execution), that tool
// inputs are objects, that server_tool_use and code_execution_tool_result blocks are
// well-formed, and that tool definitions are (native bash_*, text_editor_* and
// code_execution_* types, or custom tools with an input_schema and valid allowed_callers).
std::optional<std::string> findProtocolViolation(const nlohmann::json &body);

} // namespace tandem::modelserver
