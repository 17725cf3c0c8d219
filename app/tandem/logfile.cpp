#include "logfile.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QMutex>
#include <QMutexLocker>

#include <cstdio>

namespace tandem::app {

namespace {

QMutex g_mutex;
FILE *g_file = nullptr;

const char *levelName(QtMsgType type)
{
    switch (type) {
    case QtDebugMsg:
        return "debug";
    case QtInfoMsg:
        return "info";
    case QtWarningMsg:
        return "warning";
    case QtCriticalMsg:
        return "critical";
    case QtFatalMsg:
        return "fatal";
    }
    return "log";
}

void writeMessage(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    QMutexLocker lock(&g_mutex);
    const QByteArray line =
        QStringLiteral("%1 %2 %3: %4\n")
            .arg(QDateTime::currentDateTime().toString(Qt::ISODateWithMs),
                 QString::fromLatin1(levelName(type)),
                 QString::fromLatin1(context.category ? context.category : "default"), message)
            .toUtf8();
    std::fwrite(line.constData(), 1, line.size(), g_file ? g_file : stderr);
    std::fflush(g_file ? g_file : stderr);
}

} // namespace

void LogFile::install(const QString &path)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    g_file = std::fopen(QFile::encodeName(path).constData(), "a");
    if (g_file)
        qInstallMessageHandler(writeMessage);
}

} // namespace tandem::app
