#pragma once

#include <QFrame>
#include <QString>

class QLabel;
class QPlainTextEdit;
class QToolButton;

namespace tandem::ui {

class ElidedLabel;

// One tool call in the chat: the tool's name, what it was asked, and its result once it
// arrives. Open while the call runs; folds itself when the call succeeds, stays open and
// turns red when it fails.
class ToolCard : public QFrame
{
    Q_OBJECT

public:
    ToolCard(const QString &id, const QString &name, const QString &inputJson,
             QWidget *parent = nullptr);

    QString id() const { return m_id; }
    QString toolName() const { return m_name; }

    void setResult(const QString &output, bool isError);
    bool hasResult() const { return m_hasResult; }
    bool isError() const { return m_isError; }

    void setExpanded(bool expanded);
    bool isExpanded() const;

private:
    QWidget *makeHeader(const QString &inputJson);
    QWidget *makeBody(const QString &inputJson);
    void updateLook();

    QString m_id;
    QString m_name;
    bool m_hasResult = false;
    bool m_isError = false;
    QToolButton *m_toggle = nullptr;
    ElidedLabel *m_summary = nullptr;
    QLabel *m_status = nullptr;
    QWidget *m_body = nullptr;
    QLabel *m_outputCaption = nullptr;
    QPlainTextEdit *m_output = nullptr;
};

} // namespace tandem::ui
