#pragma once

#include "llm/modelclient.h"

#include "base/error.h"

#include <QProcess>

#include <memory>

namespace tandem::app {

// Turns the --model option into a model client. `anthropic:NAME` talks to the Anthropic API
// (ANTHROPIC_API_KEY, ANTHROPIC_BASE_URL); `scripted:FILE` starts Tandem's scripted model
// server on loopback with that scenario; no option picks Claude when a key is set and the
// scripted demo model otherwise.
class ModelSetup
{
public:
    ~ModelSetup();

    static base::Result<std::unique_ptr<ModelSetup>> create(const QString &spec);

    llm::ModelClient &client() const { return *m_client; }
    QString label() const { return m_label; }
    bool isScripted() const { return m_scripted; }
    bool isDemo() const { return m_demo; }

    static constexpr char kDefaultModel[] = "claude-sonnet-4-5";

private:
    ModelSetup() = default;
    base::Status setUpAnthropic(const QString &model);
    base::Status setUpScripted(const QString &scenario);
    base::Result<QString> startServer(const QStringList &arguments);

    std::unique_ptr<llm::ModelClient> m_client;
    std::unique_ptr<QProcess> m_server;
    QString m_label;
    bool m_scripted = false;
    bool m_demo = false;
};

} // namespace tandem::app
