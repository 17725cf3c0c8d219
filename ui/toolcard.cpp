#include "ui/toolcard.h"

#include "ui/editdiff.h"
#include "ui/elidedlabel.h"

#include <QDialog>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QMouseEvent>
#include <QPlainTextEdit>
#include <QScrollArea>
#include <QScrollBar>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>

namespace tandem::ui {

namespace {

constexpr int maxBoxLines = 12;
constexpr qsizetype maxShownOutput = 20000;
const QSize thumbnailSize(240, 160);

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

QString cardStyle(ToolCard::State state)
{
    const QString frame = QStringLiteral("#toolCard { background: %1; border: 1px %2 %3;"
                                         " border-radius: 6px; }");
    switch (state) {
    case ToolCard::State::Running:
    case ToolCard::State::Done:
        return frame.arg(u"#f6f8fa", u"solid", u"#d0d7de");
    case ToolCard::State::Failed:
        return frame.arg(u"#fef2f2", u"solid", u"#dc2626")
               + QStringLiteral(" QLabel { color: #991b1b; }");
    case ToolCard::State::Stopped:
        return frame.arg(u"#fffbeb", u"dashed", u"#d97706")
               + QStringLiteral(" #toolCardStatus { color: #92400e; }");
    }
    return {};
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
    m_state = isError ? State::Failed : State::Done;

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

void ToolCard::setNestedCalls(const QString &detailsJson)
{
    const QJsonArray calls = QJsonDocument::fromJson(detailsJson.toUtf8())
                                 .object()
                                 .value(QStringLiteral("calls"))
                                 .toArray();
    if (calls.isEmpty())
        return;

    QStringList lines;
    for (const QJsonValue &value : calls) {
        const QJsonObject call = value.toObject();
        const QString outcome = call.value(QStringLiteral("outcome")).toString();
        const bool ok = outcome == QLatin1String("ok");
        QString line = QStringLiteral("%1 %2(%3)")
                           .arg(ok ? QStringLiteral("\u2713") : QStringLiteral("\u2717"),
                                call.value(QStringLiteral("tool")).toString(),
                                call.value(QStringLiteral("input")).toString());
        if (!ok)
            line += QStringLiteral("  \u2014 %1: %2")
                        .arg(outcome, call.value(QStringLiteral("message")).toString());
        lines << line;
    }
    m_nestedCount = int(calls.size());

    auto *caption =
        new QLabel(tr("%n tool call(s) from the script", nullptr, m_nestedCount), m_body);
    caption->setObjectName(QStringLiteral("toolCardNestedCaption"));
    m_body->layout()->addWidget(caption);
    m_body->layout()->addWidget(makeCodeBox(lines.join(u'\n'), m_body));
}

void ToolCard::setAwaitingApproval(bool awaiting)
{
    m_awaitingApproval = awaiting;
    updateLook();
}

void ToolCard::markStopped()
{
    if (m_state != State::Running)
        return;

    m_state = State::Stopped;
    updateLook();
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

void ToolCard::mousePressEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton || !m_header->geometry().contains(event->pos())) {
        QFrame::mousePressEvent(event);
        return;
    }

    setExpanded(!isExpanded());
    event->accept();
}

QString ToolCard::statusText(State state)
{
    switch (state) {
    case State::Running:
        return tr("running\u2026");
    case State::Done:
        return tr("done");
    case State::Failed:
        return tr("failed");
    case State::Stopped:
        return tr("stopped");
    }
    return {};
}

// The whole header opens and folds the card. On a narrow pane the name and the summary are
// shortened; the status keeps room for its longest text, so that it never shows cut off.
QWidget *ToolCard::makeHeader(const QString &inputJson)
{
    m_header = new QWidget(this);
    m_header->setCursor(Qt::PointingHandCursor);
    auto *row = new QHBoxLayout(m_header);
    row->setContentsMargins(0, 0, 0, 0);

    m_toggle = new QToolButton(m_header);
    m_toggle->setObjectName(QStringLiteral("toolCardToggle"));
    m_toggle->setToolButtonStyle(Qt::ToolButtonIconOnly);
    m_toggle->setAutoRaise(true);
    m_toggle->setText(m_name); // only the arrow shows; the text is for screen readers
    m_toggle->setToolTip(tr("Show or hide the call's input and result"));
    connect(m_toggle, &QToolButton::clicked, this, [this] { setExpanded(!isExpanded()); });

    auto *name = new ElidedLabel(Qt::ElideRight, m_header);
    name->setObjectName(QStringLiteral("toolCardName"));
    QFont bold = name->font();
    bold.setBold(true);
    name->setFont(bold);
    name->setFullText(m_name);
    name->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Preferred);

    m_summary = new ElidedLabel(Qt::ElideRight, m_header);
    m_summary->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_summary->setFullText(inputSummary(inputJson));

    m_status = new QLabel(m_header);
    m_status->setObjectName(QStringLiteral("toolCardStatus"));
    m_status->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    int widest = 0;
    for (State state : {State::Running, State::Done, State::Failed, State::Stopped}) {
        m_status->setText(statusText(state));
        widest = std::max(widest, m_status->sizeHint().width());
    }
    m_status->setText(awaitingText());
    widest = std::max(widest, m_status->sizeHint().width());
    m_status->setMinimumWidth(widest);

    row->addWidget(m_toggle);
    row->addWidget(name);
    row->addWidget(m_summary, 1);
    row->addWidget(m_status);
    return m_header;
}

QWidget *ToolCard::makeBody(const QString &inputJson)
{
    m_body = new QWidget(this);
    auto *column = new QVBoxLayout(m_body);
    column->setContentsMargins(0, 0, 0, 0);
    column->setSpacing(2);

    column->addWidget(makeInputView(inputJson));

    m_outputCaption = new QLabel(tr("Result"), m_body);
    m_outputCaption->hide();
    column->addWidget(m_outputCaption);
    return m_body;
}

// A file edit shows as the lines it removes and adds; any other call as its input.
QWidget *ToolCard::makeInputView(const QString &inputJson)
{
    auto *view = new QWidget(m_body);
    auto *column = new QVBoxLayout(view);
    column->setContentsMargins(0, 0, 0, 0);
    column->setSpacing(2);

    const QJsonObject input = QJsonDocument::fromJson(inputJson.toUtf8()).object();
    const auto diff = m_name == QLatin1String("str_replace_based_edit_tool")
                          ? EditDiff::fromEditorInput(input)
                          : std::nullopt;
    if (!diff) {
        column->addWidget(new QLabel(tr("Input"), view));
        column->addWidget(makeCodeBox(prettyJson(inputJson), view));
        return view;
    }

    column->addWidget(new QLabel(tr("Change: %1 added, %2 removed")
                                     .arg(diff->count(EditDiff::Kind::Added))
                                     .arg(diff->count(EditDiff::Kind::Removed)),
                                 view));
    auto *lines = new QLabel(view);
    lines->setObjectName(QStringLiteral("toolCardDiff"));
    lines->setTextFormat(Qt::RichText);
    lines->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    lines->setTextInteractionFlags(Qt::TextSelectableByMouse);
    lines->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    lines->setStyleSheet(QStringLiteral("background: white;"));
    lines->setText(diff->toHtml());
    column->addWidget(lines);
    return view;
}

void ToolCard::setScreenshot(const QImage &image)
{
    m_screenshot = image;

    auto *thumbnail = new QToolButton(m_body);
    thumbnail->setObjectName(QStringLiteral("toolCardScreenshot"));
    thumbnail->setToolTip(tr("Show the screenshot full size"));
    thumbnail->setCursor(Qt::PointingHandCursor);
    thumbnail->setAutoRaise(true);
    const QPixmap small = QPixmap::fromImage(
        image.scaled(thumbnailSize, Qt::KeepAspectRatio, Qt::SmoothTransformation));
    thumbnail->setIcon(small);
    thumbnail->setIconSize(small.size());
    connect(thumbnail, &QToolButton::clicked, this, &ToolCard::showScreenshot);
    m_body->layout()->addWidget(thumbnail);
}

void ToolCard::showScreenshot()
{
    if (m_screenshot.isNull())
        return;

    auto *dialog = new QDialog(window());
    dialog->setObjectName(QStringLiteral("screenshotDialog"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(tr("Screenshot from %1").arg(m_name));

    auto *picture = new QLabel(dialog);
    picture->setPixmap(QPixmap::fromImage(m_screenshot));
    auto *scroll = new QScrollArea(dialog);
    scroll->setWidget(picture);
    auto *layout = new QVBoxLayout(dialog);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(scroll);

    const QSize room = window()->size() * 0.9;
    dialog->resize(m_screenshot.size().boundedTo(room) + QSize(4, 4));
    dialog->show();
}

QString ToolCard::awaitingText()
{
    return tr("awaiting approval");
}

void ToolCard::updateLook()
{
    const bool awaiting = m_awaitingApproval && m_state == State::Running;
    m_status->setText(awaiting ? awaitingText() : statusText(m_state));
    m_status->setToolTip(m_state == State::Stopped
                             ? tr("The run ended before this call returned its result.")
                             : QString());
    setStyleSheet(cardStyle(m_state));
}

} // namespace tandem::ui
