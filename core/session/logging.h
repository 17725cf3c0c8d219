#pragma once

#include <QLoggingCategory>

namespace tandem::session {

// The module's one category: lifecycle at info, anomalies at warning; never message text.
Q_DECLARE_LOGGING_CATEGORY(lcSession)

} // namespace tandem::session
