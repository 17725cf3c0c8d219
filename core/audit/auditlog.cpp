#include "audit/auditlog.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QMutexLocker>

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

QByteArray lastLineOf(QFile &file)
{
    QByteArray last;
    while (!file.atEnd()) {
        const QByteArray line = file.readLine().trimmed();
        if (!line.isEmpty())
            last = line;
    }
    return last;
}

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

    const json lastEntry = json::parse(last.toStdString(), nullptr, false);
    m_sequence = lastEntry.is_object() ? lastEntry.value("seq", 0LL) : 0;
    return {};
}

base::Status AuditLog::record(const std::string &kind, json fields)
{
    QMutexLocker lock(&m_mutex);
    if (m_lastHash.isEmpty())
        return base::fail("audit_closed", QStringLiteral("The audit log is not open."));

    json entry = {
        {"seq", ++m_sequence},
        {"time", QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs).toStdString()},
        {"kind", kind},
        {"prev", m_lastHash.toStdString()}};
    for (auto &[key, value] : fields.items())
        entry[key] = std::move(value);

    // Invalid UTF-8 from a tool's output must not make the line unwritable.
    const QByteArray line =
        QByteArray::fromStdString(entry.dump(-1, ' ', false, json::error_handler_t::replace));

    QFile file(m_path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Append)
        || file.write(line + '\n') != line.size() + 1) {
        qCWarning(lcAudit, "cannot append to %s", qPrintable(m_path));
        return base::fail("audit_unwritable",
                          QStringLiteral("Cannot append to the audit log %1.").arg(m_path));
    }
    m_lastHash = hashLine(line);
    return {};
}

base::Status AuditLog::verify(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return base::fail("audit_unreadable", QStringLiteral("Cannot read %1.").arg(path));

    QByteArray expected = kGenesis;
    int lineNumber = 0;
    while (!file.atEnd()) {
        const QByteArray line = file.readLine().trimmed();
        ++lineNumber;
        if (line.isEmpty())
            continue;

        const json entry = json::parse(line.toStdString(), nullptr, false);
        if (!entry.is_object() || entry.value("prev", "") != expected.toStdString()) {
            return base::fail("audit_broken",
                              QStringLiteral("%1: line %2 does not follow the line before it.")
                                  .arg(path)
                                  .arg(lineNumber));
        }
        expected = hashLine(line);
    }
    return {};
}

} // namespace tandem::audit
