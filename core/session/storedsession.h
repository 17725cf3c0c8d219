#pragma once

#include "llm/message.h"

#include <QDateTime>
#include <QString>

namespace tandem::session {

// One conversation as the session list shows it.
struct SessionSummary
{
    qint64 id = 0;
    QString title;
    QDateTime created; // UTC
    QDateTime updated; // UTC: when its latest message was saved
    QString workspace; // the folder the agent worked in
    QString model; // e.g. "anthropic:claude-sonnet-4-5"
    int messageCount = 0;
    // When listed for a search: a piece of the matching text, the match in [brackets].
    QString excerpt = {};
};

// A message as it was saved: its place in the conversation and when.
struct StoredMessage
{
    int index = 0;
    QDateTime saved; // UTC
    llm::Message message;
};

} // namespace tandem::session
