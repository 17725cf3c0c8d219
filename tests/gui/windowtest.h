#pragma once

#include "llm/anthropicclient.h"

#include <QDir>
#include <QProcess>
#include <QRegularExpression>
#include <QTest>
#include <QWidget>

#include <cstdio>
#include <memory>

// Shared by the window tests: the scripted model server they talk to, and the screenshots they
// leave for a person to look at.
namespace windowtest {

// Saves a picture of `widget` under the build's tests/screenshots and prints where: the path,
// or an empty string when it could not be written.
inline QString saveScreenshot(QWidget *widget, const QString &name)
{
    const QString folder = QStringLiteral(TANDEM_BINARY_DIR "/tests/screenshots");
    QDir().mkpath(folder);
    const QString path = folder + u'/' + name;
    if (!widget->grab().save(path))
        return {};
    std::printf("screenshot: %s\n", qPrintable(path));
    return path;
}

#ifdef TANDEM_MODEL_SERVER
// Starts the scripted model server with `arguments` (--demo, or --scenario FILE) on a free
// loopback port, and returns a client that talks to it as `model`: nullptr, with the reason in
// `error`, when the server did not come up.
inline std::unique_ptr<tandem::llm::AnthropicClient>
startModelServer(QProcess &server, QStringList arguments, const QString &model, QString &error)
{
    server.setProgram(QStringLiteral(TANDEM_MODEL_SERVER));
    arguments << QStringLiteral("--port") << QStringLiteral("0")
              << QStringLiteral("--exit-with-parent");
    server.setArguments(arguments);
    server.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    server.start();
    if (!server.waitForStarted()) {
        error = server.errorString();
        return nullptr;
    }
    if (!QTest::qWaitFor([&server] { return server.canReadLine(); }, 15000)) {
        error = QStringLiteral("the model server printed no address within 15 s");
        return nullptr;
    }

    const QString firstLine = QString::fromUtf8(server.readLine()).trimmed();
    static const QRegularExpression listening(QStringLiteral("^listening on (http://\\S+)$"));
    const QRegularExpressionMatch match = listening.match(firstLine);
    if (!match.hasMatch()) {
        error = QStringLiteral("unexpected first line from the model server: ") + firstLine;
        return nullptr;
    }

    tandem::llm::AnthropicClient::Config config;
    config.baseUrl = match.captured(1);
    config.apiKey = QStringLiteral("test-key");
    config.model = model;
    return std::make_unique<tandem::llm::AnthropicClient>(config);
}
#endif

} // namespace windowtest
