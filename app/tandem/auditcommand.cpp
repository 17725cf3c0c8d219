#include "auditcommand.h"

#include "datadirectory.h"

#include "audit/auditlogreader.h"

#include <cstdio>

namespace tandem::app {

int AuditCommand::exec(const CommandLine &line)
{
    using State = audit::ChainStatus::State;

    const QString path = line.auditFile.isEmpty() ? dataDirectory() + QStringLiteral("/audit.jsonl")
                                                  : line.auditFile;
    const audit::ChainStatus status = audit::AuditLogReader::verify(path);

    switch (status.state) {
    case State::Intact:
        std::printf("%s: %d entries, the chain holds.\nhead %s (seq %lld)\n", qPrintable(path),
                    status.entries, status.head.isEmpty() ? "none" : status.head.constData(),
                    static_cast<long long>(status.lastSequence));
        return Holds;
    case State::Unreadable:
        std::fprintf(stderr, "tandem: %s\n", qPrintable(status.reason));
        return Unreadable;
    case State::IncompleteTail:
        std::printf("%s: incomplete at line %d.\n%s\n", qPrintable(path), status.brokenLine,
                    qPrintable(status.reason));
        return IncompleteTail;
    case State::Broken:
        break;
    }
    std::printf("%s: broken at line %d.\n%s\n", qPrintable(path), status.brokenLine,
                qPrintable(status.reason));
    return Broken;
}

} // namespace tandem::app
