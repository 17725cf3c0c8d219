#pragma once

#include <QLabel>
#include <QString>

namespace tandem::ui {

// A one-line label that shortens its text with an ellipsis instead of widening its parent;
// the full text stays in the tooltip. For paths and one-line summaries.
class ElidedLabel : public QLabel
{
    Q_OBJECT

public:
    explicit ElidedLabel(Qt::TextElideMode mode = Qt::ElideMiddle, QWidget *parent = nullptr);

    void setFullText(const QString &text);
    QString fullText() const { return m_fullText; }

    QSize minimumSizeHint() const override;
    QSize sizeHint() const override;

protected:
    void resizeEvent(QResizeEvent *event) override;

private:
    void updateElision();

    QString m_fullText;
    Qt::TextElideMode m_mode;
};

} // namespace tandem::ui
