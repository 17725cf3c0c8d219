#pragma once

#include <QByteArray>
#include <QString>

namespace tandem::sandbox {

// Writes a POSIX tar archive (ustar, with pax records for names longer than ustar allows) in
// memory: what the container engine's archive endpoint takes to put files into a container.
class TarWriter
{
public:
    struct Owner
    {
        int uid = 0;
        int gid = 0;
    };

    void addDirectory(const QString &name, int mode, Owner owner, qint64 mtime);
    void addFile(const QString &name, const QByteArray &content, int mode, Owner owner,
                 qint64 mtime);
    void addSymlink(const QString &name, const QString &target, Owner owner, qint64 mtime);

    // The archive, closed with its two empty blocks. The writer is empty again afterwards.
    QByteArray finish();

private:
    void addEntry(char type, const QString &name, const QString &link, const QByteArray &content,
                  int mode, Owner owner, qint64 mtime);
    void addPaxRecords(const QByteArray &name, const QByteArray &link);
    void addHeader(char type, const QByteArray &name, const QByteArray &link, qint64 size, int mode,
                   Owner owner, qint64 mtime);
    void addPadded(const QByteArray &content);

    QByteArray m_data;
};

} // namespace tandem::sandbox
