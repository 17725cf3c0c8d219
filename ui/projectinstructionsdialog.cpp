#include "ui/projectinstructionsdialog.h"

#include "agent/projectinstructions.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QPlainTextEdit>
#include <QTabWidget>
#include <QTime>
#include <QVBoxLayout>

namespace tandem::ui {

ProjectInstructionsDialog::ProjectInstructionsDialog(agent::ProjectInstructions &instructions,
                                                     QWidget *parent)
    : QDialog(parent)
    , m_instructions(instructions)
{
    setObjectName(QStringLiteral("projectInstructionsDialog"));
    setWindowTitle(tr("Project instructions"));
    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("instructionsSummary"));
    m_summary->setWordWrap(true);
    m_tabs = new QTabWidget(this);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_summary);
    layout->addWidget(m_tabs, 1);
    layout->addWidget(buttons);
    resize(720, 520);

    connect(&m_instructions, &agent::ProjectInstructions::changed, this,
            &ProjectInstructionsDialog::refresh);
    refresh();
}

void ProjectInstructionsDialog::refresh()
{
    const auto files = m_instructions.files();
    m_tabs->clear();
    if (files.empty()) {
        m_summary->setText(tr("The repository has no CLAUDE.md or AGENTS.md at its root (%1). "
                              "Add one to give the model standing instructions; it is picked up "
                              "with the next request.")
                               .arg(m_instructions.root()));
        return;
    }

    QStringList notes;
    for (const auto &file : files) {
        auto *text = new QPlainTextEdit(file.text, m_tabs);
        text->setReadOnly(true);
        m_tabs->addTab(text, file.name);
        if (file.truncated)
            notes << agent::ProjectInstructions::truncationNote(file);
    }
    m_summary->setText(tr("Every request to the model carries these files after Tandem's own "
                          "instructions (read at %1).")
                           .arg(QTime::currentTime().toString(QStringLiteral("HH:mm:ss")))
                       + (notes.isEmpty() ? QString() : QLatin1Char(' ') + notes.join(' ')));
}

} // namespace tandem::ui
