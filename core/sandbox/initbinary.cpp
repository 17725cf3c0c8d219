#include "sandbox/initbinary.h"

#include <QCoreApplication>
#include <QFileInfo>

namespace tandem::sandbox {

base::Result<QString> InitBinary::find()
{
    const QString fromEnvironment = qEnvironmentVariable("TANDEM_SANDBOX_INIT");
    if (!fromEnvironment.isEmpty())
        return QFileInfo(fromEnvironment).absoluteFilePath();

    const QString dir = QCoreApplication::applicationDirPath();
    for (const QString &candidate : {dir + QStringLiteral("/tandem-sandbox-init"),
                                     dir + QStringLiteral("/../bin/tandem-sandbox-init"),
                                     dir + QStringLiteral("/../libexec/tandem/tandem-sandbox-init"),
                                     dir + QStringLiteral("/../lib/tandem/tandem-sandbox-init")}) {
        if (QFileInfo(candidate).isExecutable())
            return QFileInfo(candidate).canonicalFilePath();
    }
    return base::fail("sandbox_init_missing",
                      QStringLiteral("tandem-sandbox-init is missing beside tandem: reinstall "
                                     "Tandem, or set TANDEM_SANDBOX_INIT."));
}

} // namespace tandem::sandbox
