#include "ui/windowpickerdialog.h"

#include "ui/logging.h"

#include <QCoreApplication>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QImage>
#include <QLabel>
#include <QPushButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace tandem::ui {

namespace {

constexpr int thumbnailWidth = 160;
constexpr int idRole = Qt::UserRole;

enum Column { Picture, Title, Class, Pid, Size };

} // namespace

WindowPickerDialog::WindowPickerDialog(computer::Desktop &desktop, QWidget *parent,
                                       std::optional<quint64> current)
    : QDialog(parent)
    , m_desktop(desktop)
    , m_list(new QTreeWidget(this))
{
    setWindowTitle(tr("Choose the window for computer use"));
    m_list->setObjectName(QStringLiteral("windowList"));
    m_list->setRootIsDecorated(false);
    m_list->setIconSize(QSize(thumbnailWidth, thumbnailWidth * 10 / 16));
    m_list->setHeaderLabels({tr("Window"), tr("Title"), tr("Class"), tr("Process"), tr("Size")});
    m_list->header()->setSectionResizeMode(QHeaderView::ResizeToContents);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Allow this window"));
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(tr("The agent may click and type only in the window you choose; "
                                    "everything else on the screen stays off limits."),
                                 this));
    layout->addWidget(m_list, 1);
    layout->addWidget(buttons);

    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_list, &QTreeWidget::itemDoubleClicked, this, &QDialog::accept);
    connect(m_list, &QTreeWidget::currentItemChanged, this, [buttons](QTreeWidgetItem *item) {
        buttons->button(QDialogButtonBox::Ok)->setEnabled(item != nullptr);
    });

    fill(current);
    buttons->button(QDialogButtonBox::Ok)->setEnabled(m_list->currentItem() != nullptr);
    resize(820, 520);
}

void WindowPickerDialog::fill(std::optional<quint64> current)
{
    const qint64 ownPid = QCoreApplication::applicationPid();
    const auto windows = m_desktop.windows();

    // The desktop lists bottom to top; the user looks for what is on top first.
    for (auto it = windows.rbegin(); it != windows.rend(); ++it) {
        if (it->pid == ownPid || it->geometry.isEmpty())
            continue;
        m_windows.push_back(*it);

        auto *item = new QTreeWidgetItem(m_list);
        item->setData(Picture, idRole, QVariant::fromValue(it->id));
        item->setIcon(Picture, QIcon(thumbnail(*it)));
        item->setText(Title, it->title.isEmpty() ? tr("(no title)") : it->title);
        item->setText(Class, it->windowClass);
        item->setText(Pid, it->pid > 0 ? QString::number(it->pid) : tr("unknown"));
        item->setText(Size, QStringLiteral("%1x%2 at %3,%4")
                                .arg(it->geometry.width())
                                .arg(it->geometry.height())
                                .arg(it->geometry.x())
                                .arg(it->geometry.y()));
        if (current && it->id == *current)
            m_list->setCurrentItem(item);
    }
    qCInfo(lcUi) << "window picker lists" << m_windows.size() << "windows";
}

// A capture of the window's area as the screen shows it now: a covered window shows what
// covers it, which is also what the agent would see.
QPixmap WindowPickerDialog::thumbnail(const computer::WindowInfo &window) const
{
    const QRect area = window.geometry.intersected(m_desktop.screenBounds());
    if (area.isEmpty())
        return {};
    const auto pixels = m_desktop.capture(area);
    if (!pixels || pixels->empty())
        return {};

    const QImage image(pixels->data, pixels->cols, pixels->rows, qsizetype(pixels->step),
                       QImage::Format_BGR888);
    return QPixmap::fromImage(image.scaledToWidth(thumbnailWidth, Qt::SmoothTransformation));
}

std::optional<computer::WindowInfo> WindowPickerDialog::chosen() const
{
    const QTreeWidgetItem *item = m_list->currentItem();
    if (item == nullptr)
        return std::nullopt;
    const quint64 id = item->data(Picture, idRole).value<quint64>();
    for (const computer::WindowInfo &window : m_windows) {
        if (window.id == id)
            return window;
    }
    return std::nullopt;
}

int WindowPickerDialog::windowCount() const
{
    return int(m_windows.size());
}

bool WindowPickerDialog::select(quint64 windowId)
{
    for (int row = 0; row < m_list->topLevelItemCount(); ++row) {
        QTreeWidgetItem *item = m_list->topLevelItem(row);
        if (item->data(Picture, idRole).value<quint64>() == windowId) {
            m_list->setCurrentItem(item);
            return true;
        }
    }
    return false;
}

} // namespace tandem::ui
