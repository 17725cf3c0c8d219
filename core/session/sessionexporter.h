#pragma once

#include "session/storedsession.h"

#include "base/error.h"

#include <QByteArray>
#include <QString>

#include <optional>
#include <vector>

namespace tandem::session {

class SessionStore;

// A saved session as a file a person reads (Markdown: the exchange in order, each tool call
// with its input and result) or a program reads (JSON: the session's fields and its messages
// in the Messages API's form, which can be sent to a model again).
class SessionExporter
{
public:
    enum class Format { Markdown, Json };

    // "md" or "markdown", "json"; nothing for anything else.
    static std::optional<Format> formatNamed(const QString &name);

    static QByteArray toMarkdown(const SessionSummary &session,
                                 const std::vector<StoredMessage> &messages);
    static QByteArray toJson(const SessionSummary &session,
                             const std::vector<StoredMessage> &messages);
    static base::Result<QByteArray> exportSession(const SessionStore &store, qint64 sessionId,
                                                  Format format);
};

} // namespace tandem::session
