#include "datadirectory.h"

#include <QStandardPaths>

namespace tandem::app {

QString dataDirectory()
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation)
           + QStringLiteral("/tandem");
}

} // namespace tandem::app
