#pragma once

#include "commandline.h"

namespace tandem::app {

// `tandem` without `run`: the window, on a workspace of its own made from --repo or, without
// one, from the bundled demo repository.
class WindowApp
{
public:
    static int exec(int &argc, char **argv, const CommandLine &line);
};

} // namespace tandem::app
