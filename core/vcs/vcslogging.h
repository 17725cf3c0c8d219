#pragma once

#include <QLoggingCategory>

namespace tandem::vcs {

// The one logging category of the vcs module. Credentials never reach it.
Q_DECLARE_LOGGING_CATEGORY(lcVcs)

} // namespace tandem::vcs
