#pragma once

#include "scenario.h"

#include <nlohmann/json.hpp>

#include <expected>
#include <string>
#include <vector>

namespace tandem::modelserver {

// Plays a look: the scripted model deciding from what it is shown. The request's latest
// screenshot (the newest base64 image in a tool result) goes to a file, and the look's program
// runs with
//
//     COMMAND... --screenshot FILE --display WIDTHxHEIGHT --step N
//
// where the display is the size the request's computer tool declares (so the program answers
// in that coordinate space) and N counts the turn from 1. The program prints a JSON array of
// reply blocks ({"text": ...} and {"tool_use": ...}) and exits 0; those blocks are sent in the
// look's place. Anything else fails the request with the program's own words from stderr.
class LookRunner
{
public:
    static std::expected<std::vector<ReplyBlock>, std::string>
    run(const ReplyBlock &look, const nlohmann::json &body, std::size_t turnIndex);

private:
    static std::expected<std::string, std::string> latestScreenshot(const nlohmann::json &body);
    static std::expected<std::string, std::string> declaredDisplay(const nlohmann::json &body);
};

} // namespace tandem::modelserver
