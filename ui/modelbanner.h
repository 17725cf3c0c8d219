#pragma once

#include <QFrame>

class QLabel;

namespace tandem::ui {

struct WindowInfo;

// The strip across the top of the window that says which model answers and which folder the
// agent works in. With the scripted demo model it says so in a warning colour, and how to
// switch to a real one, so nobody mistakes scripted replies for a model's.
class ModelBanner : public QFrame
{
    Q_OBJECT

public:
    explicit ModelBanner(const WindowInfo &info, QWidget *parent = nullptr);

    // Another model answers from the next task on (chosen in Settings).
    void setModel(const QString &label, bool demo);

private:
    QLabel *m_model = nullptr;
};

} // namespace tandem::ui
