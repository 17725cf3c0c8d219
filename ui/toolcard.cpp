#include "ui/toolcard.h"

#include "ui/elidedlabel.h"

#include <QFontDatabase>
#include <QHBoxLayout>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QPlainTextEdit>
#include <QScrollBar>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>

namespace tandem::ui {

namespace {

constexpr int maxBoxLines = 12;
constexpr qsizetype maxShownOutput = 20000;

QString prettyJson(const QString &json)
{
    const QJsonDocument document = QJsonDocument::fromJson(json.toUtf8());
    if (document.isNull())
        return json;
    return QString::fromUtf8(document.toJson(QJsonDocument::Indented)).trimmed();
}

// What says most about a call: an editor command with its path, else the first string it was
// given (a shell command, a path).
QString inputSummary(const QString &json)
{
    const QJsonObject input = QJsonDocument::fromJson(json.toUtf8()).object();
    const QJsonValue command = input.value(QStringLiteral("command"));
    const QJsonValue path = input.value(QStringLiteral("path"));
    if (command.isString() && path.isString())
        return command.toString() + QLatin1Char(' ') + path.toString().simplified();

    for (auto it = input.constBegin(); it != input.constEnd(); ++it) {
        if (it.value().isString())
            return it.value().toString().simplified();
    }
    return QString::fromUtf8(QJsonDocument(input).toJson(QJsonDocument::Compact));
}

QPlainTextEdit *makeCodeBox(const QString &text, QWidget *parent)
{
    auto *box = new QPlainTextEdit(parent);
    box->setReadOnly(true);
    box->setLineWrapMode(QPlainTextEdit::NoWrap);
    box->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    box->setFrameShape(QFrame::NoFrame);
    box->setPlainText(text);
    box->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Fixed);

    // As tall as the text up to a limit, then it scrolls; the horizontal bar's room is kept
    // because long lines are common in tool output.
    const int lines = std::clamp(int(text.count(u'\n')) + 1, 1, maxBoxLines);
    const int margins = 2 * int(box->document()->documentMargin());
    box->setFixedHeight(lines * box->fontMetrics().lineSpacing() + margins
                        + box->horizontalScrollBar()->sizeHint().height());
    return box;
}

} // namespace

ToolCard::ToolCard(const QString &id, const QString &name, const QString &inputJson,
                   QWidget *parent)
    : QFrame(parent)
    , m_id(id)
    , m_name(name)
{
    setObjectName(QStringLiteral("toolCard"));
    setFrameShape(QFrame::StyledPanel);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 4, 8, 6);
    layout->setSpacing(4);
    layout->addWidget(makeHeader(inputJson));
    layout->addWidget(makeBody(inputJson));

    updateLook();
    setExpanded(true);
}

void ToolCard::setResult(const QString &output, bool isError)
{
    m_hasResult = true;
    m_isError = isError;

    QString shown = output.isEmpty() ? tr("(no output)") : output;
    if (shown.size() > maxShownOutput)
        shown = shown.left(maxShownOutput)
                + tr("\n\u2026 %n more characters not shown", nullptr,
                     int(output.size() - maxShownOutput));

    m_output = makeCodeBox(shown, m_body);
    m_outputCaption->show();
    m_body->layout()->addWidget(m_output);

    updateLook();
    setExpanded(isError);
}

void ToolCard::setExpanded(bool expanded)
{
    m_body->setVisible(expanded);
    m_toggle->setArrowType(expanded ? Qt::DownArrow : Qt::RightArrow);
}

bool ToolCard::isExpanded() const
{
    return m_body->isVisibleTo(this);
}

QWidget *ToolCard::makeHeader(const QString &inputJson)
{
    auto *header = new QWidget(this);
    auto *row = new QHBoxLayout(header);
    row->setContentsMargins(0, 0, 0, 0);

    m_toggle = new QToolButton(header);
    m_toggle->setObjectName(QStringLiteral("toolCardToggle"));
    m_toggle->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_toggle->setAutoRaise(true);
    m_toggle->setText(m_name);
    m_toggle->setToolTip(tr("Show or hide the call's input and result"));
    QFont bold = m_toggle->font();
    bold.setBold(true);
    m_toggle->setFont(bold);
    connect(m_toggle, &QToolButton::clicked, this, [this] { setExpanded(!isExpanded()); });

    m_summary = new ElidedLabel(Qt::ElideRight, header);
    m_summary->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_summary->setFullText(inputSummary(inputJson));

    m_status = new QLabel(header);

    row->addWidget(m_toggle);
    row->addWidget(m_summary, 1);
    row->addWidget(m_status);
    return header;
}

QWidget *ToolCard::makeBody(const QString &inputJson)
{
    m_body = new QWidget(this);
    auto *column = new QVBoxLayout(m_body);
    column->setContentsMargins(0, 0, 0, 0);
    column->setSpacing(2);

    column->addWidget(new QLabel(tr("Input"), m_body));
    column->addWidget(makeCodeBox(prettyJson(inputJson), m_body));

    m_outputCaption = new QLabel(tr("Result"), m_body);
    m_outputCaption->hide();
    column->addWidget(m_outputCaption);
    return m_body;
}

void ToolCard::updateLook()
{
    if (!m_hasResult) {
        m_status->setText(tr("running\u2026"));
        setStyleSheet(QStringLiteral("#toolCard { background: #f6f8fa; border: 1px solid #d0d7de;"
                                     " border-radius: 6px; }"));
        return;
    }

    m_status->setText(m_isError ? tr("failed") : tr("done"));
    if (m_isError)
        setStyleSheet(QStringLiteral("#toolCard { background: #fef2f2; border: 1px solid #dc2626;"
                                     " border-radius: 6px; } QLabel { color: #991b1b; }"));
    else
        setStyleSheet(QStringLiteral("#toolCard { background: #f6f8fa; border: 1px solid #d0d7de;"
                                     " border-radius: 6px; }"));
}

} // namespace tandem::ui
