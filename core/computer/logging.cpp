#include <QLoggingCategory>

namespace tandem::computer {

// The module's one category: settle timings at debug, anomalies at warning.
Q_LOGGING_CATEGORY(lcComputer, "tandem.computer", QtWarningMsg)

} // namespace tandem::computer
