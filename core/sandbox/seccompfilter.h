#pragma once

#include "base/error.h"

#include <vector>

namespace tandem::sandbox {

// The system calls no sandboxed command needs and an escape would: tracing other processes,
// pushing keystrokes into a terminal (TIOCSTI, TIOCLINUX), mounting, new namespaces, keyrings,
// BPF, perf events, raw and packet sockets, kernel modules. Each is refused with EPERM so
// programs see an ordinary error; a 32-bit system call is refused outright, so the filter
// cannot be sidestepped through the compat table.
class SeccompFilter
{
public:
    // A memory file holding the compiled filter, positioned at its start, ready for
    // bwrap's --seccomp. The caller owns the descriptor.
    static base::Result<int> compile();
    // The compiled filter itself, built once per process: for a container, whose commands
    // load it from a file.
    static base::Result<std::vector<char>> program();

private:
    static base::Result<std::vector<char>> build();
};

} // namespace tandem::sandbox
