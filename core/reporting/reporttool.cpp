#include "reporting/reporttool.h"

#include <QBuffer>
#include <QDateTime>
#include <QFile>
#include <QGuiApplication>
#include <QPageSize>
#include <QPainter>
#include <QPdfWriter>
#include <QRegularExpression>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace tandem::reporting {

using nlohmann::json;

namespace {

constexpr char kFolder[] = "reports";
constexpr int kMargin = 600; // in the writer's units, 1/1200 inch
constexpr int kLine = 320;

QString figure(const json &value)
{
    if (value.is_number_float())
        return QString::number(value.get<double>(), 'f', 2);
    if (value.is_number())
        return QString::number(value.get<long long>());
    if (value.is_string())
        return QString::fromStdString(value.get<std::string>());
    return QString::fromStdString(value.dump());
}

QString label(const std::string &key)
{
    QString text = QString::fromStdString(key);
    text.replace(QLatin1Char('_'), QLatin1Char(' '));
    if (!text.isEmpty())
        text[0] = text[0].toUpper();
    return text;
}

// One horizontal bar per entry, scaled to the largest.
int drawBars(QPainter &painter, int top, int width, const json &values)
{
    double largest = 0;
    for (const auto &[key, value] : values.items())
        largest = std::max(largest, value.is_number() ? value.get<double>() : 0.0);
    if (largest <= 0)
        return top;
    const int labelWidth = width / 4;
    for (const auto &[key, value] : values.items()) {
        const double share = value.is_number() ? value.get<double>() / largest : 0;
        painter.drawText(kMargin, top + kLine - 60, QString::fromStdString(key));
        painter.fillRect(kMargin + labelWidth, top + 40, int((width - labelWidth) * 0.7 * share),
                         kLine - 100, QColor(0x3b, 0x82, 0xf6));
        painter.drawText(kMargin + labelWidth + int((width - labelWidth) * 0.7 * share) + 80,
                         top + kLine - 60, figure(value));
        top += kLine;
    }
    return top;
}

} // namespace

ReportTool::ReportTool(QString workspace, QString workspaceInside)
    : m_workspace(std::move(workspace))
    , m_workspaceInside(std::move(workspaceInside))
{}

llm::ToolSpec ReportTool::spec() const
{
    const json schema = {
        {"type", "object"},
        {"properties",
         {{"title", {{"type", "string"}, {"minLength", 1}, {"maxLength", 120}}},
          {"kpis",
           {{"type", "object"},
            {"description", "Figures to report, e.g. the result of compute_kpis"}}}}},
        {"required", {"title", "kpis"}},
        {"additionalProperties", false}};
    return {"generate_report",
            "Write a PDF report of the given KPIs to reports/<title>.pdf in the workspace; "
            "returns {\"path\": ...} as the sandbox sees it.",
            schema,
            {},
            {llm::callers::kCodeExecution20250825, llm::callers::kCodeExecution20260120}};
}

QString ReportTool::fileNameFor(const QString &title)
{
    QString slug = title.toLower();
    slug.replace(QRegularExpression(QStringLiteral("[^a-z0-9]+")), QStringLiteral("-"));
    slug = slug.mid(0, 60);
    while (slug.startsWith(QLatin1Char('-')))
        slug.remove(0, 1);
    while (slug.endsWith(QLatin1Char('-')))
        slug.chop(1);
    return (slug.isEmpty() ? QStringLiteral("report") : slug) + QStringLiteral(".pdf");
}

tools::ToolOutput ReportTool::run(const json &input, const base::CancelToken &)
{
    if (!qobject_cast<QGuiApplication *>(QCoreApplication::instance()))
        return tools::ToolOutput::error("generate_report needs Tandem's GUI libraries to draw "
                                        "the PDF, and this process has none.");
    const QString title = QString::fromStdString(input.at("title").get<std::string>());
    const QString fileName = fileNameFor(title);
    const QByteArray pdf = render(title, input.at("kpis"));
    if (auto saved = save(fileName, pdf); !saved)
        return tools::ToolOutput::error(saved.error().message.toStdString());

    const QString inside =
        m_workspaceInside + QLatin1Char('/') + QLatin1String(kFolder) + QLatin1Char('/') + fileName;
    return tools::ToolOutput::ok(json({{"path", inside.toStdString()}}).dump());
}

QByteArray ReportTool::render(const QString &title, const json &kpis)
{
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    {
        QPdfWriter writer(&buffer);
        writer.setPageSize(QPageSize(QPageSize::A4));
        writer.setResolution(1200);
        writer.setTitle(title);
        writer.setCreator(QStringLiteral("Tandem"));
        QPainter painter(&writer);
        const int width = writer.width() - 2 * kMargin;

        QFont heading(QStringLiteral("DejaVu Sans"), 18, QFont::Bold);
        QFont body(QStringLiteral("DejaVu Sans"), 10);
        painter.setFont(heading);
        int top = kMargin + 400;
        painter.drawText(kMargin, top, title);
        painter.setFont(body);
        top += kLine * 2;
        painter.drawText(kMargin, top,
                         QStringLiteral("Generated by Tandem on %1")
                             .arg(QDateTime::currentDateTimeUtc().toString(Qt::ISODate)));
        top += kLine * 2;

        for (const auto &[key, value] : kpis.items()) {
            if (value.is_object())
                continue;
            painter.drawText(kMargin, top, label(key));
            painter.drawText(kMargin + width / 2, top, figure(value));
            top += kLine;
        }
        for (const auto &[key, value] : kpis.items()) {
            if (!value.is_object() || value.empty())
                continue;
            top += kLine;
            painter.setFont(QFont(QStringLiteral("DejaVu Sans"), 12, QFont::Bold));
            painter.drawText(kMargin, top, label(key));
            painter.setFont(body);
            top = drawBars(painter, top + kLine / 2, width, value);
        }
    }
    return buffer.data();
}

base::Status ReportTool::save(const QString &fileName, const QByteArray &pdf) const
{
    const auto failure = [](const QString &what) {
        return base::fail("report_unwritable",
                          QStringLiteral("Cannot save the report: %1 (%2).")
                              .arg(what, QString::fromUtf8(std::strerror(errno))));
    };
    const int root =
        ::open(QFile::encodeName(m_workspace).constData(), O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (root < 0)
        return failure(QStringLiteral("the workspace"));
    if (::mkdirat(root, kFolder, 0755) != 0 && errno != EEXIST) {
        ::close(root);
        return failure(QStringLiteral("reports/"));
    }
    const int folder = ::openat(root, kFolder, O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    ::close(root);
    if (folder < 0)
        return failure(QStringLiteral("reports/ is not a plain folder"));

    const QByteArray name = QFile::encodeName(fileName);
    const QByteArray temporary = "." + name + ".tandem-" + QByteArray::number(::getpid());
    const int fd = ::openat(folder, temporary.constData(),
                            O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    bool written = fd >= 0 && ::write(fd, pdf.constData(), size_t(pdf.size())) == pdf.size();
    if (fd >= 0)
        written = ::close(fd) == 0 && written;
    // rename() replaces a link planted under the final name, never what it points at.
    written = written && ::renameat(folder, temporary.constData(), folder, name.constData()) == 0;
    if (!written)
        ::unlinkat(folder, temporary.constData(), 0);
    ::close(folder);
    return written ? base::Status{} : failure(QStringLiteral("reports/") + fileName);
}

} // namespace tandem::reporting
