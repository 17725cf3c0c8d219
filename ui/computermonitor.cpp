#include "ui/computermonitor.h"

#include "ui/actionoverlay.h"

#include <QLabel>
#include <QListWidget>
#include <QPointer>
#include <QPushButton>
#include <QVBoxLayout>

namespace tandem::ui {

ComputerMonitor::ComputerMonitor(QWidget *parent)
    : QWidget(parent)
    , m_screen(new QLabel(this))
    , m_steps(new QListWidget(this))
    , m_stop(new QPushButton(tr("Stop"), this))
{
    m_screen->setAlignment(Qt::AlignCenter);
    m_screen->setMinimumSize(320, 180);
    m_screen->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Ignored);
    m_screen->setText(tr("No screenshot yet"));
    m_stop->setToolTip(tr("Stop computer use at once (Ctrl+Shift+Escape anywhere)"));

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_screen, 3);
    layout->addWidget(m_steps, 1);
    layout->addWidget(m_stop);

    connect(m_stop, &QPushButton::clicked, this, &ComputerMonitor::stopRequested);
}

std::function<void(const computer::ComputerStep &)> ComputerMonitor::observer()
{
    QPointer<ComputerMonitor> self(this);
    return [self](const computer::ComputerStep &step) {
        if (!self)
            return;
        QMetaObject::invokeMethod(
            self.data(),
            [self, step] {
                if (self)
                    self->addStep(step);
            },
            Qt::QueuedConnection);
    };
}

void ComputerMonitor::addStep(const computer::ComputerStep &step)
{
    auto *item = new QListWidgetItem(ActionOverlay::describe(step), m_steps);
    if (step.isError)
        item->setForeground(QColor(200, 30, 40));
    m_steps->scrollToBottom();

    if (!step.screenshot.isNull()) {
        m_annotated = ActionOverlay::draw(step);
        showScaled();
    }
}

int ComputerMonitor::stepCount() const
{
    return m_steps->count();
}

void ComputerMonitor::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    showScaled();
}

void ComputerMonitor::showScaled()
{
    if (m_annotated.isNull())
        return;
    m_screen->setPixmap(QPixmap::fromImage(
        m_annotated.scaled(m_screen->size(), Qt::KeepAspectRatio, Qt::SmoothTransformation)));
}

} // namespace tandem::ui
