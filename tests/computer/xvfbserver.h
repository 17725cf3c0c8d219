#pragma once

#include <QProcess>
#include <QRect>
#include <QSize>
#include <QString>
#include <QStringList>

#include <memory>

namespace tandem::computertesting {

// A private Xvfb for one test: it picks a free display number itself (-displayfd) and is
// ended by its pid when the object goes.
class XvfbServer
{
public:
    XvfbServer() = default;
    ~XvfbServer();

    // `extraArguments` go to Xvfb as they are, e.g. {"-extension", "XTEST"} to leave it out.
    bool start(QSize size, QString *error, const QStringList &extraArguments = {});
    QString display() const { return m_display; }

    // Runs an X client (setxkbmap, xrandr) on this display; returns its stdout, or a null
    // string if it failed.
    QString runClient(const QString &program, const QStringList &arguments) const;

private:
    std::unique_ptr<QProcess> m_process;
    QString m_display;
};

// The probe window (tests/computer/probewindow.cpp) on a display, and what it recorded.
class ProbeWindow
{
public:
    ProbeWindow(const QString &workDir, const QString &name);
    ~ProbeWindow();

    // `square` is relative to the window; an empty rect draws none.
    bool start(const XvfbServer &server, QRect geometry, QRect square, QString *error);
    qint64 pid() const;

    QStringList clicks() const; // "button x y state"
    QString text() const;
    // Polls until the text equals `expected` or `timeoutMs` pass; returns the last text seen.
    QString waitForText(const QString &expected, int timeoutMs = 3000) const;
    QStringList waitForClicks(int count, int timeoutMs = 3000) const;

private:
    QStringList logLines() const;

    std::unique_ptr<QProcess> m_process;
    QString m_logPath;
    QString m_textPath;
};

} // namespace tandem::computertesting
