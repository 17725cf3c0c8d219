#include "scenariobook.h"

#include <QFile>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <set>
#include <sstream>
#include <string_view>

namespace tandem::modelserver {

namespace {

using Json = nlohmann::ordered_json;

const char *const kDemoResource = ":/tandem/scenarios/demo.json";
const char *const kDefaultFallback =
    "I am Tandem's scripted model, and no scenario in my file matches this prompt.";

// Thrown only inside this file and caught by ScenarioBook::fromText: the scenario format is
// nested deeply enough that returning an error from every level would bury the rules.
struct FormatError
{
    std::string path;
    std::string message;
};

[[noreturn]] void reject(const std::string &path, const std::string &message)
{
    throw FormatError{path, message};
}

void allowOnlyKeys(const Json &object, const std::string &path,
                   std::initializer_list<const char *> allowed)
{
    for (const auto &item : object.items()) {
        const bool known =
            std::ranges::any_of(allowed, [&](const char *key) { return item.key() == key; });
        if (known)
            continue;

        std::string list;
        for (const char *key : allowed)
            list += std::string(list.empty() ? "" : ", ") + key;
        reject(path, "unknown key \"" + item.key() + "\" (allowed: " + list + ")");
    }
}

const Json &member(const Json &object, const char *key, const std::string &path)
{
    const auto found = object.find(key);
    if (found == object.end())
        reject(path, std::string("\"") + key + "\" is missing");
    return *found;
}

std::string nonEmptyString(const Json &value, const std::string &path)
{
    if (!value.is_string() || value.get_ref<const std::string &>().empty())
        reject(path, "must be a non-empty string");
    return value.get<std::string>();
}

const Json &nonEmptyArray(const Json &value, const std::string &path)
{
    if (!value.is_array() || value.empty())
        reject(path, "must be a non-empty array");
    return value;
}

QRegularExpression compilePattern(const std::string &source, const std::string &path)
{
    QRegularExpression pattern(QString::fromStdString(source));
    if (!pattern.isValid()) {
        reject(path, "invalid regular expression \"" + source
                         + "\": " + pattern.errorString().toStdString() + " at offset "
                         + std::to_string(pattern.patternErrorOffset()));
    }
    return pattern;
}

Expectation parseCondition(const std::string &key, const Json &value, const std::string &path)
{
    Expectation expectation;
    if (key == "tool_result_is_error") {
        if (!value.is_boolean())
            reject(path, "must be true or false");
        expectation.kind = Expectation::Kind::IsError;
        expectation.isError = value.get<bool>();
        return expectation;
    }

    expectation.text = nonEmptyString(value, path);
    if (key == "tool_result_contains") {
        expectation.kind = Expectation::Kind::Contains;
    } else if (key == "tool_result_not_contains") {
        expectation.kind = Expectation::Kind::NotContains;
    } else {
        expectation.kind = Expectation::Kind::Matches;
        expectation.pattern = compilePattern(expectation.text, path);
    }
    return expectation;
}

void parseExpectations(const Json &list, const std::string &path, Turn &turn)
{
    if (!list.is_array())
        reject(path, "must be an array of conditions");

    for (std::size_t i = 0; i < list.size(); ++i) {
        const std::string itemPath = path + "[" + std::to_string(i) + "]";
        if (!list[i].is_object() || list[i].empty())
            reject(itemPath, "must be an object such as {\"tool_result_contains\": \"OK\"}");

        allowOnlyKeys(list[i], itemPath,
                      {"tool_result_contains", "tool_result_not_contains", "tool_result_matches",
                       "tool_result_is_error"});
        for (const auto &item : list[i].items())
            turn.expectations.push_back(
                parseCondition(item.key(), item.value(), itemPath + "." + item.key()));
    }
}

const char *const kCodeExecutionName = "code_execution";

const Json &objectMember(const Json &value, const std::string &path, const char *shape)
{
    if (!value.is_object())
        reject(path, std::string("must be an object ") + shape);
    return value;
}

ReplyBlock parseToolUse(const Json &value, const std::string &path)
{
    const Json &call = objectMember(value, path, "with \"name\" and \"input\"");
    allowOnlyKeys(call, path, {"name", "input", "caller"});

    ReplyBlock block;
    block.type = ReplyBlock::Type::ToolUse;
    block.toolName = nonEmptyString(member(call, "name", path), path + ".name");
    block.input = member(call, "input", path);
    if (!block.input.is_object())
        reject(path + ".input", "must be a JSON object (the API never sends a string)");
    if (call.contains("caller")) {
        block.caller = nonEmptyString(call["caller"], path + ".caller");
        if (block.caller != kCodeExecutionName)
            reject(path + ".caller", "must be \"code_execution\", the only server tool here");
    }
    return block;
}

ReplyBlock parseServerToolUse(const Json &value, const std::string &path)
{
    const Json &call = objectMember(value, path, "with \"name\" and \"input\"");
    allowOnlyKeys(call, path, {"name", "input"});

    ReplyBlock block;
    block.type = ReplyBlock::Type::ServerToolUse;
    block.toolName = nonEmptyString(member(call, "name", path), path + ".name");
    if (block.toolName != kCodeExecutionName)
        reject(path + ".name", "must be \"code_execution\", the only server tool here");
    block.input = member(call, "input", path);
    if (!block.input.is_object())
        reject(path + ".input", "must be a JSON object such as {\"code\": \"...\"}");
    return block;
}

ReplyBlock parseCodeExecutionResult(const Json &value, const std::string &path)
{
    const Json &result = objectMember(value, path, "with \"stdout\" and \"return_code\"");
    allowOnlyKeys(result, path, {"stdout", "stderr", "return_code"});

    ReplyBlock block;
    block.type = ReplyBlock::Type::CodeExecutionResult;
    for (const char *key : {"stdout", "stderr"}) {
        if (result.contains(key) && !result[key].is_string())
            reject(path + "." + key, "must be a string");
    }
    block.stdoutText = result.value("stdout", "");
    block.stderrText = result.value("stderr", "");
    if (result.contains("return_code") && !result["return_code"].is_number_integer())
        reject(path + ".return_code", "must be an integer");
    block.returnCode = result.value("return_code", 0L);
    return block;
}

ReplyBlock parseLook(const Json &value, const std::string &path)
{
    const Json &look = objectMember(value, path, "with \"command\"");
    allowOnlyKeys(look, path, {"command", "timeout_seconds"});

    ReplyBlock block;
    block.type = ReplyBlock::Type::Look;
    const Json &command = nonEmptyArray(member(look, "command", path), path + ".command");
    for (std::size_t i = 0; i < command.size(); ++i)
        block.command.push_back(
            nonEmptyString(command[i], path + ".command[" + std::to_string(i) + "]"));
    if (look.contains("timeout_seconds")) {
        const Json &seconds = look["timeout_seconds"];
        if (!seconds.is_number_integer() || seconds.get<int>() < 1 || seconds.get<int>() > 300)
            reject(path + ".timeout_seconds", "must be a whole number of seconds, 1..300");
        block.timeoutSeconds = seconds.get<int>();
    }
    return block;
}

ReplyBlock parseReplyBlock(const Json &value, const std::string &path)
{
    if (!value.is_object() || value.size() != 1)
        reject(path, "must be one of {\"text\": ...}, {\"tool_use\": ...}, "
                     "{\"server_tool_use\": ...}, {\"code_execution_result\": ...} "
                     "or {\"look\": ...}");
    allowOnlyKeys(value, path,
                  {"text", "tool_use", "server_tool_use", "code_execution_result", "look"});

    if (value.contains("look"))
        return parseLook(value["look"], path + ".look");
    if (value.contains("tool_use"))
        return parseToolUse(value["tool_use"], path + ".tool_use");
    if (value.contains("server_tool_use"))
        return parseServerToolUse(value["server_tool_use"], path + ".server_tool_use");
    if (value.contains("code_execution_result"))
        return parseCodeExecutionResult(value["code_execution_result"],
                                        path + ".code_execution_result");

    ReplyBlock block;
    block.text = nonEmptyString(value["text"], path + ".text");
    return block;
}

// A call from code and a code execution's result need a code execution before them in the
// scenario: they refer to the latest one.
void checkCodeExecutionOrder(const Scenario &scenario, const std::string &path)
{
    bool executionSeen = false;
    for (std::size_t t = 0; t < scenario.turns.size(); ++t) {
        const auto &reply = scenario.turns[t].reply;
        for (std::size_t b = 0; b < reply.size(); ++b) {
            executionSeen = executionSeen || reply[b].type == ReplyBlock::Type::ServerToolUse;
            if (!reply[b].belongsToCodeExecution() || executionSeen)
                continue;
            reject(path + ".turns[" + std::to_string(t) + "].reply[" + std::to_string(b) + "]",
                   "needs a server_tool_use earlier in the scenario");
        }
    }
}

Turn parseTurn(const Json &value, const std::string &path)
{
    if (!value.is_object())
        reject(path, "must be an object with \"reply\" and optionally \"expect\"");
    allowOnlyKeys(value, path, {"expect", "reply"});

    Turn turn;
    if (value.contains("expect"))
        parseExpectations(value["expect"], path + ".expect", turn);

    const Json &reply = nonEmptyArray(member(value, "reply", path), path + ".reply");
    for (std::size_t i = 0; i < reply.size(); ++i)
        turn.reply.push_back(parseReplyBlock(reply[i], path + ".reply[" + std::to_string(i) + "]"));
    return turn;
}

Scenario parseScenario(const Json &value, const std::string &path)
{
    if (!value.is_object())
        reject(path, "must be an object with \"name\", \"match\" and \"turns\"");
    allowOnlyKeys(value, path, {"name", "description", "match", "turns", "container_seconds"});

    Scenario scenario;
    scenario.name = nonEmptyString(member(value, "name", path), path + ".name");
    const std::string match = nonEmptyString(member(value, "match", path), path + ".match");
    scenario.match = compilePattern(match, path + ".match");

    const Json &turns = nonEmptyArray(member(value, "turns", path), path + ".turns");
    for (std::size_t i = 0; i < turns.size(); ++i)
        scenario.turns.push_back(parseTurn(turns[i], path + ".turns[" + std::to_string(i) + "]"));
    checkCodeExecutionOrder(scenario, path);

    if (value.contains("container_seconds")) {
        const Json &seconds = value["container_seconds"];
        if (!seconds.is_number_integer() || seconds.get<long>() < 1)
            reject(path + ".container_seconds", "must be a positive whole number of seconds");
        scenario.containerSeconds = seconds.get<long>();
    }
    return scenario;
}

std::string describeSyntaxError(const nlohmann::json::parse_error &error, const std::string &text,
                                const std::string &origin)
{
    const std::size_t offset =
        std::min<std::size_t>(error.byte == 0 ? 0 : error.byte - 1, text.size());
    const std::string_view before = std::string_view(text).substr(0, offset);
    const auto line = 1 + std::ranges::count(before, '\n');
    const auto lastNewline = before.rfind('\n');
    const auto column = lastNewline == std::string_view::npos ? offset + 1 : offset - lastNewline;

    // nlohmann's text repeats the position; keep only what went wrong.
    std::string detail = error.what();
    if (const auto colon = detail.find(": ", detail.find("parse error"));
        colon != std::string::npos)
        detail = detail.substr(colon + 2);
    return origin + ":" + std::to_string(line) + ":" + std::to_string(column)
           + ": invalid JSON: " + detail;
}

} // namespace

std::expected<ScenarioBook, std::string> ScenarioBook::fromFile(const std::string &path)
{
    std::ifstream file(path, std::ios::binary);
    if (!file)
        return std::unexpected(path + ": cannot open the scenario file");

    std::ostringstream text;
    text << file.rdbuf();
    auto book = fromText(text.str(), path);
    if (!book)
        return book;

    // A look's program is named relative to the scenario file, which usually sits beside it.
    const std::string folder = std::filesystem::absolute(path).parent_path().string();
    for (Scenario &scenario : book->m_scenarios) {
        for (Turn &turn : scenario.turns) {
            for (ReplyBlock &block : turn.reply)
                block.workingDirectory = folder;
        }
    }
    return book;
}

std::expected<std::vector<ReplyBlock>, std::string>
ScenarioBook::parseLookAnswer(const std::string &text, const std::string &origin)
{
    const Json answer = Json::parse(text, nullptr, false);
    if (answer.is_discarded())
        return std::unexpected(origin + ": the answer is not JSON: " + text.substr(0, 200));

    std::vector<ReplyBlock> blocks;
    try {
        const Json &list = nonEmptyArray(answer, "answer");
        for (std::size_t i = 0; i < list.size(); ++i) {
            const std::string path = "answer[" + std::to_string(i) + "]";
            if (!list[i].is_object()
                || (!list[i].contains("text") && !list[i].contains("tool_use")))
                reject(path, "must be {\"text\": ...} or {\"tool_use\": ...}");
            blocks.push_back(parseReplyBlock(list[i], path));
        }
    } catch (const FormatError &error) {
        return std::unexpected(origin + ": " + error.path + ": " + error.message);
    }
    return blocks;
}

std::expected<ScenarioBook, std::string> ScenarioBook::demo()
{
    QFile resource(QString::fromLatin1(kDemoResource));
    if (!resource.open(QIODevice::ReadOnly))
        return std::unexpected(
            std::string("the built-in demo scenario is missing from the binary"));
    return fromText(resource.readAll().toStdString(), "demo.json (built in)");
}

std::expected<ScenarioBook, std::string> ScenarioBook::fromText(const std::string &text,
                                                                const std::string &origin)
{
    Json document;
    try {
        document = Json::parse(text);
    } catch (const nlohmann::json::parse_error &error) {
        return std::unexpected(describeSyntaxError(error, text, origin));
    }

    ScenarioBook book;
    try {
        if (!document.is_object())
            reject("", "the top level must be an object with \"scenarios\"");
        allowOnlyKeys(document, "", {"scenarios", "fallback", "description"});

        const Json &scenarios = member(document, "scenarios", "");
        if (!scenarios.is_array())
            reject("scenarios", "must be an array");

        std::set<std::string> names;
        for (std::size_t i = 0; i < scenarios.size(); ++i) {
            const std::string path = "scenarios[" + std::to_string(i) + "]";
            book.m_scenarios.push_back(parseScenario(scenarios[i], path));
            if (!names.insert(book.m_scenarios.back().name).second)
                reject(path + ".name", "\"" + book.m_scenarios.back().name + "\" is used twice");
        }

        book.m_fallback = document.contains("fallback")
                              ? nonEmptyString(document["fallback"], "fallback")
                              : kDefaultFallback;
    } catch (const FormatError &error) {
        const std::string where = error.path.empty() ? "" : error.path + ": ";
        return std::unexpected(origin + ": " + where + error.message);
    }
    return book;
}

const Scenario *ScenarioBook::find(const std::string &firstPrompt) const
{
    const QString prompt = QString::fromStdString(firstPrompt);
    for (const Scenario &scenario : m_scenarios) {
        if (scenario.match.match(prompt).hasMatch())
            return &scenario;
    }
    return nullptr;
}

} // namespace tandem::modelserver
