#include "xvfbserver.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QThread>

namespace tandem::computertesting {

namespace {

void stopProcess(QProcess *process)
{
    if (!process || process->state() == QProcess::NotRunning)
        return;
    process->kill(); // SIGKILL to this process's own pid
    process->waitForFinished(5000);
}

} // namespace

XvfbServer::~XvfbServer()
{
    stopProcess(m_process.get());
}

bool XvfbServer::start(QSize size, QString *error, const QStringList &extraArguments)
{
    m_process = std::make_unique<QProcess>();
    // -displayfd 1: Xvfb takes the first free number and writes it to stdout once it is ready.
    const QStringList arguments =
        QStringList{QStringLiteral("-displayfd"),
                    QStringLiteral("1"),
                    QStringLiteral("-screen"),
                    QStringLiteral("0"),
                    QStringLiteral("%1x%2x24").arg(size.width()).arg(size.height()),
                    QStringLiteral("-nolisten"),
                    QStringLiteral("tcp"),
                    QStringLiteral("-noreset")}
        + extraArguments;
    m_process->start(QStringLiteral("Xvfb"), arguments);
    QByteArray number;
    QDeadlineTimer deadline(15000);
    while (!number.contains('\n') && !deadline.hasExpired()
           && m_process->state() != QProcess::NotRunning) {
        m_process->waitForReadyRead(100);
        number += m_process->readAllStandardOutput();
    }
    if (!number.contains('\n')) {
        *error = QStringLiteral("Xvfb did not start: ")
                 + QString::fromLocal8Bit(m_process->readAllStandardError());
        return false;
    }
    m_display = QStringLiteral(":") + QString::fromLatin1(number.trimmed());
    return true;
}

QString XvfbServer::runClient(const QString &program, const QStringList &arguments) const
{
    QProcess client;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("DISPLAY"), m_display);
    client.setProcessEnvironment(environment);
    client.start(program, arguments);
    if (!client.waitForFinished(15000) || client.exitStatus() != QProcess::NormalExit
        || client.exitCode() != 0) {
        qWarning("%s failed: %s", qPrintable(program), client.readAllStandardError().constData());
        stopProcess(&client);
        return {};
    }
    // Empty but not null: the client ran and printed nothing.
    return QString::fromLocal8Bit(client.readAllStandardOutput()).append(QStringLiteral(""));
}

ProbeWindow::ProbeWindow(const QString &workDir, const QString &name)
    : m_logPath(workDir + QStringLiteral("/") + name + QStringLiteral(".log"))
    , m_textPath(workDir + QStringLiteral("/") + name + QStringLiteral(".txt"))
{}

ProbeWindow::~ProbeWindow()
{
    stopProcess(m_process.get());
}

bool ProbeWindow::start(const XvfbServer &server, QRect geometry, QRect square, QString *error)
{
    m_process = std::make_unique<QProcess>();
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("DISPLAY"), server.display());
    environment.insert(QStringLiteral("LC_ALL"), QStringLiteral("C.UTF-8"));
    m_process->setProcessEnvironment(environment);
    m_process->setProcessChannelMode(QProcess::ForwardedErrorChannel);

    QStringList arguments = {QStringLiteral("--log"),
                             m_logPath,
                             QStringLiteral("--text"),
                             m_textPath,
                             QStringLiteral("--geometry"),
                             QStringLiteral("%1x%2+%3+%4")
                                 .arg(geometry.width())
                                 .arg(geometry.height())
                                 .arg(geometry.x())
                                 .arg(geometry.y())};
    if (!square.isEmpty())
        arguments << QStringLiteral("--square")
                  << QStringLiteral("%1,%2,%3").arg(square.x()).arg(square.y()).arg(square.width());
    m_process->start(QStringLiteral(TANDEM_BINARY_DIR "/tests/probewindow"), arguments);

    QDeadlineTimer deadline(10000);
    while (!deadline.hasExpired() && m_process->state() != QProcess::NotRunning) {
        if (logLines().contains(QStringLiteral("ready"))) {
            QThread::msleep(50); // its first paint
            return true;
        }
        QThread::msleep(20);
    }
    *error = QStringLiteral("the probe window did not come up");
    return false;
}

qint64 ProbeWindow::pid() const
{
    return m_process ? m_process->processId() : 0;
}

QStringList ProbeWindow::logLines() const
{
    QFile file(m_logPath);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(file.readAll()).split(u'\n', Qt::SkipEmptyParts);
}

QStringList ProbeWindow::clicks() const
{
    QStringList clicks;
    for (const QString &line : logLines()) {
        if (line.startsWith(QStringLiteral("click ")))
            clicks << line.mid(6);
    }
    return clicks;
}

QString ProbeWindow::text() const
{
    QFile file(m_textPath);
    return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
}

QString ProbeWindow::waitForText(const QString &expected, int timeoutMs) const
{
    QDeadlineTimer deadline(timeoutMs);
    QString seen = text();
    while (seen != expected && !deadline.hasExpired()) {
        QThread::msleep(20);
        seen = text();
    }
    return seen;
}

QStringList ProbeWindow::waitForClicks(int count, int timeoutMs) const
{
    QDeadlineTimer deadline(timeoutMs);
    QStringList seen = clicks();
    while (seen.size() < count && !deadline.hasExpired()) {
        QThread::msleep(20);
        seen = clicks();
    }
    return seen;
}

} // namespace tandem::computertesting
