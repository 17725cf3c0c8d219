#include "ptc/schemacheck.h"

#include <algorithm>
#include <cmath>

namespace tandem::ptc {

using nlohmann::json;

namespace {

std::string typeOf(const json &value)
{
    if (value.is_null())
        return "null";
    if (value.is_boolean())
        return "boolean";
    if (value.is_number_integer() || value.is_number_unsigned())
        return "integer";
    if (value.is_number())
        return "number";
    if (value.is_string())
        return "string";
    if (value.is_array())
        return "array";
    return "object";
}

bool isType(const json &value, const std::string &type)
{
    const std::string actual = typeOf(value);
    if (type == "number")
        return actual == "integer" || actual == "number";
    // 3.0 is an integer to JSON Schema, as it is to the scripts that send it.
    if (type == "integer" && actual == "number")
        return std::floor(value.get<double>()) == value.get<double>();
    return actual == type;
}

std::string place(const std::string &where)
{
    return where.empty() ? std::string("input") : where;
}

long long number(const json &schema, const char *key, long long fallback)
{
    const auto found = schema.find(key);
    return found != schema.end() && found->is_number() ? found->get<long long>() : fallback;
}

// Characters, not bytes: UTF-8 continuation bytes are not counted.
long long characters(const std::string &text)
{
    return std::count_if(text.begin(), text.end(),
                         [](char c) { return (static_cast<unsigned char>(c) & 0xc0) != 0x80; });
}

std::string child(const std::string &where, const std::string &key)
{
    return where.empty() ? key : where + "." + key;
}

} // namespace

std::optional<std::string> SchemaCheck::check(const json &value, const json &schema)
{
    return checkAt(value, schema, {});
}

std::optional<std::string> SchemaCheck::checkAt(const json &value, const json &schema,
                                                const std::string &where)
{
    if (!schema.is_object())
        return std::nullopt;

    if (const auto type = schema.find("type"); type != schema.end()) {
        bool fits = false;
        std::string expected;
        for (const json &one : type->is_array() ? *type : json::array({*type})) {
            if (!one.is_string())
                continue;
            fits = fits || isType(value, one.get<std::string>());
            expected += (expected.empty() ? "" : " or ") + one.get<std::string>();
        }
        if (!fits)
            return place(where) + ": expected " + expected + ", got " + typeOf(value);
    }
    if (const auto choices = schema.find("enum"); choices != schema.end() && choices->is_array()) {
        if (std::find(choices->begin(), choices->end(), value) == choices->end())
            return place(where) + ": must be one of " + choices->dump();
    }
    if (const auto fixed = schema.find("const"); fixed != schema.end() && *fixed != value)
        return place(where) + ": must be " + fixed->dump();

    if (value.is_object())
        return checkObject(value, schema, where);
    if (value.is_array())
        return checkArray(value, schema, where);
    return checkBounds(value, schema, where);
}

std::optional<std::string> SchemaCheck::checkObject(const json &value, const json &schema,
                                                    const std::string &where)
{
    const json properties = schema.value("properties", json::object());
    if (const auto required = schema.find("required"); required != schema.end()) {
        for (const json &name : *required) {
            if (name.is_string() && !value.contains(name.get<std::string>()))
                return child(where, name.get<std::string>()) + ": is required";
        }
    }
    const json extra = schema.value("additionalProperties", json(true));
    for (const auto &[key, item] : value.items()) {
        if (properties.is_object() && properties.contains(key)) {
            if (auto problem = checkAt(item, properties[key], child(where, key)))
                return problem;
        } else if (extra == json(false)) {
            return child(where, key) + ": is not a parameter of this tool";
        } else if (extra.is_object()) {
            if (auto problem = checkAt(item, extra, child(where, key)))
                return problem;
        }
    }
    return std::nullopt;
}

std::optional<std::string> SchemaCheck::checkArray(const json &value, const json &schema,
                                                   const std::string &where)
{
    const auto size = static_cast<long long>(value.size());
    if (size < number(schema, "minItems", 0))
        return place(where) + ": needs at least " + schema["minItems"].dump() + " items";
    if (size > number(schema, "maxItems", size))
        return place(where) + ": takes at most " + schema["maxItems"].dump() + " items";
    if (const auto items = schema.find("items"); items != schema.end() && items->is_object()) {
        for (size_t i = 0; i < value.size(); ++i) {
            if (auto problem =
                    checkAt(value[i], *items, place(where) + "[" + std::to_string(i) + "]"))
                return problem;
        }
    }
    return std::nullopt;
}

std::optional<std::string> SchemaCheck::checkBounds(const json &value, const json &schema,
                                                    const std::string &where)
{
    if (value.is_number()) {
        const double number = value.get<double>();
        if (schema.contains("minimum") && schema["minimum"].is_number()
            && number < schema["minimum"].get<double>())
            return place(where) + ": must be at least " + schema["minimum"].dump();
        if (schema.contains("maximum") && schema["maximum"].is_number()
            && number > schema["maximum"].get<double>())
            return place(where) + ": must be at most " + schema["maximum"].dump();
    }
    if (value.is_string()) {
        const long long length = characters(value.get<std::string>());
        if (length > number(schema, "maxLength", length))
            return place(where) + ": longer than " + schema["maxLength"].dump() + " characters";
        if (length < number(schema, "minLength", 0))
            return place(where) + ": shorter than " + schema["minLength"].dump() + " characters";
    }
    return std::nullopt;
}

} // namespace tandem::ptc
