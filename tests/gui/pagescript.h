#pragma once

#include <QTest>
#include <QVariant>
#include <QWebEnginePage>
#include <QWebEngineView>

#include <memory>

// Runs JavaScript in the view's page and waits for its value: a null QVariant if none came in
// time. For the window and preview tests, which look at pages through their DOM.
inline QVariant evaluate(QWebEngineView *view, const QString &script, int timeoutMs = 10000)
{
    struct Result
    {
        bool done = false;
        QVariant value;
    };
    auto result = std::make_shared<Result>();
    view->page()->runJavaScript(script, [result](const QVariant &value) {
        result->value = value;
        result->done = true;
    });
    if (!QTest::qWaitFor([&result] { return result->done; }, timeoutMs))
        return {};
    return result->value;
}
