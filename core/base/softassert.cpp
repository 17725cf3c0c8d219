#include "base/softassert.h"

#include <QLoggingCategory>

#include <cstdlib>

namespace tandem::base {

Q_LOGGING_CATEGORY(lcBase, "tandem.base", QtWarningMsg)

void reportBrokenInvariant(const char *condition, const char *file, int line)
{
    qCWarning(lcBase, "broken invariant \"%s\" at %s:%d", condition, file, line);
    if (qEnvironmentVariableIsSet("TANDEM_FATAL_ASSERTS"))
        std::abort();
}

} // namespace tandem::base
