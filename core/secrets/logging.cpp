#include <QLoggingCategory>

namespace tandem::secrets {

// Where a key came from and why the keyring could not help; never a key itself.
Q_LOGGING_CATEGORY(lcSecrets, "tandem.secrets", QtWarningMsg)

} // namespace tandem::secrets
