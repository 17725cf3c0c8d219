#include "sandbox/streamdemuxer.h"

#include <QtTest>

using namespace tandem::sandbox;

namespace {

QByteArray frame(char stream, const QByteArray &payload)
{
    QByteArray header(8, '\0');
    header[0] = stream;
    const quint32 size = quint32(payload.size());
    header[4] = char(size >> 24);
    header[5] = char(size >> 16);
    header[6] = char(size >> 8);
    header[7] = char(size);
    return header + payload;
}

} // namespace

class tst_StreamDemuxer : public QObject
{
    Q_OBJECT

private slots:
    void splitsAtEveryPossiblePlace();
    void largeFrame();
};

void tst_StreamDemuxer::splitsAtEveryPossiblePlace()
{
    const QByteArray stream =
        frame(1, "out one\n") + frame(2, "err\n") + frame(1, QByteArray()) + frame(1, "out two\n");
    // Two reads cut anywhere, then one byte at a time: the result never changes.
    for (qsizetype cut = 0; cut <= stream.size(); ++cut) {
        QByteArray out, err;
        StreamDemuxer demuxer([&](StreamDemuxer::Stream s, const char *data, qint64 size) {
            (s == StreamDemuxer::Stream::Stderr ? err : out).append(data, size);
        });
        demuxer.feed(stream.constData(), cut);
        for (qsizetype i = cut; i < stream.size(); ++i)
            demuxer.feed(stream.constData() + i, 1);
        QCOMPARE(out, QByteArray("out one\nout two\n"));
        QCOMPARE(err, QByteArray("err\n"));
        QVERIFY(demuxer.atFrameBoundary());
    }
}

void tst_StreamDemuxer::largeFrame()
{
    const QByteArray payload(300'000, 'x');
    const QByteArray stream = frame(2, payload);
    QByteArray err;
    StreamDemuxer demuxer(
        [&](StreamDemuxer::Stream, const char *data, qint64 size) { err.append(data, size); });
    demuxer.feed(stream.constData(), 5);
    QVERIFY(!demuxer.atFrameBoundary());
    demuxer.feed(stream.constData() + 5, stream.size() - 5);
    QCOMPARE(err, payload);
}

QTEST_GUILESS_MAIN(tst_StreamDemuxer)
#include "tst_streamdemuxer.moc"
