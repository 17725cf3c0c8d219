#include <QLoggingCategory>

namespace tandem::llm {

// The module's one category: payloads at debug, anomalies at warning. Keys never appear here.
Q_LOGGING_CATEGORY(lcLlm, "tandem.llm", QtWarningMsg)

} // namespace tandem::llm
