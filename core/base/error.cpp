#include "base/error.h"

namespace tandem::base {

Error Error::make(QString code, QString message)
{
    return Error{std::move(code), std::move(message)};
}

} // namespace tandem::base
