#include "ui/testgate.h"

namespace tandem::ui {

QString TestGate::stateName() const
{
    switch (m_state) {
    case State::NotRun:
        return QStringLiteral("not run");
    case State::Running:
        return QStringLiteral("running");
    case State::Passed:
        return QStringLiteral("passed");
    case State::Failed:
        return QStringLiteral("failed");
    }
    return {};
}

} // namespace tandem::ui
