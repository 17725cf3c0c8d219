#pragma once

#include "commandline.h"

namespace tandem::app {

// `tandem audit verify [FILE]`: checks an audit log's hash chain and says where it breaks.
// Exit status: 0 the chain holds, 1 it is broken, 3 the file cannot be read, 4 the entries
// hold but the last line is incomplete.
class AuditCommand
{
public:
    enum ExitStatus { Holds = 0, Broken = 1, Unreadable = 3, IncompleteTail = 4 };

    static int exec(const CommandLine &line);
};

} // namespace tandem::app
