#pragma once

#include "audit/auditentry.h"
#include "audit/chainverifier.h"

#include <QList>
#include <QString>

#include <functional>

namespace tandem::audit {

// Everything in an audit log file, for browsing: its entries in file order and the state of
// its chain, read in one pass.
struct AuditLogContents
{
    QList<AuditEntry> entries;
    ChainStatus status;
};

// Reads an audit log file whole: to browse it, or only to check its chain.
//
//     const ChainStatus status = AuditLogReader::verify(path);
//     if (!status.holds())
//         print(status.brokenLine, status.reason);
class AuditLogReader
{
public:
    static AuditLogContents read(const QString &path);
    static ChainStatus verify(const QString &path);

private:
    using LineVisitor = std::function<void(int lineNumber, const QByteArray &line)>;
    static ChainStatus walk(const QString &path, const LineVisitor &visit);
};

} // namespace tandem::audit
