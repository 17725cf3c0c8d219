#pragma once

#include <QByteArray>
#include <QElapsedTimer>
#include <QList>
#include <QMutex>
#include <QString>

#include <atomic>
#include <thread>

// A loopback HTTP server for client tests: each connection gets the next canned response,
// written piece by piece (every piece its own TCP write, Nagle off, a pause between), so the
// client really sees the cuts. It keeps every request it received.
class ReplayServer
{
public:
    struct Response
    {
        QByteArray status = "200 OK";
        QList<QByteArray> pieces;
        QByteArray headers = {}; // extra header lines, each ending in \r\n ("Retry-After: 1")
    };

    explicit ReplayServer(QList<Response> responses);
    ~ReplayServer();

    quint16 port() const { return m_port; }
    QString baseUrl() const;
    QList<QByteArray> requestBodies() const;
    QList<QByteArray> requestHeads() const;
    // When each request arrived, in milliseconds since the server started.
    QList<qint64> requestTimes() const;

    // Cuts a byte stream into pieces of 1..maxPiece bytes at seeded random points.
    static QList<QByteArray> cut(const QByteArray &stream, int maxPiece, quint32 seed);

private:
    void serve();
    void answer(int client, const Response &response);

    QList<Response> m_responses;
    int m_listener = -1;
    quint16 m_port = 0;
    std::atomic<bool> m_stopping{false};
    mutable QMutex m_mutex;
    QList<QByteArray> m_bodies;
    QList<QByteArray> m_heads;
    QList<qint64> m_times;
    QElapsedTimer m_clock;
    std::thread m_thread;
};
