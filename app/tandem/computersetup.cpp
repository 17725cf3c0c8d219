#include "computersetup.h"

#include "computer/computertool.h"
#include "tools/toolregistry.h"
#include "x11/x11desktop.h"
#include "x11/x11stophotkey.h"

#include <QStringList>

namespace tandem::app {

base::Result<std::unique_ptr<ComputerSetup>> ComputerSetup::openDesktop(audit::AuditLog &audit)
{
    auto desktop = x11::X11Desktop::open(QString());
    if (!desktop)
        return std::unexpected(desktop.error());
    return std::unique_ptr<ComputerSetup>(new ComputerSetup(std::move(*desktop), audit));
}

base::Result<std::unique_ptr<ComputerSetup>> ComputerSetup::open(const QString &windowTitle,
                                                                 audit::AuditLog &audit)
{
    auto setup = openDesktop(audit);
    if (!setup)
        return setup;

    // The topmost match wins: it is the one the user sees.
    const auto windows = (*setup)->m_desktop->windows();
    QStringList titles;
    for (auto it = windows.rbegin(); it != windows.rend(); ++it) {
        if (it->title.contains(windowTitle, Qt::CaseInsensitive)) {
            (*setup)->setWindow(*it);
            return setup;
        }
        if (!it->title.isEmpty())
            titles << QStringLiteral("\"%1\"").arg(it->title);
    }
    return base::fail(QStringLiteral("no_window"),
                      QStringLiteral("No window's title contains \"%1\". Windows on screen: %2.")
                          .arg(windowTitle, titles.isEmpty() ? QStringLiteral("none")
                                                             : titles.join(QStringLiteral(", "))));
}

ComputerSetup::ComputerSetup(std::unique_ptr<computer::Desktop> desktop, audit::AuditLog &audit)
    : m_desktop(std::move(desktop))
    , m_audit(audit)
{}

ComputerSetup::~ComputerSetup() = default;

void ComputerSetup::setWindow(const computer::WindowInfo &window)
{
    m_window = window.id;
    m_description = QStringLiteral("Computer use confined to \"%1\" (%2x%3)")
                        .arg(window.title)
                        .arg(window.geometry.width())
                        .arg(window.geometry.height());
    if (m_tool)
        m_tool->setTargetWindow(window.id);
}

void ComputerSetup::addTo(tools::ToolRegistry &registry,
                          std::function<void(const computer::ComputerStep &)> observer)
{
    computer::ComputerToolOptions options;
    options.targetWindow = m_window;
    auto tool = std::make_unique<computer::ComputerTool>(*m_desktop, options, &m_audit, m_gate);
    tool->setStepObserver(std::move(observer));
    m_tool = tool.get();
    registry.add(std::move(tool));
}

QString ComputerSetup::watchStopKey(std::function<void()> onStop)
{
    auto key =
        x11::X11StopHotKey::start(QString(), computer::defaultStopChord(), std::move(onStop));
    if (!key)
        return QStringLiteral("No desktop-wide stop key (%1); Ctrl+C here stops.")
            .arg(key.error().message);
    m_stopKey = std::move(*key);
    return QStringLiteral("Press %1 anywhere to stop.").arg(m_stopKey->describe());
}

} // namespace tandem::app
