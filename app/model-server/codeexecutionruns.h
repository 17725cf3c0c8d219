#pragma once

#include "scenario.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <expected>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace tandem::modelserver {

// The container a reply's code execution ran in, as the message_delta event names it.
struct ContainerRef
{
    std::string id;
    std::string expiresAt; // ISO-8601 in UTC
};

// What the server remembers of the code executions it played, so that a follow-up request
// can be held to what was sent: the blocks (server_tool_use, tool_use made from code,
// code_execution_tool_result) must come back unchanged, and tool calls made from code must be
// answered in the container they ran in while it lives. A run is one scenario's play in one
// conversation; it is found again through the ids its blocks carry.
//
//     auto run = runs.follow(body, taskStart, blocksSentBefore, now);   // checks the history
//     auto container = runs.issue(reply, *run, callerType, seconds, random, now);
class CodeExecutionRuns
{
public:
    using Clock = std::chrono::system_clock;
    struct Run;

    // Checks the code execution blocks in the assistant messages after `taskStart` and the
    // request's container, and returns the run they belong to (nullptr when there are none).
    // `expectedBlocks` is how many such blocks the scenario sent before this turn.
    std::expected<std::shared_ptr<Run>, std::string> follow(const nlohmann::json &body,
                                                            std::size_t taskStart,
                                                            std::size_t expectedBlocks,
                                                            Clock::time_point now) const;

    // Gives the reply's code execution blocks their ids, callers and server tool use, and
    // returns the container to announce, or nothing when the reply runs no code. `run` is
    // what follow() returned; a new run starts when it is nullptr.
    std::optional<ContainerRef> issue(std::vector<ReplyBlock> &blocks, std::shared_ptr<Run> run,
                                      const std::string &callerType, long containerSeconds,
                                      std::mt19937_64 &random, Clock::time_point now);

private:
    struct Container
    {
        Clock::time_point expiresAt;
        std::string expiresAtText;
    };

    std::expected<std::shared_ptr<Run>, std::string> findRun(const nlohmann::json &messages,
                                                             std::size_t taskStart,
                                                             std::size_t expectedBlocks) const;
    std::expected<void, std::string> checkContainer(const nlohmann::json &body, const Run *run,
                                                    Clock::time_point now) const;
    std::expected<void, std::string> checkExpiredAnswer(const nlohmann::json &body,
                                                        const Run &run) const;

    std::map<std::string, std::shared_ptr<Run>> m_runsByBlockId;
    std::map<std::string, Container> m_containers;
};

} // namespace tandem::modelserver
