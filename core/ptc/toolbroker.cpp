#include "ptc/toolbroker.h"

#include <QDir>
#include <QFile>
#include <QUuid>

#include <sys/stat.h>

namespace tandem::ptc {

ToolBroker::ToolBroker(const tools::ToolRegistry &registry, audit::AuditLog *audit)
    : m_registry(registry)
    , m_audit(audit)
    , m_folder(QDir::temp().filePath(QStringLiteral("tandem-tools-XXXXXX")))
{
    // The sandbox's user reads the scripts and connects to the sockets in here.
    if (m_folder.isValid())
        ::chmod(QFile::encodeName(m_folder.path()).constData(), 0755);
}

base::Status ToolBroker::check() const
{
    if (!m_folder.isValid())
        return base::fail("ptc_channel",
                          QStringLiteral("Cannot make the tool channel's folder in %1: %2")
                              .arg(QDir::tempPath(), m_folder.errorString()));
    return {};
}

sandbox::ChannelFolder ToolBroker::channel() const
{
    return {m_folder.path(), QString::fromLatin1(kInside)};
}

base::Result<std::unique_ptr<BrokerRun>> ToolBroker::openRun(RunBudget budget)
{
    if (auto ready = check(); !ready)
        return std::unexpected(ready.error());

    const int number = m_nextRun++;
    const QString folder = QDir(m_folder.path()).filePath(QStringLiteral("run-%1").arg(number));
    if (!QDir().mkpath(folder))
        return base::fail("ptc_channel", QStringLiteral("Cannot make %1.").arg(folder));
    ::chmod(QFile::encodeName(folder).constData(), 0755);

    // The run's id links its audit lines to the script's own.
    const std::string id = QUuid::createUuid().toString(QUuid::WithoutBraces).left(8).toStdString()
                           + "-" + std::to_string(number);
    auto run = std::make_unique<BrokerRun>(
        m_registry, m_audit, id, QDir(folder).filePath(QStringLiteral("tools.sock")), budget);
    if (auto opened = run->open(); !opened)
        return std::unexpected(opened.error());
    return run;
}

QString ToolBroker::runFolder(const BrokerRun &run) const
{
    return QFileInfo(run.socketPath()).path();
}

QString ToolBroker::inside(const QString &hostPath) const
{
    const QString relative = QDir(m_folder.path()).relativeFilePath(hostPath);
    return QString::fromLatin1(kInside) + QLatin1Char('/') + relative;
}

} // namespace tandem::ptc
