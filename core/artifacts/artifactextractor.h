#pragma once

#include "artifacts/artifact.h"

#include <QList>
#include <QObject>
#include <QString>
#include <QStringView>

#include <functional>

namespace tandem::artifacts {

// Finds artifacts in the assistant's text while it streams. A fenced block counts when its info
// string names an artifact type (html, jsx, tsx, svg, mermaid, markdown: see
// Artifact::typeForLanguage), or when a bare fence's content starts with `<!doctype html>` or
// `<html>`. Deltas may split the text anywhere, a fence included. A block
// is reported complete only once its closing fence has arrived, so a page whose script is still
// half written never gets rendered.
//
//     ArtifactExtractor extractor;
//     connect(&extractor, &ArtifactExtractor::blockCompleted, &pane, &Pane::showArtifact);
//     extractor.feed(delta);   // for every piece of the reply's text, in order
//     extractor.finish();      // when that text has ended
class ArtifactExtractor : public QObject
{
    Q_OBJECT

public:
    explicit ArtifactExtractor(QObject *parent = nullptr);

    void feed(const QString &delta);

    // The text has ended: its last line counts even without a newline, and a block still open
    // is abandoned. The next feed() starts a new text.
    void finish();

    // Drops the text seen so far, a block in progress included, without a signal. Artifact ids
    // keep counting, so they stay unique for the extractor's lifetime.
    void reset();

    // `text` with every artifact block replaced by what `placeholder` returns for it, so
    // that a chat can show a short line instead of the page's source. A block still open at
    // the end is passed with `complete == false`; `textEnded` says whether a last line without
    // a newline is final (it may then be the closing fence).
    using Placeholder = std::function<QString(const Artifact &artifact, bool complete)>;
    static QString foldBlocks(const QString &text, bool textEnded, const Placeholder &placeholder);

signals:
    void blockStarted(const QString &type);
    void blockGrew(const QString &contentSoFar);
    void blockCompleted(const tandem::artifacts::Artifact &artifact);
    void blockAbandoned();

private:
    enum class State { Prose, ArtifactBlock, UndecidedBlock, OtherBlock };

    struct Fence
    {
        QChar marker;
        qsizetype length = 0;
        qsizetype indent = 0;
    };

    struct Span
    {
        qsizetype begin = 0;
        qsizetype end = 0;
        Artifact artifact;
        bool complete = false;
    };

    void takeCompleteLines();
    void takeLine(QStringView line);
    void takeProseLine(QStringView line, qsizetype lineBegin);
    void takeBlockLine(QStringView line, qsizetype lineEnd);
    void decideUndecidedBlock(const QString &contentSoFar);
    void startArtifactBlock(const QString &type);
    void completeArtifactBlock(qsizetype end);
    void reportGrowth();
    QString visibleContent() const;
    Artifact makeArtifact(const QString &content) const;
    void clearText();

    State m_state = State::Prose;
    QString m_type; // of the block in progress
    Fence m_fence;
    QString m_pending; // the last line, not yet ended by a newline
    QString m_content; // the current block's finished lines
    QString m_lastGrowth;
    qsizetype m_consumed = 0; // length of the text before m_pending
    qsizetype m_blockBegin = 0;
    int m_nextId = 1;
    bool m_recordSpans = false;
    QList<Span> m_spans;
};

} // namespace tandem::artifacts
