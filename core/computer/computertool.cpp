#include "computer/computertool.h"

#include "computer/approvalgate.h"
#include "computer/keychord.h"
#include "computer/pause.h"
#include "computer/screenshotencoder.h"

#include "audit/auditlog.h"

#include <QLoggingCategory>

#include <opencv2/core.hpp>

#include <algorithm>

namespace tandem::computer {

Q_DECLARE_LOGGING_CATEGORY(lcComputer)

using nlohmann::json;

struct ComputerTool::Outcome
{
    std::string text;
    bool isError = false;
    bool refused = false;
    cv::Mat image; // what the model sees next, already at its final size
    QList<QPoint> points; // declared coordinates the action used

    static Outcome error(const base::Error &error)
    {
        Outcome outcome;
        outcome.text = error.message.toStdString();
        outcome.isError = true;
        // An unknown action counts like a refusal: a model that keeps asking for one would
        // otherwise never be stopped.
        outcome.refused = error.code == QStringLiteral("refused")
                          || error.code == QStringLiteral("out_of_range")
                          || error.code == QStringLiteral("unknown_action");
        return outcome;
    }
    static Outcome error(const QString &message) { return error(base::Error::make({}, message)); }
};

namespace {

constexpr int thumbnailWidth = 160;
constexpr double longestWaitSeconds = 100.0;
constexpr std::chrono::milliseconds gapBetweenClicks{40};

QRect chooseArea(Desktop &desktop, const ComputerToolOptions &options)
{
    const std::vector<Monitor> monitors = desktop.monitors();
    std::optional<QPoint> windowCentre;
    for (const WindowInfo &window : desktop.windows()) {
        if (options.targetWindow && window.id == *options.targetWindow)
            windowCentre = window.geometry.center();
    }

    const Monitor *chosen = nullptr;
    for (const Monitor &monitor : monitors) {
        const bool named = !options.monitor.isEmpty() && monitor.name == options.monitor;
        const bool holdsWindow =
            options.monitor.isEmpty() && windowCentre && monitor.geometry.contains(*windowCentre);
        if (named || holdsWindow)
            return monitor.geometry;
        if (!chosen || (monitor.primary && !chosen->primary))
            chosen = &monitor;
    }
    return chosen ? chosen->geometry : desktop.screenBounds();
}

std::optional<QPoint> readPoint(const json &value)
{
    if (!value.is_array() || value.size() != 2 || !value[0].is_number() || !value[1].is_number())
        return std::nullopt;
    return QPoint(int(std::lround(value[0].get<double>())),
                  int(std::lround(value[1].get<double>())));
}

std::optional<double> readSeconds(const json &input)
{
    const auto it = input.find("duration");
    if (it == input.end() || !it->is_number())
        return std::nullopt;
    const double seconds = it->get<double>();
    if (seconds < 0 || seconds > longestWaitSeconds)
        return std::nullopt;
    return seconds;
}

std::chrono::milliseconds toMilliseconds(double seconds)
{
    return std::chrono::milliseconds(std::llround(seconds * 1000.0));
}

QString textField(const json &input)
{
    const auto it = input.find("text");
    return it != input.end() && it->is_string() ? QString::fromStdString(it->get<std::string>())
                                                : QString();
}

QImage toImage(const cv::Mat &bgr)
{
    if (bgr.empty())
        return {};
    return QImage(bgr.data, bgr.cols, bgr.rows, qsizetype(bgr.step), QImage::Format_BGR888).copy();
}

json schema()
{
    const json point = {{"type", "array"}, {"items", {{"type", "integer"}}}};
    return {{"type", "object"},
            {"properties",
             {{"action", {{"type", "string"}}},
              {"coordinate", point},
              {"start_coordinate", point},
              {"region", {{"type", "array"}, {"items", {{"type", "integer"}}}}},
              {"text", {{"type", "string"}}},
              {"duration", {{"type", "number"}}},
              {"scroll_direction", {{"type", "string"}, {"enum", {"up", "down", "left", "right"}}}},
              {"scroll_amount", {{"type", "integer"}}}}},
            {"required", {"action"}}};
}

} // namespace

ComputerTool::ComputerTool(Desktop &desktop, ComputerToolOptions options, audit::AuditLog *audit,
                           ApprovalGate *approvals)
    : m_desktop(desktop)
    , m_options(std::move(options))
    , m_audit(audit)
    , m_approvals(approvals)
    , m_scaling(chooseArea(desktop, m_options), m_options.limits)
    , m_policy(m_options.targetWindow)
    , m_settle(m_options.settle)
{
    rememberTargetTitle();
}

void ComputerTool::setTargetWindow(quint64 window)
{
    m_options.targetWindow = window;
    m_scaling = DisplayScaling(chooseArea(m_desktop, m_options), m_options.limits);
    m_policy = ConfinementPolicy(window);
    m_refusalsInARow = 0;
    m_lastFrame = cv::Mat();
    rememberTargetTitle();
}

void ComputerTool::rememberTargetTitle()
{
    m_targetTitle.clear();
    for (const WindowInfo &window : m_desktop.windows()) {
        if (m_options.targetWindow && window.id == *m_options.targetWindow)
            m_targetTitle = window.title;
    }
}

void ComputerTool::setStepObserver(std::function<void(const ComputerStep &)> observer)
{
    m_observer = std::move(observer);
}

llm::ToolSpec ComputerTool::spec() const
{
    const QSize size = m_scaling.declaredSize();
    llm::ToolSpec spec{"computer",
                       "Use the mouse and keyboard on the screen and take screenshots. "
                       "Coordinates are pixels of the screenshot, whose size is "
                           + std::to_string(size.width()) + "x" + std::to_string(size.height())
                           + ".",
                       schema(),
                       m_options.version.toStdString(),
                       {}};
    spec.nativeParameters = {{"display_width_px", size.width()},
                             {"display_height_px", size.height()}};
    const bool newest = m_options.version == QStringLiteral("computer_20251124");
    if (newest)
        spec.nativeParameters["enable_zoom"] = true;
    spec.betaFeature = newest ? "computer-use-2025-11-24" : "computer-use-2025-01-24";
    return spec;
}

tools::ToolOutput ComputerTool::run(const json &input, const base::CancelToken &cancel)
{
    const QString action = QString::fromStdString(input.value("action", std::string()));
    Outcome outcome;
    if (cancel.isCancelled())
        outcome = Outcome::error(QStringLiteral("Stopped by the user."));
    else if (m_refusalsInARow >= m_options.maxRefusalsInARow)
        outcome = Outcome::error(QStringLiteral("Computer use is stopped after too many refused "
                                                "actions in a row."));
    else if (targetIsGone())
        outcome = windowGone(cancel);
    else
        outcome = dispatch(action, input, cancel);

    // Nothing may stay pressed after a step, whatever went wrong during it.
    m_desktop.releaseAll();
    return finish(input, std::move(outcome), cancel);
}

ComputerTool::Outcome ComputerTool::dispatch(const QString &action, const json &input,
                                             const base::CancelToken &cancel)
{
    static const QStringList clicks = {"left_click", "right_click", "middle_click", "double_click",
                                       "triple_click"};
    if (action == QStringLiteral("screenshot"))
        return screenshot();
    if (clicks.contains(action))
        return click(action, input, cancel);
    if (action == QStringLiteral("mouse_move"))
        return moveTo(input, cancel);
    if (action == QStringLiteral("left_click_drag"))
        return drag(input, cancel);
    if (action == QStringLiteral("left_mouse_down") || action == QStringLiteral("left_mouse_up"))
        return buttonOnly(MouseButton::Left, action.endsWith(QStringLiteral("down")), input,
                          cancel);
    if (action == QStringLiteral("scroll"))
        return scroll(input, cancel);
    if (action == QStringLiteral("key") || action == QStringLiteral("hold_key"))
        return pressKeys(input, action == QStringLiteral("hold_key"), cancel);
    if (action == QStringLiteral("type"))
        return type(input, cancel);
    if (action == QStringLiteral("cursor_position"))
        return cursorPosition();
    if (action == QStringLiteral("wait"))
        return wait(input, cancel);
    if (action == QStringLiteral("zoom")
        && m_options.version == QStringLiteral("computer_20251124"))
        return zoom(input);

    const QString zoom = m_options.version == QStringLiteral("computer_20251124")
                             ? QStringLiteral(", zoom")
                             : QString();
    return Outcome::error(base::Error::make(
        QStringLiteral("unknown_action"),
        QStringLiteral("Unknown action \"%1\". Use one of: screenshot, left_click, right_click, "
                       "middle_click, double_click, triple_click, mouse_move, left_click_drag, "
                       "left_mouse_down, left_mouse_up, scroll, key, hold_key, type, "
                       "cursor_position, wait%2.")
            .arg(action, zoom)));
}

bool ComputerTool::targetIsGone()
{
    if (!m_options.targetWindow)
        return false;
    const auto windows = m_desktop.windows();
    return std::none_of(windows.begin(), windows.end(), [this](const WindowInfo &window) {
        return window.id == *m_options.targetWindow;
    });
}

// Every later action would be refused the same way, so the loop ends at once rather than after
// the usual run of refusals; the model and the user read why.
ComputerTool::Outcome ComputerTool::windowGone(const base::CancelToken &cancel)
{
    cancel.cancel();
    return Outcome::error(QStringLiteral("The window the user allowed (\"%1\") is gone: it was "
                                         "closed or hidden. Computer use is stopped; the user "
                                         "can pick another window.")
                              .arg(m_targetTitle));
}

base::Status ComputerTool::allowed(const PolicyDecision &decision, const QString &action,
                                   const base::CancelToken &cancel)
{
    using Verdict = PolicyDecision::Verdict;
    if (decision.verdict == Verdict::Allow)
        return {};
    if (decision.verdict == Verdict::Refuse)
        return base::fail(QStringLiteral("refused"), decision.reason);

    if (!m_approvals)
        return base::fail(
            QStringLiteral("refused"),
            QStringLiteral("The user did not approve this action: %1").arg(decision.reason));
    const base::Status approved = m_approvals->approve(action, decision.reason, cancel);
    if (approved)
        return {};
    return base::fail(QStringLiteral("refused"),
                      QStringLiteral("%1 %2").arg(decision.reason, approved.error().message));
}

base::Result<QPoint> ComputerTool::targetPoint(const json &input, const char *field, bool required,
                                               const base::CancelToken &cancel, Outcome &outcome)
{
    QPoint screen;
    const auto it = input.find(field);
    if (it != input.end()) {
        const auto declared = readPoint(*it);
        if (!declared)
            return base::fail(QStringLiteral("bad_input"),
                              QStringLiteral("`%1` must be [x, y] in screenshot pixels.")
                                  .arg(QLatin1String(field)));
        auto mapped = m_scaling.toScreen(*declared);
        if (!mapped)
            return std::unexpected(mapped.error());
        screen = *mapped;
        outcome.points.append(*declared);
    } else if (required) {
        return base::fail(QStringLiteral("bad_input"),
                          QStringLiteral("`%1` is required: [x, y] in screenshot pixels.")
                              .arg(QLatin1String(field)));
    } else {
        auto pointer = m_desktop.pointer();
        if (!pointer)
            return std::unexpected(pointer.error());
        screen = *pointer;
        outcome.points.append(m_scaling.toDeclared(screen));
    }

    const auto decision = m_policy.checkPoint(screen, m_desktop.windows());
    if (auto ok = allowed(
            decision, QStringLiteral("pointer at %1, %2").arg(screen.x()).arg(screen.y()), cancel);
        !ok)
        return std::unexpected(ok.error());
    return screen;
}

base::Status ComputerTool::withModifiers(const json &input,
                                         const std::function<base::Status()> &act)
{
    const QString text = textField(input);
    QStringList modifiers;
    if (!text.isEmpty()) {
        auto chords = parseKeyChords(text);
        if (!chords || chords->size() != 1)
            return base::fail(QStringLiteral("bad_input"),
                              QStringLiteral("`text` holds the keys to hold during the action, "
                                             "as in \"shift\" or \"ctrl+shift\"."));
        modifiers = chords->front().keys;
    }

    base::Status status;
    int pressed = 0;
    for (; pressed < modifiers.size() && status; ++pressed)
        status = m_desktop.setKey(modifiers[pressed], true);
    if (status)
        status = act();
    for (int i = pressed - 1; i >= 0; --i)
        m_desktop.setKey(modifiers[i], false);
    return status;
}

ComputerTool::Outcome ComputerTool::click(const QString &action, const json &input,
                                          const base::CancelToken &cancel)
{
    Outcome outcome;
    const auto point = targetPoint(input, "coordinate", false, cancel, outcome);
    if (!point)
        return Outcome::error(point.error());

    const MouseButton button = action == QStringLiteral("right_click")    ? MouseButton::Right
                               : action == QStringLiteral("middle_click") ? MouseButton::Middle
                                                                          : MouseButton::Left;
    const int times = action == QStringLiteral("double_click")   ? 2
                      : action == QStringLiteral("triple_click") ? 3
                                                                 : 1;
    const auto status = withModifiers(input, [&]() -> base::Status {
        if (auto moved = m_desktop.movePointer(*point); !moved)
            return moved;
        for (int i = 0; i < times; ++i) {
            // Clicks stamped the same millisecond are one click to some toolkits (Chromium):
            // a short gap, far below any double-click interval, makes them a double click.
            if (i > 0 && !pauseFor(gapBetweenClicks, cancel))
                return base::fail(QStringLiteral("cancelled"),
                                  QStringLiteral("Stopped by the user."));
            if (auto down = m_desktop.setButton(button, true); !down)
                return down;
            if (auto up = m_desktop.setButton(button, false); !up)
                return up;
        }
        return {};
    });
    if (!status)
        return Outcome::error(status.error());

    return settledAfter(outcome, cancel);
}

ComputerTool::Outcome ComputerTool::moveTo(const json &input, const base::CancelToken &cancel)
{
    Outcome outcome;
    const auto point = targetPoint(input, "coordinate", true, cancel, outcome);
    if (!point)
        return Outcome::error(point.error());
    if (auto moved = m_desktop.movePointer(*point); !moved)
        return Outcome::error(moved.error());

    return settledAfter(outcome, cancel);
}

ComputerTool::Outcome ComputerTool::buttonOnly(MouseButton button, bool down, const json &input,
                                               const base::CancelToken &cancel)
{
    Outcome outcome;
    const auto point = targetPoint(input, "coordinate", false, cancel, outcome);
    if (!point)
        return Outcome::error(point.error());

    auto status = m_desktop.movePointer(*point);
    if (status)
        status = m_desktop.setButton(button, down);
    if (!status)
        return Outcome::error(status.error());

    return settledAfter(outcome, cancel);
}

ComputerTool::Outcome ComputerTool::drag(const json &input, const base::CancelToken &cancel)
{
    Outcome outcome;
    const auto from = targetPoint(input, "start_coordinate", true, cancel, outcome);
    if (!from)
        return Outcome::error(from.error());
    const auto to = targetPoint(input, "coordinate", true, cancel, outcome);
    if (!to)
        return Outcome::error(to.error());

    // Intermediate motion so the application sees a drag, not a jump between two clicks.
    constexpr int steps = 8;
    const auto status = withModifiers(input, [&]() -> base::Status {
        auto ok = m_desktop.movePointer(*from);
        if (ok)
            ok = m_desktop.setButton(MouseButton::Left, true);
        for (int i = 1; i <= steps && ok; ++i) {
            ok = m_desktop.movePointer(*from + (*to - *from) * i / steps);
            if (ok && !pauseFor(std::chrono::milliseconds(4), cancel))
                ok =
                    base::fail(QStringLiteral("cancelled"), QStringLiteral("Stopped by the user."));
        }
        m_desktop.setButton(MouseButton::Left, false);
        return ok;
    });
    if (!status)
        return Outcome::error(status.error());

    return settledAfter(outcome, cancel);
}

ComputerTool::Outcome ComputerTool::scroll(const json &input, const base::CancelToken &cancel)
{
    static const std::map<std::string, MouseButton> directions = {
        {"up", MouseButton::WheelUp},
        {"down", MouseButton::WheelDown},
        {"left", MouseButton::WheelLeft},
        {"right", MouseButton::WheelRight}};
    const auto direction = directions.find(input.value("scroll_direction", std::string()));
    if (direction == directions.end())
        return Outcome::error(
            QStringLiteral("`scroll_direction` must be up, down, left or right."));
    const auto amount = input.find("scroll_amount");
    const bool amountOk = amount != input.end() && amount->is_number_integer()
                          && amount->get<int>() >= 0 && amount->get<int>() <= 100;
    if (!amountOk)
        return Outcome::error(QStringLiteral("`scroll_amount` must be a whole number of wheel "
                                             "clicks from 0 to 100."));

    Outcome outcome;
    const auto point = targetPoint(input, "coordinate", false, cancel, outcome);
    if (!point)
        return Outcome::error(point.error());
    const auto status = withModifiers(input, [&]() -> base::Status {
        auto ok = m_desktop.movePointer(*point);
        for (int i = 0; i < amount->get<int>() && ok; ++i) {
            ok = m_desktop.setButton(direction->second, true);
            if (ok)
                ok = m_desktop.setButton(direction->second, false);
        }
        return ok;
    });
    if (!status)
        return Outcome::error(status.error());

    return settledAfter(outcome, cancel);
}

ComputerTool::Outcome ComputerTool::pressKeys(const json &input, bool hold,
                                              const base::CancelToken &cancel)
{
    const auto chords = parseKeyChords(textField(input));
    if (!chords)
        return Outcome::error(chords.error());
    const auto seconds = hold ? readSeconds(input) : std::optional<double>(0);
    if (!seconds)
        return Outcome::error(QStringLiteral("`duration` must be a number of seconds from 0 to "
                                             "100."));

    const auto decision =
        m_policy.checkKeys(*chords, m_desktop.windows(), m_desktop.focusedWindow());
    if (auto ok = allowed(decision, QStringLiteral("keys %1").arg(textField(input)), cancel); !ok)
        return Outcome::error(ok.error());

    for (const KeyChord &chord : *chords) {
        base::Status status;
        int pressed = 0;
        for (; pressed < chord.keys.size() && status; ++pressed)
            status = m_desktop.setKey(chord.keys[pressed], true);
        if (status && hold)
            pauseFor(toMilliseconds(*seconds), cancel);
        for (int i = pressed - 1; i >= 0; --i)
            m_desktop.setKey(chord.keys[i], false);
        if (!status)
            return Outcome::error(status.error());
    }
    return settledScreenshot(cancel);
}

ComputerTool::Outcome ComputerTool::type(const json &input, const base::CancelToken &cancel)
{
    const QString text = textField(input);
    if (text.isEmpty())
        return Outcome::error(QStringLiteral("`text` is required: the characters to type."));

    const auto decision = m_policy.checkTyping(m_desktop.windows(), m_desktop.focusedWindow());
    if (auto ok = allowed(decision, QStringLiteral("type \"%1\"").arg(text.left(80)), cancel); !ok)
        return Outcome::error(ok.error());

    if (auto typed = m_desktop.typeText(text); !typed)
        return Outcome::error(typed.error());
    return settledScreenshot(cancel);
}

ComputerTool::Outcome ComputerTool::cursorPosition()
{
    const auto pointer = m_desktop.pointer();
    if (!pointer)
        return Outcome::error(pointer.error());

    const QPoint declared = m_scaling.toDeclared(*pointer);
    Outcome outcome;
    outcome.text = QStringLiteral("X=%1,Y=%2").arg(declared.x()).arg(declared.y()).toStdString();
    outcome.points.append(declared);
    return outcome;
}

ComputerTool::Outcome ComputerTool::wait(const json &input, const base::CancelToken &cancel)
{
    const auto seconds = readSeconds(input);
    if (!seconds)
        return Outcome::error(QStringLiteral("`duration` must be a number of seconds from 0 to "
                                             "100."));
    if (!pauseFor(toMilliseconds(*seconds), cancel))
        return Outcome::error(QStringLiteral("Stopped by the user."));
    return screenshot();
}

ComputerTool::Outcome ComputerTool::zoom(const json &input)
{
    const auto region = input.find("region");
    const bool shaped =
        region != input.end() && region->is_array() && region->size() == 4
        && std::all_of(region->begin(), region->end(), [](const json &v) { return v.is_number(); });
    if (!shaped)
        return Outcome::error(QStringLiteral("`region` must be [x0, y0, x1, y1] in screenshot "
                                             "pixels."));
    const auto corner = [&](int i) {
        return QPoint(int(std::lround((*region)[i].get<double>())),
                      int(std::lround((*region)[i + 1].get<double>())));
    };
    const auto area = m_scaling.toScreen(corner(0), corner(2));
    if (!area)
        return Outcome::error(area.error());

    auto frame = m_desktop.capture(*area);
    if (!frame)
        return Outcome::error(frame.error());
    // Shown as large as the declared size allows, never beyond the real pixels.
    const QSize shown = DisplayScaling::chooseDeclaredSize(
        area->size().scaled(m_scaling.declaredSize(), Qt::KeepAspectRatio).boundedTo(area->size()),
        m_options.limits);
    Outcome outcome;
    outcome.image = ScreenshotEncoder::resized(*frame, shown);
    outcome.points = {corner(0), corner(2)};
    return outcome;
}

ComputerTool::Outcome ComputerTool::screenshot()
{
    auto frame = m_desktop.capture(m_scaling.screenArea());
    if (!frame)
        return Outcome::error(frame.error());

    m_lastFrame = *frame;
    Outcome outcome;
    outcome.image = ScreenshotEncoder::resized(*frame, m_scaling.declaredSize());
    return outcome;
}

// The screen once it has settled after a pointer action, with the points that action used
// (for the monitor pane's drawing).
ComputerTool::Outcome ComputerTool::settledAfter(const Outcome &action,
                                                 const base::CancelToken &cancel)
{
    Outcome settled = settledScreenshot(cancel);
    settled.points = action.points;
    return settled;
}

ComputerTool::Outcome ComputerTool::settledScreenshot(const base::CancelToken &cancel)
{
    const QRect area = m_scaling.screenArea();
    // The last settled frame stands for the screen before this action.
    const auto settled =
        m_settle.waitUntilStill([&] { return m_desktop.capture(area); }, cancel, m_lastFrame);
    if (!settled)
        return Outcome::error(settled.error());
    if (settled->cancelled)
        return Outcome::error(QStringLiteral("Stopped by the user."));

    qCDebug(lcComputer) << "settled" << settled->settled << "after" << settled->elapsed.count()
                        << "ms," << settled->frames << "frames";
    m_lastFrame = settled->lastFrame;
    Outcome outcome;
    outcome.image = ScreenshotEncoder::resized(settled->lastFrame, m_scaling.declaredSize());
    return outcome;
}

tools::ToolOutput ComputerTool::finish(const json &input, Outcome outcome,
                                       const base::CancelToken &cancel)
{
    m_refusalsInARow = outcome.refused ? m_refusalsInARow + 1 : 0;
    if (m_refusalsInARow == m_options.maxRefusalsInARow) {
        outcome.text += " Computer use is now stopped: too many refused actions in a row.";
        cancel.cancel();
    }

    tools::ToolOutput output{outcome.text, outcome.isError, {}, {}};
    if (!outcome.image.empty()) {
        output.imageBase64 = ScreenshotEncoder::png(outcome.image).toBase64().toStdString();
        output.imageMediaType = "image/png";
    }

    if (m_audit) {
        json entry = {{"input", input}, {"is_error", outcome.isError}, {"result", outcome.text}};
        if (!outcome.image.empty())
            entry["thumbnail_jpeg"] = ScreenshotEncoder::thumbnail(outcome.image, thumbnailWidth)
                                          .toBase64()
                                          .toStdString();
        if (auto recorded = m_audit->record("computer_action", std::move(entry)); !recorded)
            qCWarning(lcComputer) << "audit:" << recorded.error().message;
    }

    if (m_observer)
        m_observer({input, outcome.points, outcome.isError, QString::fromStdString(outcome.text),
                    toImage(outcome.image)});
    return output;
}

} // namespace tandem::computer
