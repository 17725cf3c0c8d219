#include "sandbox/tarreader.h"

#include <cstring>
#include <optional>

namespace tandem::sandbox {

namespace {

constexpr qint64 kBlock = 512;

// Names and links that the next header overrides: from a pax record or a GNU long-name entry.
struct Overrides
{
    std::optional<QByteArray> name;
    std::optional<QByteArray> link;
    std::optional<qint64> size;
};

QByteArray field(const char *header, int offset, int width)
{
    const char *start = header + offset;
    const void *end = std::memchr(start, '\0', width);
    return QByteArray(start, end ? static_cast<const char *>(end) - start : width);
}

std::optional<qint64> number(const char *header, int offset, int width)
{
    const auto *bytes = reinterpret_cast<const unsigned char *>(header + offset);
    // Base-256, GNU's form for values that octal cannot hold.
    if (bytes[0] & 0x80) {
        qint64 value = bytes[0] & 0x7f;
        for (int i = 1; i < width; ++i)
            value = (value << 8) | bytes[i];
        return value;
    }
    bool ok = false;
    const QByteArray text = field(header, offset, width).trimmed();
    const qint64 value = text.isEmpty() ? 0 : text.toLongLong(&ok, 8);
    if (!text.isEmpty() && !ok)
        return std::nullopt;
    return value;
}

bool checksumMatches(const char *header)
{
    const auto stored = number(header, 148, 8);
    unsigned sum = 0;
    for (int i = 0; i < kBlock; ++i)
        sum += (i >= 148 && i < 156) ? ' ' : static_cast<unsigned char>(header[i]);
    return stored && *stored == sum;
}

void readPax(const QByteArray &records, Overrides &overrides)
{
    qint64 at = 0;
    while (at < records.size()) {
        const qint64 space = records.indexOf(' ', at);
        if (space < 0)
            return;
        const qint64 length = records.mid(at, space - at).toLongLong();
        if (length <= 0 || at + length > records.size())
            return;
        const QByteArray record = records.mid(space + 1, length - (space - at) - 2);
        const qint64 equals = record.indexOf('=');
        const QByteArray key = record.left(equals);
        const QByteArray value = record.mid(equals + 1);
        if (key == "path")
            overrides.name = value;
        else if (key == "linkpath")
            overrides.link = value;
        else if (key == "size")
            overrides.size = value.toLongLong();
        at += length;
    }
}

TarEntry::Type typeOf(char flag)
{
    switch (flag) {
    case '0':
    case '\0':
    case '7':
        return TarEntry::Type::File;
    case '1':
        return TarEntry::Type::HardLink;
    case '2':
        return TarEntry::Type::Symlink;
    case '3':
    case '4':
        return TarEntry::Type::Device;
    case '5':
        return TarEntry::Type::Directory;
    case '6':
        return TarEntry::Type::Fifo;
    default:
        return TarEntry::Type::Other;
    }
}

base::Error malformed(const QString &why)
{
    return base::Error::make("tar_malformed",
                             QStringLiteral("The container sent a damaged archive (%1).").arg(why));
}

} // namespace

base::Result<QList<TarEntry>> TarReader::read(const QByteArray &archive)
{
    QList<TarEntry> entries;
    Overrides overrides;
    qint64 at = 0;
    while (at + kBlock <= archive.size()) {
        const char *header = archive.constData() + at;
        if (header[0] == '\0')
            break; // the end-of-archive blocks
        if (!checksumMatches(header))
            return std::unexpected(malformed(QStringLiteral("bad header checksum")));

        const auto headerSize = number(header, 124, 12);
        const qint64 size = overrides.size.value_or(headerSize.value_or(-1));
        if (size < 0 || size > archive.size() - at - kBlock)
            return std::unexpected(malformed(QStringLiteral("an entry runs past the end")));
        const QByteArray data = archive.mid(at + kBlock, size);
        at += kBlock + (size + kBlock - 1) / kBlock * kBlock;

        const char flag = header[156];
        if (flag == 'x') {
            readPax(data, overrides);
            continue;
        }
        if (flag == 'g')
            continue;
        if (flag == 'L' || flag == 'K') {
            (flag == 'L' ? overrides.name : overrides.link) =
                field(data.constData(), 0, data.size());
            continue;
        }

        QByteArray name = field(header, 0, 100);
        const QByteArray prefix = field(header, 345, 155);
        if (!prefix.isEmpty() && std::memcmp(header + 257, "ustar", 5) == 0)
            name = prefix + '/' + name;

        TarEntry entry;
        entry.type = typeOf(flag);
        entry.name = QString::fromUtf8(overrides.name.value_or(name));
        entry.linkTarget = QString::fromUtf8(overrides.link.value_or(field(header, 157, 100)));
        entry.mode = int(number(header, 100, 8).value_or(0644));
        entry.mtime = number(header, 136, 12).value_or(0);
        if (entry.type == TarEntry::Type::File)
            entry.content = data;
        entries.append(std::move(entry));
        overrides = {};
    }
    return entries;
}

} // namespace tandem::sandbox
