#include "logging.h"

#include <cstdio>
#include <mutex>

namespace tandem::modelserver {

Q_LOGGING_CATEGORY(lcModelServer, "tandem.modelserver", QtWarningMsg)

void tellUser(std::string_view line)
{
    static std::mutex mutex;
    const std::lock_guard lock(mutex);

    std::fprintf(stderr, "tandem-model-server: %.*s\n", static_cast<int>(line.size()), line.data());
    std::fflush(stderr);
}

} // namespace tandem::modelserver
