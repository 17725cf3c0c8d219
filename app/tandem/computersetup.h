#pragma once

#include "base/error.h"

#include <QString>

#include <memory>

namespace tandem::audit {
class AuditLog;
}
namespace tandem::computer {
class Desktop;
}
namespace tandem::tools {
class ToolRegistry;
}

namespace tandem::app {

// `tandem run --computer-window TITLE`: the X11 desktop on $DISPLAY and the window the
// computer tool is confined to, found by its title.
class ComputerSetup
{
public:
    static base::Result<std::unique_ptr<ComputerSetup>> open(const QString &windowTitle,
                                                             audit::AuditLog &audit);
    ~ComputerSetup();

    void addTo(tools::ToolRegistry &registry);
    QString describe() const { return m_description; }

private:
    ComputerSetup(std::unique_ptr<computer::Desktop> desktop, quint64 window,
                  audit::AuditLog &audit);

    std::unique_ptr<computer::Desktop> m_desktop;
    quint64 m_window = 0;
    audit::AuditLog &m_audit;
    QString m_description;
};

} // namespace tandem::app
