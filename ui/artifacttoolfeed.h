#pragma once

#include "artifacts/artifactinputstream.h"

#include <QHash>
#include <QObject>
#include <QString>

namespace tandem::ui {

class ArtifactPane;

// Shows the artifact tool's content in the pane while the model writes the call: the code
// fills the editor as its JSON streams, and the page renders only when the store has the
// finished artifact (ArtifactPane::showToolArtifact). A call that fails or is stopped gives
// the pane back the artifact it showed before.
class ArtifactToolFeed : public QObject
{
    Q_OBJECT

public:
    explicit ArtifactToolFeed(ArtifactPane &pane, QObject *parent = nullptr);

    // Connected to AgentRunner's signals of the same meaning.
    void takeInput(const QString &callId, const QString &toolName, const QString &partialJson);
    void callFinished(const QString &callId, const QString &output, bool isError);
    void runningChanged(bool running);

private:
    struct Call
    {
        artifacts::ArtifactInputStream input;
        bool shown = false; // the pane is showing its content
    };

    void showContent(Call &call);

    ArtifactPane &m_pane;
    QHash<QString, Call> m_calls; // by call id, while they stream and run
};

} // namespace tandem::ui
