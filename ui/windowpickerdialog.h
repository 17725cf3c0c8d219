#pragma once

#include "computer/desktop.h"

#include <QDialog>

#include <optional>
#include <vector>

class QTreeWidget;

namespace tandem::ui {

// Lets the user pick the one window the agent may touch: every viewable top-level window of
// the desktop, topmost first, with its title, class, process id, size and a small picture of
// it. Tandem's own windows are left out: the agent must not drive the app that watches it.
//
//     WindowPickerDialog picker(desktop, this);
//     if (picker.exec() == QDialog::Accepted) { confineTo(picker.chosen()->id); }
class WindowPickerDialog : public QDialog
{
    Q_OBJECT

public:
    explicit WindowPickerDialog(computer::Desktop &desktop, QWidget *parent = nullptr,
                                std::optional<quint64> current = std::nullopt);

    std::optional<computer::WindowInfo> chosen() const;
    int windowCount() const;
    // Selects the row of that window, as a click on it would.
    bool select(quint64 windowId);

private:
    void fill(std::optional<quint64> current);
    QPixmap thumbnail(const computer::WindowInfo &window) const;

    computer::Desktop &m_desktop;
    std::vector<computer::WindowInfo> m_windows;
    QTreeWidget *m_list;
};

} // namespace tandem::ui
