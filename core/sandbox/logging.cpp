#include <QLoggingCategory>

namespace tandem::sandbox {

// The module's one category: every backend, the proxy and the policy files log here.
Q_LOGGING_CATEGORY(lcSandbox, "tandem.sandbox", QtWarningMsg)

} // namespace tandem::sandbox
