#include "../computer/xvfbserver.h"

#include "ui/windowpickerdialog.h"
#include "x11/x11desktop.h"

#include <QDir>
#include <QTemporaryDir>
#include <QTreeWidget>
#include <QtTest>

using namespace tandem;

// The window picker over a private Xvfb with two probe windows: it lists what the platform's
// window list holds, topmost first, with a picture of each, and hands back the chosen one.
class tst_WindowPickerDialog : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void listsTheDesktopsWindows();
    void choosesTheSelectedWindow();

private:
    QTemporaryDir m_dir;
    computertesting::XvfbServer m_server;
    std::unique_ptr<computertesting::ProbeWindow> m_lower;
    std::unique_ptr<computertesting::ProbeWindow> m_upper;
    std::unique_ptr<x11::X11Desktop> m_desktop;
};

void tst_WindowPickerDialog::initTestCase()
{
    QString error;
    QVERIFY2(m_server.start(QSize(1024, 768), &error), qPrintable(error));
    m_lower = std::make_unique<computertesting::ProbeWindow>(m_dir.path(), QStringLiteral("a"));
    QVERIFY2(m_lower->start(m_server, QRect(40, 40, 500, 400), QRect(20, 20, 60, 60), &error),
             qPrintable(error));
    m_upper = std::make_unique<computertesting::ProbeWindow>(m_dir.path(), QStringLiteral("b"));
    QVERIFY2(m_upper->start(m_server, QRect(600, 300, 300, 200), QRect(), &error),
             qPrintable(error));
    auto desktop = x11::X11Desktop::open(m_server.display());
    QVERIFY(desktop.has_value());
    m_desktop = std::move(*desktop);
}

void tst_WindowPickerDialog::listsTheDesktopsWindows()
{
    ui::WindowPickerDialog picker(*m_desktop);
    QCOMPARE(picker.windowCount(), 2);

    const auto *list = picker.findChild<QTreeWidget *>(QStringLiteral("windowList"));
    QVERIFY(list);
    // Topmost first: the probe started last.
    QCOMPARE(list->topLevelItem(0)->text(4), QStringLiteral("300x200 at 600,300"));
    QCOMPARE(list->topLevelItem(1)->text(1), QStringLiteral("Tandem probe"));
    QCOMPARE(list->topLevelItem(1)->text(2), QStringLiteral("TandemProbe"));
    QCOMPARE(list->topLevelItem(1)->text(3), QString::number(m_lower->pid()));
    QVERIFY(!list->topLevelItem(1)->icon(0).isNull());
    QVERIFY(!picker.chosen().has_value());

    picker.resize(820, 420);
    const QString folder = QStringLiteral(TANDEM_BINARY_DIR "/tests/screenshots");
    QDir().mkpath(folder);
    QVERIFY(picker.grab().save(folder + QStringLiteral("/windowpicker.png")));
}

void tst_WindowPickerDialog::choosesTheSelectedWindow()
{
    quint64 lowerId = 0;
    for (const auto &window : m_desktop->windows()) {
        if (window.pid == m_lower->pid())
            lowerId = window.id;
    }
    QVERIFY(lowerId != 0);

    ui::WindowPickerDialog picker(*m_desktop);
    QVERIFY(!picker.select(12345));
    QVERIFY(picker.select(lowerId));
    const auto chosen = picker.chosen();
    QVERIFY(chosen.has_value());
    QCOMPARE(chosen->id, lowerId);
    QCOMPARE(chosen->geometry, QRect(40, 40, 500, 400));

    // The window chosen before comes up selected when the picker opens again.
    ui::WindowPickerDialog again(*m_desktop, nullptr, lowerId);
    QCOMPARE(again.chosen()->id, lowerId);
}

QTEST_MAIN(tst_WindowPickerDialog)
#include "tst_windowpickerdialog.moc"
