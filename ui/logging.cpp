#include "ui/logging.h"

namespace tandem::ui {

Q_LOGGING_CATEGORY(lcUi, "tandem.ui", QtWarningMsg)

} // namespace tandem::ui
