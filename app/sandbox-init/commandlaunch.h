#pragma once

#include <string>
#include <vector>

namespace tandem::sandboxinit {

// What one command needs to start: its argv, environment, folder, limits, and the descriptors
// Tandem handed over (its output pipes and the cgroups it must join).
struct LaunchSpec
{
    std::vector<std::string> argv;
    std::vector<std::string> environment;
    std::string workingDirectory;
    long long cpuSeconds = 0; // RLIMIT_CPU per process; 0: none
    long long fileSizeBytes = 0; // RLIMIT_FSIZE per file; 0: none
    int stdoutFd = -1;
    int stderrFd = -1;
    std::vector<int> cgroupFds; // cgroup.procs files to join before exec
};

struct Launched
{
    int pid = -1;
    std::string error; // set when the command could not start; pid is then -1
};

// Forks and execs in a new session. Returns once the exec has happened or failed, so a missing
// program is an error here, not an exit status to guess from.
Launched launchCommand(const LaunchSpec &spec);

} // namespace tandem::sandboxinit
