#pragma once

#include <QFrame>
#include <QString>

class QLabel;
class QToolButton;

namespace tandem::ui {

// One fenced code block of a reply: its language, the code coloured, and a Copy button that
// puts the code (not the colours) on the clipboard. Grows in place while the block streams.
class CodeBlockView : public QFrame
{
    Q_OBJECT

public:
    explicit CodeBlockView(QWidget *parent = nullptr);

    void setCode(const QString &code, const QString &language);
    QString code() const { return m_code; }
    QString language() const { return m_language; }

    void copyToClipboard();

private:
    QLabel *m_languageLabel = nullptr;
    QToolButton *m_copy = nullptr;
    QLabel *m_text = nullptr;
    QString m_code;
    QString m_language;
};

} // namespace tandem::ui
