#pragma once

#include "base/error.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace tandem::sandbox {

// One member of a tar archive, its name and link target as the archive gives them: nothing
// here is checked or trusted yet.
struct TarEntry
{
    enum class Type { File, Directory, Symlink, HardLink, Device, Fifo, Other };

    Type type = Type::Other;
    QString name;
    QString linkTarget;
    int mode = 0;
    qint64 mtime = 0;
    QByteArray content;
};

// Reads a tar archive as the container engine's archive endpoint writes it: ustar and GNU
// headers, pax extended records and GNU long names. Malformed archives fail; they never make
// the reader read past the data it was given.
class TarReader
{
public:
    static base::Result<QList<TarEntry>> read(const QByteArray &archive);
};

} // namespace tandem::sandbox
