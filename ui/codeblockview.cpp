#include "ui/codeblockview.h"

#include "ui/codehighlighter.h"

#include <QClipboard>
#include <QFontDatabase>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

namespace tandem::ui {

namespace {

constexpr int copiedNoteMs = 1500;

const char *const blockStyle = R"(
#codeBlock { background: #f6f8fa; border: 1px solid #d0d7de; border-radius: 6px; }
#codeLanguage { color: #57606a; }
#copyCodeButton { border: 1px solid #d0d7de; border-radius: 4px; background: white;
                  padding: 1px 8px; }
#copyCodeButton:hover { background: #eef2ff; }
)";

} // namespace

CodeBlockView::CodeBlockView(QWidget *parent)
    : QFrame(parent)
{
    setObjectName(QStringLiteral("codeBlock"));
    setStyleSheet(QString::fromLatin1(blockStyle));

    m_languageLabel = new QLabel(this);
    m_languageLabel->setObjectName(QStringLiteral("codeLanguage"));
    m_copy = new QToolButton(this);
    m_copy->setObjectName(QStringLiteral("copyCodeButton"));
    m_copy->setText(tr("Copy"));
    m_copy->setToolTip(tr("Copy the code"));
    m_copy->setCursor(Qt::PointingHandCursor);
    connect(m_copy, &QToolButton::clicked, this, &CodeBlockView::copyToClipboard);

    m_text = new QLabel(this);
    m_text->setObjectName(QStringLiteral("codeText"));
    m_text->setTextFormat(Qt::RichText);
    m_text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    // Long lines are clipped rather than widening the transcript; Copy takes them whole.
    m_text->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);

    auto *header = new QHBoxLayout;
    header->addWidget(m_languageLabel, 1);
    header->addWidget(m_copy);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 4, 8, 6);
    layout->setSpacing(2);
    layout->addLayout(header);
    layout->addWidget(m_text);
}

void CodeBlockView::setCode(const QString &code, const QString &language)
{
    if (code == m_code && language == m_language && !m_text->text().isEmpty())
        return;

    m_code = code;
    m_language = language;
    m_languageLabel->setText(language.isEmpty() ? tr("code") : language);
    m_text->setText(CodeHighlighter::toHtml(code, language));
}

void CodeBlockView::copyToClipboard()
{
    QGuiApplication::clipboard()->setText(m_code);
    m_copy->setText(tr("Copied"));
    QTimer::singleShot(copiedNoteMs, m_copy, [copy = m_copy] { copy->setText(tr("Copy")); });
}

} // namespace tandem::ui
