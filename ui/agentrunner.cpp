#include "ui/agentrunner.h"

#include "ui/logging.h"

#include "agent/agentloop.h"

#include <QThread>

#include <optional>
#include <utility>

namespace tandem::ui {

// What the worker thread hands back; written there, read here once the thread has finished.
struct AgentRunner::Outcome
{
    std::optional<base::Result<agent::AgentOutcome>> result;
};

AgentRunner::AgentRunner(agent::AgentLoop &loop, QObject *parent)
    : QObject(parent)
    , m_loop(loop)
{
    relayLoopSignals();
}

AgentRunner::~AgentRunner()
{
    if (!m_thread)
        return;

    m_loop.cancel();
    m_thread->wait();
    delete m_thread;
}

void AgentRunner::start(const QString &task)
{
    if (m_live || task.trimmed().isEmpty())
        return;

    setLive(true);
    if (m_thread) {
        qCInfo(lcUi, "the stopped run is still winding down; the new task waits for it");
        m_waitingTask = task;
        return;
    }
    launch(task);
}

void AgentRunner::stop()
{
    if (!m_live)
        return;

    m_waitingTask.clear();
    m_relaying = false;
    if (m_thread)
        m_loop.cancel();
    setLive(false);
    emit runEnded(tr("Stopped."));
}

// The loop emits on the worker thread; these connections are queued to this thread, so the
// flag is read where it is written. A stopped run's last words arrive before its thread's
// finished signal, and so before a waiting task is launched and relaying resumes.
void AgentRunner::relayLoopSignals()
{
    using agent::AgentLoop;

    connect(&m_loop, &AgentLoop::replyStarted, this, [this] {
        if (m_relaying)
            emit replyStarted();
    });
    connect(&m_loop, &AgentLoop::textDelta, this, [this](const QString &text) {
        if (m_relaying)
            emit textDelta(text);
    });
    connect(&m_loop, &AgentLoop::toolInputDelta, this,
            [this](const QString &id, const QString &name, const QString &partialJson) {
                if (m_relaying)
                    emit toolInputDelta(id, name, partialJson);
            });
    connect(&m_loop, &AgentLoop::toolCallStarted, this,
            [this](const QString &id, const QString &name, const QString &inputJson) {
                if (m_relaying)
                    emit toolCallStarted(id, name, inputJson);
            });
    connect(&m_loop, &AgentLoop::toolCallDetails, this,
            [this](const QString &id, const QString &detailsJson) {
                if (m_relaying)
                    emit toolCallDetails(id, detailsJson);
            });
    connect(&m_loop, &AgentLoop::toolCallImage, this,
            [this](const QString &id, const QByteArray &base64, const QString &mediaType) {
                if (m_relaying)
                    emit toolCallImage(id, base64, mediaType);
            });
    connect(&m_loop, &AgentLoop::toolCallFinished, this,
            [this](const QString &id, const QString &output, bool isError) {
                if (m_relaying)
                    emit toolCallFinished(id, output, isError);
            });
    connect(&m_loop, &AgentLoop::replyFinished, this, [this](const QString &stopReason) {
        if (m_relaying)
            emit replyFinished(stopReason);
    });
}

void AgentRunner::launch(const QString &task)
{
    auto outcome = std::make_shared<Outcome>();
    m_outcome = outcome;

    m_thread = QThread::create([this, task, outcome] { outcome->result = m_loop.run(task); });
    m_thread->setObjectName(QStringLiteral("tandem-agent"));
    m_relaying = true;
    connect(m_thread, &QThread::finished, this, &AgentRunner::threadFinished);

    qCInfo(lcUi, "agent run started");
    m_thread->start();
}

void AgentRunner::threadFinished()
{
    m_thread->deleteLater();
    m_thread = nullptr;
    m_relaying = false;
    const std::shared_ptr<Outcome> outcome = std::exchange(m_outcome, nullptr);
    qCInfo(lcUi, "agent run ended");

    if (m_live && !m_waitingTask.isEmpty()) {
        launch(std::exchange(m_waitingTask, QString()));
        return;
    }
    if (!m_live)
        return;

    reportOutcome(*outcome);
    setLive(false);
}

void AgentRunner::reportOutcome(const Outcome &outcome)
{
    if (!outcome.result) {
        emit runFailed(tr("The agent stopped without an answer."));
        return;
    }

    const base::Result<agent::AgentOutcome> &result = *outcome.result;
    if (!result) {
        qCWarning(lcUi) << "agent run failed:" << result.error().code;
        emit runFailed(result.error().message);
        return;
    }

    switch (result->stop) {
    case agent::AgentOutcome::Stop::EndTurn:
        emit runEnded({});
        break;
    case agent::AgentOutcome::Stop::TurnBudget:
        emit runEnded(tr("Stopped after %n model replies, the most one task may take.", nullptr,
                         result->turns));
        break;
    case agent::AgentOutcome::Stop::Cancelled:
        emit runEnded(tr("Stopped."));
        break;
    }
}

void AgentRunner::setLive(bool live)
{
    if (m_live == live)
        return;

    m_live = live;
    emit runningChanged(live);
}

} // namespace tandem::ui
