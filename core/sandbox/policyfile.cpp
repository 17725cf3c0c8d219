#include "sandbox/policyfile.h"

namespace tandem::sandbox {

QString PolicyFile::where(const QString &keyPath) const
{
    const int line = keyLines.lineOf(keyPath);
    if (line == 0)
        return path;
    return path + u':' + QString::number(line);
}

} // namespace tandem::sandbox
