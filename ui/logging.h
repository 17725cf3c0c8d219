#pragma once

#include <QLoggingCategory>

namespace tandem::ui {

// The module's one category: lifecycle at info, anomalies at warning.
Q_DECLARE_LOGGING_CATEGORY(lcUi)

} // namespace tandem::ui
