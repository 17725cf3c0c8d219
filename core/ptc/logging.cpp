#include <QLoggingCategory>

namespace tandem::ptc {

// The module's one category: the broker, its runs and the code tool log here.
Q_LOGGING_CATEGORY(lcPtc, "tandem.ptc", QtWarningMsg)

} // namespace tandem::ptc
