#pragma once

#include "base/error.h"

#include <QString>

namespace tandem::app {

// The bundled demo project (a small Python invoicing library with one bug its tests expose),
// made into a git repository under Tandem's data folder the first time it is needed, so the
// window has something real to work on before the user points it at their own repository.
class DemoRepository
{
public:
    static base::Result<QString> ensure(const QString &dataDirectory);
};

} // namespace tandem::app
