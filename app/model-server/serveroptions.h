#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace tandem::modelserver {

// Everything the command line can set.
struct ServerOptions
{
    std::string scenarioFile;
    bool demo = false;
    std::uint16_t port = 0;
    std::uint64_t splitSeed = 0;
    bool splitSeedGiven = false;
    std::size_t maxChunk = 64;
    std::string reportFile;
    std::string recordFile;
    bool exitWithParent = false;
    bool showHelp = false;
};

} // namespace tandem::modelserver
