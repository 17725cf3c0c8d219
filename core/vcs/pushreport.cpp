#include "vcs/pushreport.h"

#include <QStringList>

#include <algorithm>

namespace tandem::vcs {

bool PushReport::allAccepted() const
{
    return !refs.empty()
           && std::all_of(refs.begin(), refs.end(), [](const RefResult &r) { return r.accepted; });
}

QString PushReport::summary() const
{
    const QString where =
        remoteUrl.isEmpty() ? remoteName : QStringLiteral("%1 (%2)").arg(remoteName, remoteUrl);
    if (refs.empty())
        return QStringLiteral("nothing was pushed to %1").arg(where);

    QStringList pushed;
    QStringList refused;
    for (const RefResult &result : refs) {
        if (result.accepted)
            pushed << result.ref;
        else
            refused << QStringLiteral("%1 refused (%2)").arg(result.ref, result.message);
    }

    if (refused.isEmpty())
        return QStringLiteral("pushed %1 to %2").arg(pushed.join(QStringLiteral(", ")), where);
    if (pushed.isEmpty())
        return QStringLiteral("push to %1 failed: %2")
            .arg(where, refused.join(QStringLiteral("; ")));
    return QStringLiteral("push to %1 partially failed: %2; pushed %3")
        .arg(where, refused.join(QStringLiteral("; ")), pushed.join(QStringLiteral(", ")));
}

} // namespace tandem::vcs
