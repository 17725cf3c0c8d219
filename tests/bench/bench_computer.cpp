// One computer-use step without the model, at 1920x1080 on a private Xvfb with the probe
// window: Tandem's way (XShm capture, scale, PNG, XTEST click, settle by frame difference)
// against the reference demo's way run here (scrot, ImageMagick resize, xdotool, a fixed 2 s).

#include "../computer/xvfbserver.h"

#include "computer/computertool.h"
#include "computer/screenshotencoder.h"
#include "x11/x11desktop.h"

#include <QCoreApplication>
#include <QProcess>
#include <QTemporaryDir>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <thread>

using namespace tandem;
using Clock = std::chrono::steady_clock;

namespace {

double msSince(Clock::time_point start)
{
    return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

bool run(const QString &display, const QString &program, const QStringList &arguments)
{
    QProcess process;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("DISPLAY"), display);
    process.setProcessEnvironment(environment);
    process.start(program, arguments);
    return process.waitForFinished(20000) && process.exitCode() == 0;
}

// The demo's step: screenshot with scrot, resize with ImageMagick to its 16:9 target, read
// it for base64, click with xdotool, then its fixed delay before the next screenshot.
double demoStep(const QString &display, const QString &dir, QPoint click)
{
    const QString file = dir + QStringLiteral("/shot.png");
    const auto start = Clock::now();
    run(display, QStringLiteral("xdotool"),
        {"mousemove", "--sync", QString::number(click.x()), QString::number(click.y()), "click",
         "1"});
    std::this_thread::sleep_for(std::chrono::seconds(2));
    run(display, QStringLiteral("scrot"), {"-o", file});
    run(display, QStringLiteral("convert"), {file, "-resize", "1366x768!", file});
    QFile png(file);
    png.open(QIODevice::ReadOnly);
    const QByteArray encoded = png.readAll().toBase64();
    return encoded.isEmpty() ? -1 : msSince(start);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QTemporaryDir dir;
    computertesting::XvfbServer server;
    QString error;
    if (!server.start(QSize(1920, 1080), &error)) {
        std::fprintf(stderr, "bench_computer: %s\n", qPrintable(error));
        return 1;
    }
    computertesting::ProbeWindow probe(dir.path(), QStringLiteral("probe"));
    if (!probe.start(server, QRect(0, 0, 1920, 1080), QRect(900, 500, 24, 24), &error)) {
        std::fprintf(stderr, "bench_computer: %s\n", qPrintable(error));
        return 1;
    }
    auto desktop = x11::X11Desktop::open(server.display());
    if (!desktop) {
        std::fprintf(stderr, "bench_computer: %s\n", qPrintable(desktop.error().message));
        return 1;
    }
    computer::ComputerTool tool(**desktop, {});
    const QSize declared = tool.scaling().declaredSize();

    // Parts of a step, each alone.
    std::vector<double> capture, scale, encode, steps;
    for (int i = 0; i < 30; ++i) {
        auto start = Clock::now();
        const auto frame = (*desktop)->capture(QRect(0, 0, 1920, 1080));
        capture.push_back(msSince(start));
        start = Clock::now();
        const cv::Mat small = computer::ScreenshotEncoder::resized(*frame, declared);
        scale.push_back(msSince(start));
        start = Clock::now();
        computer::ScreenshotEncoder::png(small).toBase64();
        encode.push_back(msSince(start));
    }

    // Whole steps: click somewhere new (the probe marks it), settle, screenshot, encode.
    for (int i = 0; i < 30; ++i) {
        const int x = 100 + (i * 37) % (declared.width() - 200);
        const int y = 100 + (i * 53) % (declared.height() - 200);
        const auto start = Clock::now();
        const auto output = tool.run({{"action", "left_click"}, {"coordinate", {x, y}}}, {});
        steps.push_back(msSince(start));
        if (output.isError || output.imageBase64.empty()) {
            std::fprintf(stderr, "bench_computer: step failed: %s\n", output.text.c_str());
            return 1;
        }
    }

    std::vector<double> demo;
    for (int i = 0; i < 5; ++i)
        demo.push_back(demoStep(server.display(), dir.path(), QPoint(200 + i * 40, 300)));
    if (std::any_of(demo.begin(), demo.end(), [](double ms) { return ms < 0; })) {
        std::fprintf(stderr, "bench_computer: the demo method failed (scrot, convert, xdotool)\n");
        return 1;
    }

    std::printf("computer-use step at 1920x1080 (declared %dx%d), median of runs:\n",
                declared.width(), declared.height());
    std::printf("  %-44s %8.1f ms  (%s)\n", "capture", median(capture),
                (*desktop)->capturesThroughSharedMemory() ? "XShm" : "XGetImage");
    std::printf("  %-44s %8.1f ms\n", "scale to the declared size", median(scale));
    std::printf("  %-44s %8.1f ms\n", "PNG + base64", median(encode));
    std::printf("  %-44s %8.1f ms  (30 steps)\n", "Tandem step: click, settle, screenshot",
                median(steps));
    std::printf("  %-44s %8.1f ms  (5 steps)\n", "demo method: xdotool, 2 s, scrot, convert",
                median(demo));
    std::printf("computer-use: step %.0f ms p50, %.0fx faster than the demo method\n",
                median(steps), median(demo) / median(steps));
    return 0;
}
