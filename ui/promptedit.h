#pragma once

#include <QPlainTextEdit>

namespace tandem::ui {

// The box the user writes a task in: Enter submits, Shift+Enter starts a new line.
class PromptEdit : public QPlainTextEdit
{
    Q_OBJECT

public:
    explicit PromptEdit(QWidget *parent = nullptr);

    QSize sizeHint() const override;

signals:
    void submitted();

protected:
    void keyPressEvent(QKeyEvent *event) override;
};

} // namespace tandem::ui
