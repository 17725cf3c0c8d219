#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QTimer>

class QWebEnginePage;

namespace tandem::ui {

// Keeps a preview page from taking the machine with it. It asks the page's renderer a trivial
// question every few hundred milliseconds, in a world of its own that the page's scripts
// cannot see; a renderer that has not answered within the hang limit is running a script that
// never yields, and is killed. So is one whose memory passes the cap. The renderer is a process
// of its own (the preview has its own profile), so killing it leaves the window untouched.
class PreviewWatchdog : public QObject
{
    Q_OBJECT

public:
    enum class Reason { Hung, OutOfMemory };
    Q_ENUM(Reason)

    struct Limits
    {
        int hangMs = 3000;
        qint64 memoryBytes = qint64(1) << 30;
    };

    explicit PreviewWatchdog(QObject *parent = nullptr);

    // TANDEM_PREVIEW_HANG_MS and TANDEM_PREVIEW_MEMORY_MB override the defaults.
    static Limits limitsFromEnvironment();

    void setLimits(const Limits &limits) { m_limits = limits; }
    Limits limits() const { return m_limits; }

    // Watches `page` from now on, until stop() or another watch().
    void watch(QWebEnginePage *page);
    void stop();

    // The renderer's resident memory, read from /proc; 0 when it cannot be read.
    static qint64 residentBytes(qint64 pid);

signals:
    void stopped(tandem::ui::PreviewWatchdog::Reason reason);

private:
    void check();
    void ping();
    void capMemory(qint64 pid);
    void killRenderer(Reason reason);

    Limits m_limits;
    QPointer<QWebEnginePage> m_page;
    QTimer m_tick;
    QElapsedTimer m_unanswered; // valid while a ping waits for its answer
    quint64 m_pingId = 0;
    qint64 m_pid = 0; // the renderer the pending ping went to
    int m_ticks = 0;
};

} // namespace tandem::ui
