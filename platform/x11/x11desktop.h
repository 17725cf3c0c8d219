#pragma once

#include "computer/desktop.h"

#include <QMutex>

#include <memory>
#include <set>

namespace tandem::x11 {

class X11Connection;
class X11Keyboard;
class X11MonitorList;
class X11ScreenCapture;
class X11WindowList;

// computer::Desktop on an X server: XShm capture, XTEST input, RandR monitors. Thread-safe:
// one mutex guards the connection.
//
//     auto desktop = X11Desktop::open(QString()); // $DISPLAY
//     if (!desktop) report(desktop.error().message);
class X11Desktop : public computer::Desktop
{
public:
    static base::Result<std::unique_ptr<X11Desktop>> open(const QString &displayName);
    ~X11Desktop() override;

    QRect screenBounds() const override;
    std::vector<computer::Monitor> monitors() override;
    std::vector<computer::WindowInfo> windows() override;
    std::optional<quint64> focusedWindow() override;
    base::Result<cv::Mat> capture(const QRect &area) override;
    base::Result<QPoint> pointer() override;
    base::Status movePointer(QPoint to) override;
    base::Status setButton(computer::MouseButton button, bool down) override;
    base::Status setKey(const QString &keyName, bool down) override;
    base::Status typeText(const QString &text) override;
    void releaseAll() override;

    bool capturesThroughSharedMemory() const;

private:
    explicit X11Desktop(std::unique_ptr<X11Connection> connection);

    mutable QMutex m_mutex;
    std::unique_ptr<X11Connection> m_connection;
    std::unique_ptr<X11ScreenCapture> m_capture;
    std::unique_ptr<X11Keyboard> m_keyboard;
    std::unique_ptr<X11WindowList> m_windows;
    std::unique_ptr<X11MonitorList> m_monitors;
    std::set<int> m_buttonsDown;
};

} // namespace tandem::x11
