#pragma once

#include "computer/computertool.h"

#include <QWidget>

#include <functional>

class QLabel;
class QListWidget;
class QPushButton;

namespace tandem::ui {

// The computer-use monitor: the latest screenshot with the last action drawn on it, the list
// of steps so far, and the stop button. Steps may arrive from the tool's thread through
// observer(); they are shown on the widget's own thread.
class ComputerMonitor : public QWidget
{
    Q_OBJECT

public:
    explicit ComputerMonitor(QWidget *parent = nullptr);

    // Hand this to ComputerTool::setStepObserver.
    std::function<void(const computer::ComputerStep &)> observer();

    void addStep(const computer::ComputerStep &step);
    int stepCount() const;
    QImage shownScreenshot() const { return m_annotated; }

signals:
    // The user pressed Stop: cancel the loop's token. Also emitted (queued) for the
    // desktop-wide stop key.
    void stopRequested();

protected:
    void resizeEvent(QResizeEvent *event) override;

private:
    void showScaled();

    QLabel *m_screen;
    QListWidget *m_steps;
    QPushButton *m_stop;
    QImage m_annotated;
};

} // namespace tandem::ui
