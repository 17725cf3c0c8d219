#pragma once

#include "codeexecutionruns.h"
#include "scenariobook.h"

#include <nlohmann/json.hpp>

#include <expected>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace tandem::modelserver {

// What the server streams back for one request.
struct ScriptedReply
{
    std::vector<ReplyBlock> blocks;
    std::string scenarioName; // empty for the fallback
    bool finishesScenario = false; // this was the scenario's last turn
    std::optional<ContainerRef> container; // where the reply's code execution runs
};

// Chooses the reply to a request that passed the protocol check: the scenario whose pattern
// matches the latest user prompt, at the turn given by the number of assistant messages since,
// once the turn's expectations hold for the latest tool results and every tool the reply calls
// is declared and may be called that way, and once the code executions of earlier turns come
// back as they were sent. A prompt no scenario matches gets the book's fallback text.
class ScenarioPlayer
{
public:
    explicit ScenarioPlayer(const ScenarioBook &book);

    // The reply, or why the request fails the scenario (without the "scenario check failed"
    // prefix). Ids of code execution blocks are drawn from `random`.
    std::expected<ScriptedReply, std::string> answer(const nlohmann::json &body,
                                                     std::mt19937_64 &random);

private:
    static std::expected<void, std::string> checkExpectations(const Scenario &scenario,
                                                              std::size_t turnIndex,
                                                              const nlohmann::json &lastUser);
    // The turn's reply with each look replaced by what its program answered.
    static std::expected<std::vector<ReplyBlock>, std::string>
    lookedAt(const Scenario &scenario, std::size_t turnIndex, const nlohmann::json &body);
    static std::expected<void, std::string>
    checkToolsDeclared(const Scenario &scenario, std::size_t turnIndex,
                       const std::vector<ReplyBlock> &blocks, const nlohmann::json &body);

    const ScenarioBook &m_book;
    CodeExecutionRuns m_runs;
};

} // namespace tandem::modelserver
