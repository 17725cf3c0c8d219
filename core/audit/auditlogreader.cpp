#include "audit/auditlogreader.h"

#include <QFile>

namespace tandem::audit {

AuditLogContents AuditLogReader::read(const QString &path)
{
    AuditLogContents contents;
    contents.status = walk(path, [&contents](int lineNumber, const QByteArray &line) {
        if (!line.trimmed().isEmpty())
            contents.entries << AuditEntry::parse(lineNumber, line.trimmed());
    });
    return contents;
}

ChainStatus AuditLogReader::verify(const QString &path)
{
    return walk(path, [](int, const QByteArray &) {});
}

ChainStatus AuditLogReader::walk(const QString &path, const LineVisitor &visit)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        ChainStatus status;
        status.state = ChainStatus::State::Unreadable;
        status.reason = QStringLiteral("Cannot read %1: %2.").arg(path, file.errorString());
        return status;
    }

    ChainVerifier verifier;
    bool endsWithNewline = true;
    int lineNumber = 0;
    while (!file.atEnd()) {
        QByteArray line = file.readLine();
        ++lineNumber;
        endsWithNewline = line.endsWith('\n');
        if (endsWithNewline)
            line.chop(1);
        verifier.feed(line);
        visit(lineNumber, line);
    }
    return verifier.finish(endsWithNewline);
}

} // namespace tandem::audit
