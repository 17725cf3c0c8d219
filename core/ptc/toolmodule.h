#pragma once

#include "llm/message.h"

#include <string>
#include <vector>

namespace tandem::ptc {

// The source of the module a script imports to call host tools: `tandem_tools.py` for
// Python, `tandem_tools.js` for node. One function per tool the script may call, taking
// keyword arguments (Python) or one object (JavaScript), returning the tool's result (parsed
// when it is JSON) and raising ToolError with the broker's reason when the call is refused or
// fails. Python calls are plain (`tandem_tools.get_issue(id=7)`) or awaited
// (`await tandem_tools.aio.get_issue(id=7)`); node's are promises. Each thread keeps its own
// connection, so calls from several threads are in flight together.
//
// The module holds no tool: every call goes over the channel, where the host decides.
class ToolModule
{
public:
    static std::string python(const std::vector<llm::ToolSpec> &tools);
    static std::string javascript(const std::vector<llm::ToolSpec> &tools);

    // The name a tool has in the module: its own where that is a plain identifier of the
    // language, otherwise empty (reachable through call() only).
    static std::string pythonName(const std::string &tool);
    static std::string javascriptName(const std::string &tool);

    // One line per tool for the model: how to call it from a script.
    static std::string pythonSignature(const llm::ToolSpec &tool);
};

} // namespace tandem::ptc
