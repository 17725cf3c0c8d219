#include "codeexecutionruns.h"

#include "replyencoder.h"
#include "requestcontent.h"

#include <QDateTime>

#include <algorithm>
#include <set>

namespace tandem::modelserver {

namespace {

using Json = nlohmann::json;

std::string isoUtc(CodeExecutionRuns::Clock::time_point time)
{
    const auto msecs =
        std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
    // In Qt's UTC spec (unlike a UTC time zone) the text ends in "Z", as the API writes it.
    return QDateTime::fromMSecsSinceEpoch(msecs).toUTC().toString(Qt::ISODateWithMs).toStdString();
}

// The id that ties a history block to a run, or empty for blocks that are not part of one. A
// tool_use counts by its id too, so that a call made from code cannot lose its caller unseen.
template <typename Runs>
std::string runKey(const Json &block, const Runs &issued)
{
    const std::string type = block.value("type", "");
    if (type == "server_tool_use" || isCallFromCode(block))
        return block["id"].get<std::string>();
    if (type == "tool_use" && issued.contains(block["id"].get<std::string>()))
        return block["id"].get<std::string>();
    if (type == "code_execution_tool_result")
        return block["tool_use_id"].get<std::string>();
    return {};
}

// Every member the server sent is back with the same value; a client may add its own
// members, such as cache_control.
bool replays(const Json &block, const Json &sent)
{
    return std::ranges::all_of(sent.items(), [&](const auto &item) {
        const auto found = block.find(item.key());
        return found != block.end() && *found == item.value();
    });
}

} // namespace

struct CodeExecutionRuns::Run
{
    std::string containerId;
    std::string latestServerToolUse;
    std::vector<Json> sent;
};

std::expected<std::shared_ptr<CodeExecutionRuns::Run>, std::string>
CodeExecutionRuns::follow(const Json &body, std::size_t taskStart, std::size_t expectedBlocks,
                          Clock::time_point now) const
{
    auto run = findRun(body["messages"], taskStart, expectedBlocks);
    if (!run)
        return run;
    if (auto checked = checkContainer(body, run->get(), now); !checked)
        return std::unexpected(checked.error());
    return run;
}

std::expected<std::shared_ptr<CodeExecutionRuns::Run>, std::string>
CodeExecutionRuns::findRun(const Json &messages, std::size_t taskStart,
                           std::size_t expectedBlocks) const
{
    std::shared_ptr<Run> run;
    std::size_t found = 0;
    for (std::size_t i = taskStart + 1; i < messages.size(); i += 2) {
        const Json blocks = contentBlocks(messages[i]);
        for (std::size_t b = 0; b < blocks.size(); ++b) {
            const std::string key = runKey(blocks[b], m_runsByBlockId);
            if (key.empty())
                continue;

            const std::string path = "messages." + std::to_string(i) + ".content."
                                     + std::to_string(b) + ": "
                                     + blocks[b]["type"].get<std::string>() + " " + key;
            const auto known = m_runsByBlockId.find(key);
            if (known == m_runsByBlockId.end())
                return std::unexpected(path + " was not sent by this server");
            if (run && known->second != run)
                return std::unexpected(path + " belongs to another code execution");
            run = known->second;
            if (!std::ranges::any_of(run->sent,
                                     [&](const Json &s) { return replays(blocks[b], s); }))
                return std::unexpected(path + " is not replayed as the server sent it");
            ++found;
        }
    }

    if (found != expectedBlocks) {
        return std::unexpected("the history since the prompt holds " + std::to_string(found)
                               + " code execution blocks, but the scenario sent "
                               + std::to_string(expectedBlocks));
    }
    return run;
}

std::expected<void, std::string> CodeExecutionRuns::checkContainer(const Json &body, const Run *run,
                                                                   Clock::time_point now) const
{
    const std::string named = body.value("container", "");
    if (!named.empty()) {
        const auto known = m_containers.find(named);
        if (known == m_containers.end())
            return std::unexpected("container: " + named + " was not issued by this server");
        if (now > known->second.expiresAt)
            return std::unexpected("container expired: " + named + " expired at "
                                   + known->second.expiresAtText);
    }

    // Only tool calls made from code are bound to a container: the code waits there.
    const Json &messages = body["messages"];
    const Json lastAssistant =
        messages.size() >= 2 ? contentBlocks(messages[messages.size() - 2]) : Json::array();
    if (run == nullptr || !std::ranges::any_of(lastAssistant, isCallFromCode))
        return {};

    const Container &current = m_containers.at(run->containerId);
    if (now > current.expiresAt)
        return checkExpiredAnswer(body, *run);
    if (named != run->containerId) {
        return std::unexpected("container: the code waiting for these tool results runs in "
                               + run->containerId + ", but the request names "
                               + (named.empty() ? std::string("no container") : named));
    }
    return {};
}

std::expected<void, std::string> CodeExecutionRuns::checkExpiredAnswer(const Json &body,
                                                                       const Run &run) const
{
    // The code that made the calls is gone; a client may only give up on them, with errors.
    const Json &messages = body["messages"];
    std::set<std::string> fromCode;
    for (const auto &block : contentBlocks(messages[messages.size() - 2])) {
        if (isCallFromCode(block))
            fromCode.insert(block["id"].get<std::string>());
    }

    for (const auto &block : contentBlocks(messages.back())) {
        if (block["type"] == "tool_result" && fromCode.contains(block["tool_use_id"])
            && !block.value("is_error", false)) {
            return std::unexpected(
                "container expired: " + run.containerId + " expired at "
                + m_containers.at(run.containerId).expiresAtText
                + "; tool calls made from its code can only be answered with is_error: true "
                  "and no container");
        }
    }
    return {};
}

std::optional<ContainerRef> CodeExecutionRuns::issue(std::vector<ReplyBlock> &blocks,
                                                     std::shared_ptr<Run> run,
                                                     const std::string &callerType,
                                                     long containerSeconds, std::mt19937_64 &random,
                                                     Clock::time_point now)
{
    if (!std::ranges::any_of(blocks, &ReplyBlock::belongsToCodeExecution))
        return std::nullopt;
    if (!run)
        run = std::make_shared<Run>();

    ReplyEncoder ids(random);
    for (ReplyBlock &block : blocks) {
        if (!block.belongsToCodeExecution())
            continue;

        // The scenario book makes sure a server_tool_use comes first, so the latest one is
        // known for the calls and results after it.
        if (block.type == ReplyBlock::Type::ServerToolUse) {
            block.id = ids.randomId("srvtoolu_");
            run->latestServerToolUse = block.id;
        } else if (block.type == ReplyBlock::Type::ToolUse) {
            block.id = ids.randomId("toolu_");
            block.callerType = callerType;
        }
        block.serverToolUseId = run->latestServerToolUse;

        if (!block.id.empty())
            m_runsByBlockId[block.id] = run;
        m_runsByBlockId[run->latestServerToolUse] = run;
        run->sent.push_back(Json::parse(block.contentBlock().dump()));
    }

    // A container lives on while it is used; once expired, the next code runs in a new one.
    const auto current = m_containers.find(run->containerId);
    if (current == m_containers.end() || now > current->second.expiresAt)
        run->containerId = ids.randomId("container_");
    const auto expiresAt = now + std::chrono::seconds(containerSeconds);
    m_containers[run->containerId] = {expiresAt, isoUtc(expiresAt)};
    return ContainerRef{run->containerId, isoUtc(expiresAt)};
}

} // namespace tandem::modelserver
