#include "sandboxtesting.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QtTest>

namespace tandem::sandboxtesting {

sandbox::ExecRequest shell(const QString &script, int timeoutMs)
{
    sandbox::ExecRequest request;
    request.argv = {QStringLiteral("bash"), QStringLiteral("-c"), script};
    request.timeout = std::chrono::milliseconds(timeoutMs);
    return request;
}

void writeFile(const QString &path, const QByteArray &content)
{
    QVERIFY(QDir().mkpath(QFileInfo(path).absolutePath()));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    QCOMPARE(file.write(content), content.size());
}

QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

bool hostProcessWith(const QString &marker)
{
    QProcess pgrep;
    pgrep.start(QStringLiteral("pgrep"), {QStringLiteral("-f"), marker});
    pgrep.waitForFinished();
    return pgrep.exitCode() == 0;
}

} // namespace tandem::sandboxtesting
