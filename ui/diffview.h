#pragma once

#include <Qsci/qsciscintilla.h>

namespace tandem::ui {

// One file's unified diff, read-only, with added lines on green and removed lines on red.
class DiffView : public QsciScintilla
{
    Q_OBJECT

public:
    explicit DiffView(QWidget *parent = nullptr);

    // Shows `patch` with the cursor on its first added or removed line.
    void setPatch(const QString &patch);
    int cursorPatchLine() const; // 0-based line of the patch the cursor is on
};

} // namespace tandem::ui
