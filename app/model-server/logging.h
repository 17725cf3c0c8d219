#pragma once

#include <QLoggingCategory>

#include <string_view>

namespace tandem::modelserver {

Q_DECLARE_LOGGING_CATEGORY(lcModelServer)

// A line for the person or test running the server. It bypasses the logging rules on purpose:
// scenario failures and bad input must always reach stderr.
void tellUser(std::string_view line);

} // namespace tandem::modelserver
