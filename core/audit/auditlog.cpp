#include "audit/auditlog.h"

#include "audit/auditlogreader.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QMutexLocker>

#include <algorithm>
#include <cerrno>
#include <sys/file.h>

namespace tandem::audit {

Q_LOGGING_CATEGORY(lcAudit, "tandem.audit", QtWarningMsg)

using nlohmann::json;

namespace {

// The chain starts from a fixed value so that an empty file and a truncated one differ.
const QByteArray kGenesis = QByteArray(64, '0');

QByteArray hashLine(const QByteArray &line)
{
    return QCryptographicHash::hash(line, QCryptographicHash::Sha256).toHex();
}

// The file's last non-empty line, read backwards from its end in chunks: a long log costs
// what its last line costs.
QByteArray lastLineOf(QFile &file)
{
    constexpr qint64 kChunk = 64 * 1024;
    QByteArray tail;
    qint64 position = file.size();
    while (position > 0) {
        const qint64 start = std::max<qint64>(0, position - kChunk);
        file.seek(start);
        tail.prepend(file.read(position - start));
        position = start;

        const QByteArray trimmed = tail.trimmed();
        const qsizetype newline = trimmed.lastIndexOf('\n');
        if (newline >= 0)
            return trimmed.mid(newline + 1).trimmed();
    }
    return tail.trimmed();
}

// The "seq" of an entry; 0 for a line that is not one (the chain then counts on from there).
long long sequenceOf(const QByteArray &line)
{
    const json entry = json::parse(line.toStdString(), nullptr, false);
    if (!entry.is_object() || !entry.contains("seq") || !entry["seq"].is_number_integer())
        return 0;
    return entry["seq"].get<long long>();
}

// A write cut short (a crash, a full disk) leaves the last line without its newline; the next
// entry must start a line of its own, not continue the broken one.
bool endsMidLine(QFile &file)
{
    if (file.size() == 0)
        return false;
    file.seek(file.size() - 1);
    return file.read(1) != "\n";
}

// Holds an exclusive lock on an open file for its lifetime: other Tandem processes writing
// the same log (the window and a `tandem run`, say) wait their turn, so the chain stays whole.
class FileLock
{
public:
    explicit FileLock(int fd)
        : m_fd(fd)
    {
        while (::flock(m_fd, LOCK_EX) != 0 && errno == EINTR) {
        }
    }
    ~FileLock() { ::flock(m_fd, LOCK_UN); }
    FileLock(const FileLock &) = delete;
    FileLock &operator=(const FileLock &) = delete;

private:
    int m_fd;
};

} // namespace

AuditLog::AuditLog(QString path)
    : m_path(std::move(path))
{}

base::Status AuditLog::open()
{
    QMutexLocker lock(&m_mutex);
    QDir().mkpath(QFileInfo(m_path).absolutePath());

    QFile file(m_path);
    if (!file.open(QIODevice::ReadWrite | QIODevice::Append)) {
        return base::fail(
            "audit_unwritable",
            QStringLiteral("Cannot write the audit log %1: %2").arg(m_path, file.errorString()));
    }
    file.seek(0);
    const QByteArray last = lastLineOf(file);
    m_lastHash = last.isEmpty() ? kGenesis : hashLine(last);

    m_sequence = sequenceOf(last);
    return {};
}

base::Status AuditLog::record(const std::string &kind, json fields)
{
    std::vector<json> entries;
    entries.push_back(std::move(fields));
    return recordBatch(kind, std::move(entries));
}

base::Status AuditLog::recordBatch(const std::string &kind, std::vector<json> entries)
{
    QMutexLocker lock(&m_mutex);
    if (m_lastHash.isEmpty())
        return base::fail("audit_closed", QStringLiteral("The audit log is not open."));
    if (entries.empty())
        return {};

    QFile file(m_path);
    if (!file.open(QIODevice::ReadWrite | QIODevice::Append)) {
        qCWarning(lcAudit, "cannot append to %s", qPrintable(m_path));
        return base::fail("audit_unwritable",
                          QStringLiteral("Cannot append to the audit log %1.").arg(m_path));
    }

    // Another process may have written since we last did: the chain continues from the line
    // that is last now, read under the lock.
    const FileLock fileLock(file.handle());
    QByteArray last = lastLineOf(file);
    QByteArray lines = endsMidLine(file) ? QByteArray("\n") : QByteArray();
    long long sequence = sequenceOf(last);

    for (json &fields : entries) {
        json entry = {
            {"seq", ++sequence},
            {"time", QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs).toStdString()},
            {"kind", kind},
            {"prev", (last.isEmpty() ? kGenesis : hashLine(last)).toStdString()}};
        for (auto &[key, value] : fields.items())
            entry[key] = std::move(value);
        // Invalid UTF-8 from a tool's output must not make the line unwritable.
        last =
            QByteArray::fromStdString(entry.dump(-1, ' ', false, json::error_handler_t::replace));
        lines += last + '\n';
    }

    if (file.write(lines) != lines.size() || !file.flush()) {
        qCWarning(lcAudit, "cannot append to %s", qPrintable(m_path));
        return base::fail("audit_unwritable",
                          QStringLiteral("Cannot append to the audit log %1.").arg(m_path));
    }
    m_lastHash = hashLine(last);
    m_sequence = sequence;
    return {};
}

base::Status AuditLog::verify(const QString &path)
{
    const ChainStatus status = AuditLogReader::verify(path);
    if (status.state == ChainStatus::State::Unreadable)
        return base::fail("audit_unreadable", status.reason);
    if (!status.holds())
        return base::fail("audit_broken", QStringLiteral("%1: %2").arg(path, status.reason));
    return {};
}

} // namespace tandem::audit
