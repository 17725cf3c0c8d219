#pragma once

#include <QObject>
#include <QString>

#include <memory>

class QThread;

namespace tandem::agent {
class AgentLoop;
}

namespace tandem::ui {

// Runs the agent loop on a worker thread, one task at a time, and relays the loop's signals
// to the window while the run is live. stop() returns to idle at once: the loop is cancelled,
// whatever it still says is dropped, and a task sent before its thread has wound down waits
// for it.
class AgentRunner : public QObject
{
    Q_OBJECT

public:
    explicit AgentRunner(agent::AgentLoop &loop, QObject *parent = nullptr);
    ~AgentRunner() override;

    // Ignored while a run is live.
    void start(const QString &task);
    void stop();
    bool isRunning() const { return m_live; }
    // A run's thread is still at work, stopped or not: the loop is not free yet.
    bool isBusy() const { return m_thread != nullptr; }

signals:
    void runningChanged(bool running);
    void replyStarted();
    void textDelta(const QString &text);
    void toolInputDelta(const QString &id, const QString &name, const QString &partialJson);
    void toolCallStarted(const QString &id, const QString &name, const QString &inputJson);
    void toolCallDetails(const QString &id, const QString &detailsJson);
    void toolCallImage(const QString &id, const QByteArray &base64, const QString &mediaType);
    void toolCallFinished(const QString &id, const QString &output, bool isError);
    void replyFinished(const QString &stopReason);
    void runFailed(const QString &message);
    void runEnded(const QString &notice); // empty notice: the model simply finished

private:
    struct Outcome;

    void relayLoopSignals();
    void launch(const QString &task);
    void threadFinished();
    void reportOutcome(const Outcome &outcome);
    void setLive(bool live);

    agent::AgentLoop &m_loop;
    QThread *m_thread = nullptr;
    std::shared_ptr<Outcome> m_outcome;
    QString m_waitingTask;
    bool m_live = false; // what the window shows: a task is running
    bool m_relaying = false; // the thread's run is the one the window waits for
};

} // namespace tandem::ui
