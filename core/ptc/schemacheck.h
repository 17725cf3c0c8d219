#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace tandem::ptc {

// Checks a tool's input against its JSON Schema before the tool sees it, for calls from
// scripts, which the model's own API does not check for us. The part of JSON Schema that tool
// definitions use: type (one or a list), properties, required, additionalProperties (false or
// a schema), items, enum, const, minimum and maximum, minLength and maxLength, minItems and
// maxItems. Keywords beyond those are ignored, so a schema never rejects more than it says.
//
//     if (auto problem = SchemaCheck::check(input, spec.inputSchema))
//         return error("invalid_input", *problem);   // "id: expected integer, got string"
class SchemaCheck
{
public:
    // Nothing when `value` fits; otherwise the first problem, naming where it is.
    static std::optional<std::string> check(const nlohmann::json &value,
                                            const nlohmann::json &schema);

private:
    static std::optional<std::string>
    checkAt(const nlohmann::json &value, const nlohmann::json &schema, const std::string &where);
    static std::optional<std::string> checkObject(const nlohmann::json &value,
                                                  const nlohmann::json &schema,
                                                  const std::string &where);
    static std::optional<std::string>
    checkArray(const nlohmann::json &value, const nlohmann::json &schema, const std::string &where);
    static std::optional<std::string> checkBounds(const nlohmann::json &value,
                                                  const nlohmann::json &schema,
                                                  const std::string &where);
};

} // namespace tandem::ptc
