#include "vcs/vcslogging.h"

namespace tandem::vcs {

Q_LOGGING_CATEGORY(lcVcs, "tandem.vcs", QtWarningMsg)

} // namespace tandem::vcs
