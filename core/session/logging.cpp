#include "session/logging.h"

namespace tandem::session {

Q_LOGGING_CATEGORY(lcSession, "tandem.session", QtWarningMsg)

} // namespace tandem::session
