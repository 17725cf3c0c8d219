#include "sandbox/tarwriter.h"

#include <cstring>

namespace tandem::sandbox {

namespace {

constexpr int kBlock = 512;
constexpr int kNameField = 100;

void putOctal(char *field, int width, qint64 value)
{
    // width - 1 digits and a terminating NUL, as every tar reader accepts.
    const QByteArray digits = QByteArray::number(value, 8).rightJustified(width - 1, '0');
    std::memcpy(field, digits.constData(), width - 1);
    field[width - 1] = '\0';
}

// One pax record: "<length> <key>=<value>\n", where the length counts itself.
QByteArray paxRecord(const QByteArray &key, const QByteArray &value)
{
    const QByteArray body = ' ' + key + '=' + value + '\n';
    qint64 length = body.size() + 1;
    while (QByteArray::number(length).size() + body.size() != length)
        ++length;
    return QByteArray::number(length) + body;
}

} // namespace

void TarWriter::addDirectory(const QString &name, int mode, Owner owner, qint64 mtime)
{
    const QString withSlash = name.endsWith(QLatin1Char('/')) ? name : name + QLatin1Char('/');
    addEntry('5', withSlash, {}, {}, mode, owner, mtime);
}

void TarWriter::addFile(const QString &name, const QByteArray &content, int mode, Owner owner,
                        qint64 mtime)
{
    addEntry('0', name, {}, content, mode, owner, mtime);
}

void TarWriter::addSymlink(const QString &name, const QString &target, Owner owner, qint64 mtime)
{
    addEntry('2', name, target, {}, 0777, owner, mtime);
}

QByteArray TarWriter::finish()
{
    m_data.append(QByteArray(2 * kBlock, '\0'));
    return std::exchange(m_data, QByteArray());
}

void TarWriter::addEntry(char type, const QString &name, const QString &link,
                         const QByteArray &content, int mode, Owner owner, qint64 mtime)
{
    const QByteArray encodedName = name.toUtf8();
    const QByteArray encodedLink = link.toUtf8();
    if (encodedName.size() >= kNameField || encodedLink.size() >= kNameField)
        addPaxRecords(encodedName, encodedLink);
    addHeader(type, encodedName, encodedLink, content.size(), mode, owner, mtime);
    addPadded(content);
}

void TarWriter::addPaxRecords(const QByteArray &name, const QByteArray &link)
{
    QByteArray records = paxRecord("path", name);
    if (!link.isEmpty())
        records += paxRecord("linkpath", link);
    addHeader('x', "././@PaxHeader", {}, records.size(), 0644, {}, 0);
    addPadded(records);
}

void TarWriter::addHeader(char type, const QByteArray &name, const QByteArray &link, qint64 size,
                          int mode, Owner owner, qint64 mtime)
{
    char header[kBlock] = {};
    // A long name travels in the pax record before; the header keeps what fits.
    std::memcpy(header, name.constData(), std::min<qsizetype>(name.size(), kNameField - 1));
    putOctal(header + 100, 8, mode & 07777);
    putOctal(header + 108, 8, owner.uid);
    putOctal(header + 116, 8, owner.gid);
    putOctal(header + 124, 12, size);
    putOctal(header + 136, 12, mtime);
    header[156] = type;
    std::memcpy(header + 157, link.constData(), std::min<qsizetype>(link.size(), kNameField - 1));
    std::memcpy(header + 257,
                "ustar\0"
                "00",
                8);

    // The checksum is computed with its own field taken as eight spaces.
    std::memset(header + 148, ' ', 8);
    unsigned sum = 0;
    for (unsigned char byte : header)
        sum += byte;
    putOctal(header + 148, 7, sum);
    header[155] = ' ';
    m_data.append(header, kBlock);
}

void TarWriter::addPadded(const QByteArray &content)
{
    m_data.append(content);
    const qint64 rest = content.size() % kBlock;
    if (rest != 0)
        m_data.append(QByteArray(kBlock - rest, '\0'));
}

} // namespace tandem::sandbox
