// Measures what a trivial command costs in each way Tandem can run it, side by side in one run:
// a bare exec, the warm bubblewrap sandbox, a cold bubblewrap sandbox made for the one command,
// and, where a container engine answers, the container backend and `podman run` itself.
// Prints every median and the ratios; the last line is the headline figure.

#include "sandbox/bubblewrapsandbox.h"
#include "sandbox/containersandbox.h"
#include "sandbox/dockerengine.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <optional>
#include <spawn.h>
#include <sys/wait.h>
#include <vector>

extern char **environ;

namespace {

using namespace tandem;

struct Figures
{
    QString name;
    int runs = 0;
    double p50 = 0;
    double p90 = 0;
};

double percentile(std::vector<double> values, double fraction)
{
    std::sort(values.begin(), values.end());
    const auto index = static_cast<std::size_t>(fraction * double(values.size() - 1) + 0.5);
    return values.at(index);
}

// Runs `once` `runs` times after `warmUp` untimed runs; a run that fails ends the measurement.
std::optional<Figures> measure(const QString &name, int warmUp, int runs,
                               const std::function<bool()> &once)
{
    for (int i = 0; i < warmUp; ++i) {
        if (!once())
            return std::nullopt;
    }
    std::vector<double> millis;
    for (int i = 0; i < runs; ++i) {
        QElapsedTimer clock;
        clock.start();
        if (!once())
            return std::nullopt;
        millis.push_back(double(clock.nsecsElapsed()) / 1e6);
    }
    return Figures{name, runs, percentile(millis, 0.5), percentile(millis, 0.9)};
}

bool bareExec()
{
    char program[] = "/bin/true";
    char *argv[] = {program, nullptr};
    pid_t pid;
    if (posix_spawn(&pid, program, nullptr, nullptr, argv, environ) != 0)
        return false;
    int status = 0;
    return waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

sandbox::ExecRequest trivialCommand()
{
    sandbox::ExecRequest request;
    request.argv = {QStringLiteral("true")};
    return request;
}

bool runIn(sandbox::Sandbox &box)
{
    const auto result = box.exec(trivialCommand(), base::CancelToken());
    if (!result)
        std::fprintf(stderr, "bench: %s\n", qPrintable(result.error().message));
    else if (result->exitCode != 0)
        std::fprintf(stderr, "bench: `true` exited with %d (limit %s): %s\n", result->exitCode,
                     sandbox::Sandbox::limitName(result->limitHit), result->stderrData.constData());
    return result && result->exitCode == 0;
}

bool coldBubblewrap(const sandbox::SandboxPolicy &policy)
{
    sandbox::BubblewrapSandbox box(policy);
    if (!box.start())
        return false;
    const bool ok = runIn(box);
    box.stop();
    return ok;
}

// The engine DOCKER_HOST names (or the usual sockets), if one answers.
std::optional<sandbox::EngineEndpoint> answeringEngine()
{
    auto endpoint = sandbox::EngineEndpoint::fromEnvironment();
    if (!endpoint || !sandbox::DockerEngine(*endpoint).ping(std::chrono::seconds(2)))
        return std::nullopt;
    return *endpoint;
}

// Tandem's container backend on that engine, warm (one exec per command) or cold (a container
// per command).
std::optional<Figures> measureContainer(const sandbox::SandboxPolicy &policy,
                                        const sandbox::EngineEndpoint &endpoint, bool cold)
{
    sandbox::ContainerSandbox::Options options;
    options.endpoint = endpoint;
    options.cold = cold;
    options.image = qEnvironmentVariable("TANDEM_SANDBOX_IMAGE", "tandem-sandbox:1");
    sandbox::ContainerSandbox box(policy, options);
    if (auto started = box.start(); !started) {
        std::fprintf(stderr, "bench: %s\n", qPrintable(started.error().message));
        return std::nullopt;
    }
    auto figures =
        cold ? measure(QStringLiteral("container cold (new container)"), 2, 10,
                       [&] { return runIn(box); })
             : measure(QStringLiteral("container warm (exec)"), 3, 30, [&] { return runIn(box); });
    box.stop();
    return figures;
}

// Podman's store: the one DOCKER_HOST's private service uses when podman_service.py set it up
// (CONTAINERS_CONF, passed on as it is, and TANDEM_PODMAN_STORE), so that the image is found.
QStringList podmanStore()
{
    return qEnvironmentVariable("TANDEM_PODMAN_STORE").split(QLatin1Char(' '), Qt::SkipEmptyParts);
}

bool podmanRun(const QString &image)
{
    QProcess podman;
    podman.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    podman.setStandardOutputFile(QProcess::nullDevice());
    podman.start(QStringLiteral("podman"),
                 podmanStore()
                     + QStringList{QStringLiteral("run"), QStringLiteral("--rm"),
                                   QStringLiteral("--network=none"), image,
                                   QStringLiteral("true")});
    return podman.waitForFinished(60'000) && podman.exitStatus() == QProcess::NormalExit
           && podman.exitCode() == 0;
}

void print(const std::vector<Figures> &all)
{
    std::printf("%-34s %6s %10s %10s\n", "variant", "runs", "p50 ms", "p90 ms");
    for (const Figures &f : all)
        std::printf("%-34s %6d %10.3f %10.3f\n", qPrintable(f.name), f.runs, f.p50, f.p90);
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QTemporaryDir workspace;
    sandbox::SandboxPolicy policy;
    policy.workspace = workspace.path();

    std::vector<Figures> all;
    auto add = [&](std::optional<Figures> figures, const char *what) {
        if (figures)
            all.push_back(*figures);
        else
            std::printf("skipped: %s\n", what);
    };

    add(measure(QStringLiteral("bare exec"), 20, 300, bareExec), "bare exec");

    sandbox::BubblewrapSandbox warm(policy);
    if (auto started = warm.start(); !started) {
        std::fprintf(stderr, "bench: %s\n", qPrintable(started.error().message));
        return 1;
    }
    add(measure(QStringLiteral("bwrap warm (supervisor)"), 20, 300, [&] { return runIn(warm); }),
        "bwrap warm");
    warm.stop();
    add(measure(QStringLiteral("bwrap cold (new sandbox)"), 3, 40,
                [&] { return coldBubblewrap(policy); }),
        "bwrap cold");

    std::optional<Figures> containerWarm;
    if (const auto engine = answeringEngine()) {
        containerWarm = measureContainer(policy, *engine, false);
        add(containerWarm, "container warm");
        add(measureContainer(policy, *engine, true), "container cold");
    } else {
        std::printf("skipped: container backend (no engine answers: set DOCKER_HOST)\n");
    }

    const QString image = qEnvironmentVariable("TANDEM_SANDBOX_IMAGE", "tandem-sandbox:1");
    std::optional<Figures> podman;
    if (!QStandardPaths::findExecutable(QStringLiteral("podman")).isEmpty())
        podman = measure(QStringLiteral("podman run --network=none"), 2, 20,
                         [&] { return podmanRun(image); });
    add(podman, "podman run (podman missing, or no image: run packaging/build-sandbox-image.sh)");

    print(all);
    const double bare = all.front().p50;
    const double warmP50 = all.at(1).p50;
    std::printf("ratio warm bwrap / bare exec: %.2fx\n", warmP50 / bare);
    std::printf("ratio cold bwrap / warm bwrap: %.2fx\n", all.at(2).p50 / warmP50);
    if (containerWarm)
        std::printf("ratio container warm / warm bwrap: %.2fx\n", containerWarm->p50 / warmP50);
    if (containerWarm && podman)
        std::printf("ratio podman run / container warm: %.2fx\n", podman->p50 / containerWarm->p50);
    if (podman)
        std::printf("sandbox: warm bwrap %.3f ms p50, %.0fx faster than podman run\n", warmP50,
                    podman->p50 / warmP50);
    else
        std::printf("sandbox: warm bwrap %.3f ms p50, podman run not measured\n", warmP50);
    return 0;
}
