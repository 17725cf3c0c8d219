#pragma once

#include "base/error.h"

#include <QString>

namespace tandem::sandbox {

// Where tandem-sandbox-init is: the small static program that every sandbox starts first (the
// supervisor of a bubblewrap sandbox, the first process and proxy forwarder of a container).
// It ships beside tandem (bin/ in a build, libexec/tandem when installed); tests live one folder
// over. TANDEM_SANDBOX_INIT wins over all of them.
class InitBinary
{
public:
    // The absolute path; the error says how to get it back.
    static base::Result<QString> find();
};

} // namespace tandem::sandbox
