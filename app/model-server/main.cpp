#include "commandline.h"
#include "logging.h"
#include "modelserver.h"
#include "scenariobook.h"

#include <cstdio>
#include <cstdlib>

#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

using namespace tandem::modelserver;

namespace {

constexpr int kExitBadInput = 2;
constexpr int kExitCannotListen = 1;

void exitWithParent()
{
    const pid_t parent = ::getppid();
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);

    // The parent may have gone before prctl took effect; then no signal would ever come.
    if (::getppid() != parent)
        std::exit(0);
}

std::vector<std::string> argumentsOf(int argc, char **argv)
{
    std::vector<std::string> arguments;
    for (int i = 1; i < argc; ++i)
        arguments.emplace_back(argv[i]);
    return arguments;
}

} // namespace

int main(int argc, char **argv)
{
    const auto options = CommandLine(argumentsOf(argc, argv)).parse();
    if (!options) {
        tellUser(options.error());
        return kExitBadInput;
    }
    if (options->showHelp) {
        std::fputs(CommandLine::helpText().c_str(), stdout);
        return 0;
    }

    if (options->exitWithParent)
        exitWithParent();

    auto book =
        options->demo ? ScenarioBook::demo() : ScenarioBook::fromFile(options->scenarioFile);
    if (!book) {
        tellUser(book.error());
        return kExitBadInput;
    }

    ModelServer server(*options, std::move(*book));
    const auto port = server.listen();
    if (!port) {
        tellUser(port.error());
        return kExitCannotListen;
    }

    std::printf("listening on http://127.0.0.1:%u\n", static_cast<unsigned>(*port));
    std::fflush(stdout);
    server.run();
    return 0;
}
