#pragma once

namespace tandem::ui {

// Both functions must run before the QApplication is constructed; app/main.cpp and the GUI
// tests call them first thing:
//
//     int main(int argc, char *argv[])
//     {
//         tandem::ui::disableChromiumSandboxIfRoot();
//         tandem::ui::registerUrlSchemes();
//         QApplication app(argc, argv);
//         ...
//     }

// Registers the tandem-artifact: scheme through which the artifact pane serves its pages
// (setHtml() is capped at 2 MB). Qt WebEngine accepts schemes only before it starts.
void registerUrlSchemes();

// Chromium refuses to start as root unless its sandbox is off. Turns it off only when the
// effective uid is 0 and says so in the log; any other user keeps the sandbox.
void disableChromiumSandboxIfRoot();

} // namespace tandem::ui
