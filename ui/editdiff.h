#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace tandem::ui {

// A text editor call (create, str_replace, insert) as the lines it removes and adds, for the
// tool card: unchanged lines at either end of a replacement are kept as context.
class EditDiff
{
public:
    enum class Kind { Context, Removed, Added, Note };

    struct Line
    {
        Kind kind;
        QString text;
    };

    // Nothing for calls that change no file (view) or an input that is not an edit.
    static std::optional<EditDiff> fromEditorInput(const QJsonObject &input);

    const QList<Line> &lines() const { return m_lines; }
    int count(Kind kind) const;
    QString toHtml() const;

private:
    void addReplacement(const QStringList &before, const QStringList &after);

    QList<Line> m_lines;
};

} // namespace tandem::ui
