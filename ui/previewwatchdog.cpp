#include "ui/previewwatchdog.h"

#include "ui/logging.h"

#include <QFile>
#include <QWebEnginePage>
#include <QWebEngineScript>

#include <sys/resource.h>

#include <cerrno>
#include <csignal>
#include <cstring>

namespace tandem::ui {

namespace {

constexpr int tickMs = 100;
constexpr int pingEveryTicks = 2;

int environmentNumber(const char *name, int fallback)
{
    bool ok = false;
    const int value = qEnvironmentVariableIntValue(name, &ok);
    return ok && value > 0 ? value : fallback;
}

} // namespace

PreviewWatchdog::PreviewWatchdog(QObject *parent)
    : QObject(parent)
    , m_limits(limitsFromEnvironment())
{
    m_tick.setInterval(tickMs);
    connect(&m_tick, &QTimer::timeout, this, &PreviewWatchdog::check);
}

PreviewWatchdog::Limits PreviewWatchdog::limitsFromEnvironment()
{
    Limits limits;
    limits.hangMs = environmentNumber("TANDEM_PREVIEW_HANG_MS", limits.hangMs);
    limits.memoryBytes = qint64(environmentNumber("TANDEM_PREVIEW_MEMORY_MB", 1024)) << 20;
    return limits;
}

void PreviewWatchdog::watch(QWebEnginePage *page)
{
    m_page = page;
    m_unanswered.invalidate();
    ++m_pingId;
    m_tick.start();
}

void PreviewWatchdog::stop()
{
    m_tick.stop();
    m_unanswered.invalidate();
    ++m_pingId;
    m_page = nullptr;
}

qint64 PreviewWatchdog::residentBytes(qint64 pid)
{
    QFile status(QStringLiteral("/proc/%1/status").arg(pid));
    if (pid <= 0 || !status.open(QIODevice::ReadOnly))
        return 0;

    for (QByteArray line = status.readLine(); !line.isEmpty(); line = status.readLine()) {
        if (!line.startsWith("VmRSS:"))
            continue;
        const QList<QByteArray> fields = line.simplified().split(' ');
        return fields.size() >= 2 ? fields.at(1).toLongLong() * 1024 : 0;
    }
    return 0;
}

void PreviewWatchdog::check()
{
    if (!m_page) {
        stop();
        return;
    }

    // A new renderer (after a navigation) never gets the old one's question.
    const qint64 pid = m_page->renderProcessPid();
    if (pid != m_pid) {
        m_pid = pid;
        m_unanswered.invalidate();
        ++m_pingId;
        capMemory(pid);
    }

    if (residentBytes(pid) > m_limits.memoryBytes) {
        killRenderer(Reason::OutOfMemory);
        return;
    }

    if (m_unanswered.isValid() && m_unanswered.elapsed() > m_limits.hangMs) {
        killRenderer(Reason::Hung);
        return;
    }

    if (!m_unanswered.isValid() && ++m_ticks % pingEveryTicks == 0)
        ping();
}

// The answer comes back only when the renderer's main thread is free to run the question.
void PreviewWatchdog::ping()
{
    if (m_page->renderProcessPid() <= 0)
        return;

    const quint64 id = ++m_pingId;
    m_unanswered.start();
    QPointer<PreviewWatchdog> self(this);
    m_page->runJavaScript(QStringLiteral("0"), QWebEngineScript::ApplicationWorld,
                          [self, id](const QVariant &) {
                              if (self && self->m_pingId == id)
                                  self->m_unanswered.invalidate();
                          });
}

// The kernel's limit on the renderer's writable private memory makes an allocation past the cap
// fail at once, between two looks at its size; what is written past it is never committed.
void PreviewWatchdog::capMemory(qint64 pid)
{
    if (pid <= 0)
        return;

    const rlimit limit{rlim_t(m_limits.memoryBytes), rlim_t(m_limits.memoryBytes)};
    if (::prlimit(pid_t(pid), RLIMIT_DATA, &limit, nullptr) != 0)
        qCWarning(lcUi) << "could not cap the preview's memory:" << strerror(errno);
}

void PreviewWatchdog::killRenderer(Reason reason)
{
    const qint64 pid = m_page->renderProcessPid();
    stop();
    if (pid <= 0)
        return;

    qCWarning(lcUi) << "stopping the preview's renderer" << pid << reason;
    ::kill(pid_t(pid), SIGKILL);
    emit stopped(reason);
}

} // namespace tandem::ui
