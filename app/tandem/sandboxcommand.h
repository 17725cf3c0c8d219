#pragma once

#include "commandline.h"

namespace tandem::app {

// `tandem sandbox run`: one command in the sandbox the agent would get for this workspace,
// under the same policy and limits. Useful to see what a policy allows, and the way the
// attack suite drives both backends.
class SandboxCommand
{
public:
    static int exec(const CommandLine &line);
};

} // namespace tandem::app
