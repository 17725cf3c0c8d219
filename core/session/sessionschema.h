#pragma once

#include "base/error.h"

#include <QSqlDatabase>
#include <QString>

namespace tandem::session {

// The tables of the session store and the steps from each earlier version to the current one,
// kept in SQLite's user_version. Version 1 held sessions, their messages and the store's
// state; version 2 adds the full-text index that search uses. A store from a newer Tandem is
// refused untouched.
class SessionSchema
{
public:
    static constexpr int kVersion = 2;

    // Brings the store at `path` (open in `database`) to kVersion, one transaction per step.
    static base::Status migrate(QSqlDatabase &database, const QString &path);

    // The tables as version 1 made them; tests build old stores with it.
    static base::Status createVersion1(QSqlDatabase &database, const QString &path);

private:
    static base::Status addSearchIndex(QSqlDatabase &database, const QString &path);
    static base::Result<int> version(QSqlDatabase &database, const QString &path);
};

} // namespace tandem::session
