#pragma once

#include "sandbox/sandbox.h"

#include <QByteArray>
#include <QString>

// What the sandbox tests share: a shell command to run, files to plant and read back, and a
// look at the host's processes.
namespace tandem::sandboxtesting {

sandbox::ExecRequest shell(const QString &script, int timeoutMs = 20'000);

// Writes `content` at `path`, making its folders; fails the current test if it cannot.
void writeFile(const QString &path, const QByteArray &content);
QByteArray readFile(const QString &path);

// Is anything with this text in its command line still running anywhere on the host?
bool hostProcessWith(const QString &marker);

} // namespace tandem::sandboxtesting
