#pragma once

#include <QWebEngineUrlRequestInterceptor>

namespace tandem::ui {

// Keeps artifact pages offline: they may load what they carry (tandem-artifact:, data:,
// blob:) and nothing from the network or the user's files, since their code comes from a
// model and runs without anyone reading it first.
class PreviewRequestFilter : public QWebEngineUrlRequestInterceptor
{
    Q_OBJECT

public:
    explicit PreviewRequestFilter(QObject *parent = nullptr);

    void interceptRequest(QWebEngineUrlRequestInfo &info) override;
};

} // namespace tandem::ui
