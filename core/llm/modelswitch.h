#pragma once

#include "llm/modelclient.h"

#include <QMutex>

#include <memory>

namespace tandem::llm {

// A model client whose model can be changed while Tandem runs: the agent loop keeps talking to
// the switch, and each request goes to whichever client was set last. A request under way
// keeps the client it started with.
class ModelSwitch : public ModelClient
{
public:
    explicit ModelSwitch(std::shared_ptr<ModelClient> client);

    // Thread-safe.
    void replace(std::shared_ptr<ModelClient> client);
    std::shared_ptr<ModelClient> current() const;

    base::Result<ModelReply> send(const ModelRequest &request, StreamObserver *observer,
                                  const base::CancelToken &cancel) override;
    QString describe() const override;

private:
    mutable QMutex m_mutex;
    std::shared_ptr<ModelClient> m_client;
};

} // namespace tandem::llm
