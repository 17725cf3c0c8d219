#include "session/storeerror.h"

namespace tandem::session {

namespace {

// SQLite's primary result codes, as the driver reports them in nativeErrorCode().
constexpr int sqliteBusy = 5;
constexpr int sqliteLocked = 6;
constexpr int sqliteCorrupt = 11;
constexpr int sqliteNotADatabase = 26;

} // namespace

base::Error storeError(const QString &path, const QString &doing, const QSqlError &error)
{
    // Extended codes carry the primary code in their low byte.
    const int code = error.nativeErrorCode().toInt() & 0xff;
    const QString detail = error.text().trimmed();

    if (code == sqliteBusy || code == sqliteLocked) {
        return base::Error::make(
            QStringLiteral("session_store_locked"),
            QStringLiteral("Could not %1: another program holds a lock on the session store %2 "
                           "(%3). Close the other program or Tandem window using it; nothing "
                           "saved so far is lost.")
                .arg(doing, path, detail));
    }
    if (code == sqliteCorrupt || code == sqliteNotADatabase) {
        return base::Error::make(
            QStringLiteral("session_store_damaged"),
            QStringLiteral("Could not %1: the session store %2 is damaged (%3). Tandem left the "
                           "file as it is; move it away to start a new store, or recover it "
                           "with sqlite3's .recover command.")
                .arg(doing, path, detail));
    }
    return base::Error::make(
        QStringLiteral("session_store_failed"),
        QStringLiteral("Could not %1 in the session store %2: %3.").arg(doing, path, detail));
}

} // namespace tandem::session
