#include <QLoggingCategory>

namespace tandem::x11 {

// The backend's one category: X errors and fallbacks at warning, mappings at debug.
Q_LOGGING_CATEGORY(lcX11, "tandem.x11", QtWarningMsg)

} // namespace tandem::x11
