#!/usr/bin/python3
"""Serves bare git repositories over smart HTTP on 127.0.0.1, behind HTTP Basic auth.

Tandem's tests push to it to prove that credentials stay on the host and that a remote's
refusal reaches the user. Each request runs `git http-backend` as a CGI program.

    git_http_server.py --root DIR --user U --password P [--port 0] [--log FILE] [--verbose]

The first line on stdout is `listening on http://127.0.0.1:PORT`, and nothing follows it. With
--log, every request line and the Authorization header that came with it are appended to FILE,
one line each. Only --verbose writes to stderr (each response, and git's own complaints), so a
caller that never reads stderr cannot stall the server. The server exits when its parent
process goes away, so a crashed test leaves nothing behind.
"""

import argparse
import base64
import hmac
import http.server
import os
import shutil
import subprocess
import sys
import threading
import time
import urllib.parse
import zlib

CHUNK = 64 * 1024


def git_http_backend():
    """The backend lives in git's exec path, which `git --exec-path` names."""
    exec_path = subprocess.run(["git", "--exec-path"], capture_output=True, text=True,
                               check=True).stdout.strip()
    backend = os.path.join(exec_path, "git-http-backend")
    if not os.access(backend, os.X_OK):
        sys.exit(f"git-http-backend not found in {exec_path}: install git")
    return backend


class RequestLog:
    def __init__(self, path):
        self._path = path
        self._lock = threading.Lock()

    def record(self, request_line, authorization):
        if not self._path:
            return
        with self._lock, open(self._path, "a", encoding="utf-8") as log:
            log.write(f"{request_line}\tAuthorization: {authorization or '-'}\n")


class BodyReader:
    """Yields the request body, undoing chunked transfer and gzip content encodings."""

    def __init__(self, handler):
        self._rfile = handler.rfile
        self._headers = handler.headers

    def chunks(self):
        encoding = self._headers.get("Content-Encoding", "").strip().lower()
        raw = self._raw_chunks()
        if encoding in ("gzip", "x-gzip"):
            return self._gunzip(raw)
        return raw

    def _raw_chunks(self):
        if "chunked" in self._headers.get("Transfer-Encoding", "").lower():
            yield from self._dechunk()
            return
        remaining = int(self._headers.get("Content-Length", "0") or 0)
        while remaining > 0:
            data = self._rfile.read(min(CHUNK, remaining))
            if not data:
                return
            remaining -= len(data)
            yield data

    def _dechunk(self):
        while True:
            size_line = self._rfile.readline()
            if not size_line:
                return
            size = int(size_line.split(b";", 1)[0].strip() or b"0", 16)
            if size == 0:
                # Trailers end with an empty line.
                while self._rfile.readline().strip():
                    pass
                return
            remaining = size
            while remaining > 0:
                data = self._rfile.read(min(CHUNK, remaining))
                if not data:
                    return
                remaining -= len(data)
                yield data
            self._rfile.readline()

    @staticmethod
    def _gunzip(raw):
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        for data in raw:
            out = inflater.decompress(data)
            if out:
                yield out
        tail = inflater.flush()
        if tail:
            yield tail


class GitHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "TandemTestGit/1"

    def do_GET(self):
        self._serve()

    def do_POST(self):
        self._serve()

    def log_message(self, fmt, *args):
        if self.server.verbose:
            sys.stderr.write("git_http_server: " + (fmt % args) + "\n")

    def _serve(self):
        authorization = self.headers.get("Authorization")
        self.server.request_log.record(self.requestline, authorization)
        user = self._authenticated_user(authorization)
        if user is None:
            self._deny()
            return
        self._run_backend(user)

    def _authenticated_user(self, authorization):
        if not authorization or not authorization.startswith("Basic "):
            return None
        try:
            decoded = base64.b64decode(authorization[6:].strip(), validate=True).decode("utf-8")
        except (ValueError, UnicodeDecodeError):
            return None
        user, _, password = decoded.partition(":")
        expected = f"{self.server.user}:{self.server.password}"
        if not hmac.compare_digest(f"{user}:{password}".encode(), expected.encode()):
            return None
        return user

    def _deny(self):
        body = b"authentication required\n"
        # An unread request body would be taken for the next request: close instead.
        self.close_connection = True
        self.send_response(401)
        self.send_header("WWW-Authenticate", 'Basic realm="tandem-test"')
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def _cgi_environment(self, user):
        url = urllib.parse.urlsplit(self.path)
        env = {key: value for key, value in os.environ.items()
               if not key.startswith("GIT_") and not key.startswith("HTTP_")}
        env.update({
            "GATEWAY_INTERFACE": "CGI/1.1",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "SERVER_SOFTWARE": self.server_version,
            "GIT_PROJECT_ROOT": self.server.root,
            "GIT_HTTP_EXPORT_ALL": "1",
            "PATH_INFO": urllib.parse.unquote(url.path),
            "QUERY_STRING": url.query,
            "REQUEST_METHOD": self.command,
            "CONTENT_TYPE": self.headers.get("Content-Type", ""),
            "REMOTE_USER": user,
            "REMOTE_ADDR": self.client_address[0],
        })
        protocol = self.headers.get("Git-Protocol")
        if protocol:
            env["GIT_PROTOCOL"] = protocol
        length = self.headers.get("Content-Length")
        plain = not self.headers.get("Content-Encoding") and \
            "chunked" not in self.headers.get("Transfer-Encoding", "").lower()
        if length and plain:
            env["CONTENT_LENGTH"] = length
        return env

    def _run_backend(self, user):
        backend = subprocess.Popen([self.server.backend], env=self._cgi_environment(user),
                                   stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                   stderr=None if self.server.verbose else subprocess.DEVNULL)
        feeder = threading.Thread(target=self._feed, args=(backend.stdin,), daemon=True)
        feeder.start()
        try:
            self._relay(backend.stdout)
        finally:
            feeder.join()
            backend.stdout.close()
            backend.wait()

    def _feed(self, stdin):
        try:
            for data in BodyReader(self).chunks():
                stdin.write(data)
        except (BrokenPipeError, ConnectionError, zlib.error) as error:
            self.log_message("request body: %s", error)
            self.close_connection = True
        finally:
            try:
                stdin.close()
            except BrokenPipeError:
                pass

    def _relay(self, stdout):
        status, headers = self._cgi_headers(stdout)
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        while True:
            data = stdout.read1(CHUNK)
            if not data:
                break
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
            self.wfile.flush()
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    @staticmethod
    def _cgi_headers(stdout):
        status, headers = 200, []
        while True:
            line = stdout.readline().rstrip(b"\r\n")
            if not line:
                return status, headers
            name, _, value = line.decode("latin-1").partition(":")
            value = value.strip()
            if name.lower() == "status":
                status = int(value.split()[0])
            else:
                headers.append((name, value))


class GitServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port, args):
        super().__init__(("127.0.0.1", port), GitHandler)
        self.root = os.path.abspath(args.root)
        self.user = args.user
        self.password = args.password
        self.backend = git_http_backend()
        self.request_log = RequestLog(args.log)
        self.verbose = args.verbose


def exit_with_parent(server):
    """A test that dies without killing its server must not leave the server running."""
    parent = os.getppid()
    while os.getppid() == parent:
        time.sleep(0.5)
    server.shutdown()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", required=True, help="folder holding the bare repositories")
    parser.add_argument("--user", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--log", help="append each request line and Authorization header here")
    parser.add_argument("--verbose", action="store_true", help="report each response on stderr")
    args = parser.parse_args()

    if not shutil.which("git"):
        sys.exit("git not found on PATH")
    server = GitServer(args.port, args)
    threading.Thread(target=exit_with_parent, args=(server,), daemon=True).start()
    print(f"listening on http://127.0.0.1:{server.server_address[1]}", flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
