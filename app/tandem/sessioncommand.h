#pragma once

#include "commandline.h"

#include <QStringList>

namespace tandem::app {

// `tandem session list [--search TEXT]` and `tandem session export ID [--format md|json]
// [--output FILE]`: the saved sessions of the window, read without opening it.
class SessionCommand
{
public:
    // `arguments` starts with the program name, "session" already taken out.
    static void parse(const QStringList &arguments, CommandLine &line);
    static int exec(const CommandLine &line);

private:
    static int list(const CommandLine &line);
    static int exportSession(const CommandLine &line);
};

} // namespace tandem::app
