#pragma once

#include "base/error.h"

#include <QString>

namespace tandem::sandbox {

// The /etc a sandbox sees: a copy of the few host files programs need to start (the loader's
// cache, time zone, certificates, alternatives), made once per Tandem process in a private
// folder and bound read-only as a whole. One mount instead of one per file saves a sandbox
// two milliseconds of its start, and the copy's passwd and group name only the sandbox's
// user, not the host's accounts.
class EtcSnapshot
{
public:
    // The folder, made on first use; the same for every later call in this process.
    static base::Result<QString> path();

    static constexpr int kSandboxUid = 1000;
};

} // namespace tandem::sandbox
