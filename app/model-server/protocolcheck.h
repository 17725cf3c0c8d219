#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace tandem::modelserver {

// What the Anthropic Messages API would reject in this request body, as one line that names
// the place ("messages.3: ..."), or nothing when the body is acceptable. Checks the envelope
// (model, max_tokens, stream: true, messages), that roles alternate starting and ending with
// user, that every tool_use is answered by a tool_result in the very next message and every
// tool_result answers one, that tool inputs are objects, and that tool definitions are
// well-formed (native bash_* and text_editor_* types, or custom tools with an input_schema).
std::optional<std::string> findProtocolViolation(const nlohmann::json &body);

} // namespace tandem::modelserver
