#pragma once

#include <QString>

namespace tandem::ui {

// Whether the review branch may be pushed: only after its tests passed on the files as they
// are now, unless the user explicitly overrides the gate.
class TestGate
{
public:
    enum class State { NotRun, Running, Passed, Failed };

    State state() const { return m_state; }
    void setState(State state) { m_state = state; }
    bool overridden() const { return m_override; }
    void setOverride(bool on) { m_override = on; }

    bool pushAllowed() const { return m_state == State::Passed || (m_override && !isRunning()); }
    // The push goes out although the tests did not pass: worth an audit line.
    bool pushNeedsOverride() const { return m_state != State::Passed; }
    bool isRunning() const { return m_state == State::Running; }
    QString stateName() const;

private:
    State m_state = State::NotRun;
    bool m_override = false;
};

} // namespace tandem::ui
