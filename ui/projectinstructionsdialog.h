#pragma once

#include <QDialog>

class QLabel;
class QTabWidget;

namespace tandem::agent {
class ProjectInstructions;
}

namespace tandem::ui {

// Shows what the repository's CLAUDE.md and AGENTS.md tell the model, as the model gets it
// (cut at the size limit, with the note), and follows the files while it is open.
class ProjectInstructionsDialog : public QDialog
{
    Q_OBJECT

public:
    explicit ProjectInstructionsDialog(agent::ProjectInstructions &instructions,
                                       QWidget *parent = nullptr);

    void refresh();

private:
    agent::ProjectInstructions &m_instructions;
    QLabel *m_summary = nullptr;
    QTabWidget *m_tabs = nullptr;
};

} // namespace tandem::ui
