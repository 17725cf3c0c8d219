#pragma once

#include "commandline.h"

namespace tandem::app {

// `tandem run`: the review flow without a window. The conversation streams to stdout; the
// result is an exit code, with one line on stderr saying why when it is not 0.
class HeadlessRun
{
public:
    static int exec(const CommandLine &line);
};

} // namespace tandem::app
