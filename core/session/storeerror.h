#pragma once

#include "base/error.h"

#include <QSqlError>
#include <QString>

namespace tandem::session {

// A failure of the session store in words a user can act on: a lock held by another program,
// a damaged file (which Tandem leaves as it is), or anything else SQLite reports. `doing` says
// what Tandem was doing ("save the message").
base::Error storeError(const QString &path, const QString &doing, const QSqlError &error);

} // namespace tandem::session
