#include "llm/modelswitch.h"

#include <QMutexLocker>

namespace tandem::llm {

ModelSwitch::ModelSwitch(std::shared_ptr<ModelClient> client)
    : m_client(std::move(client))
{}

void ModelSwitch::replace(std::shared_ptr<ModelClient> client)
{
    QMutexLocker lock(&m_mutex);
    m_client = std::move(client);
}

std::shared_ptr<ModelClient> ModelSwitch::current() const
{
    QMutexLocker lock(&m_mutex);
    return m_client;
}

base::Result<ModelReply> ModelSwitch::send(const ModelRequest &request, StreamObserver *observer,
                                           const base::CancelToken &cancel)
{
    // The copy keeps the client alive through its request even if it is replaced meanwhile.
    const std::shared_ptr<ModelClient> client = current();
    return client->send(request, observer, cancel);
}

QString ModelSwitch::describe() const
{
    return current()->describe();
}

} // namespace tandem::llm
