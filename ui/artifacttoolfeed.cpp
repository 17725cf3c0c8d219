#include "ui/artifacttoolfeed.h"

#include "ui/artifactpane.h"

#include "artifacts/artifacttool.h"

namespace tandem::ui {

namespace {

const QString command = QStringLiteral("command");
const QString content = QStringLiteral("content");

} // namespace

ArtifactToolFeed::ArtifactToolFeed(ArtifactPane &pane, QObject *parent)
    : QObject(parent)
    , m_pane(pane)
{}

void ArtifactToolFeed::takeInput(const QString &callId, const QString &toolName,
                                 const QString &partialJson)
{
    if (toolName != QLatin1String(artifacts::ArtifactTool::name))
        return;

    Call &call = m_calls[callId];
    call.input.feed(partialJson);
    showContent(call);
}

// Only whole content streams: an update's strings say little until the store applies them.
void ArtifactToolFeed::showContent(Call &call)
{
    const artifacts::ArtifactInputStream &input = call.input;
    if (!input.isStringComplete(command) || !input.isStringStarted(content))
        return;
    const QString name = input.string(command);
    if (name != u"create" && name != u"rewrite")
        return;

    if (!call.shown) {
        m_pane.beginToolArtifact(input.string(QStringLiteral("id")),
                                 input.string(QStringLiteral("type")),
                                 input.string(QStringLiteral("title")));
        call.shown = true;
    }
    m_pane.growArtifact(input.string(content));
}

void ArtifactToolFeed::callFinished(const QString &callId, const QString &output, bool isError)
{
    const auto call = m_calls.constFind(callId);
    if (call == m_calls.constEnd())
        return;

    if (call->shown && isError)
        m_pane.cancelToolArtifact(tr("Not made: %1").arg(output));
    m_calls.erase(call);
}

void ArtifactToolFeed::runningChanged(bool running)
{
    if (running)
        return;

    for (const Call &call : std::as_const(m_calls)) {
        if (call.shown) {
            m_pane.cancelToolArtifact(tr("Stopped before the artifact was made."));
            break;
        }
    }
    m_calls.clear();
}

} // namespace tandem::ui
