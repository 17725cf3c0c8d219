#include "ptc/toolmodule.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>

namespace tandem::ptc {

using nlohmann::json;

namespace {

// The part of the Python module that does not depend on the tools.
constexpr char kPythonRuntime[] = R"PY(
import asyncio as _asyncio
import itertools as _itertools
import json as _json
import os as _os
import socket as _socket
import struct as _struct
import threading as _threading

__all__ = ["ToolError", "call", "send_raw", "aio"]


class ToolError(Exception):
    """A tool call that the host refused or that the tool itself failed.

    kind is the broker's reason: not_allowed, invalid_input, budget_exhausted, bad_request,
    result_too_large, tool_error, or channel_closed."""

    def __init__(self, kind, message):
        super().__init__(f"{kind}: {message}")
        self.kind = kind
        self.message = message


_SOCKET = _os.environ.get("TANDEM_TOOLS_SOCKET", "")
_local = _threading.local()
_ids = _itertools.count(1)
_MISSING = object()


def _connection():
    if getattr(_local, "sock", None) is None:
        sock = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
        try:
            sock.connect(_SOCKET)
        except OSError as e:
            sock.close()
            raise ToolError("channel_closed", f"cannot reach Tandem's tool channel: {e}") from None
        _local.sock = sock
        _local.reader = sock.makefile("rb")
    return _local.sock, _local.reader


def _drop():
    sock = getattr(_local, "sock", None)
    if sock is not None:
        _local.reader.close()
        sock.close()
    _local.sock = None


def _exchange(payload):
    sock, reader = _connection()
    try:
        sock.sendall(_struct.pack(">I", len(payload)) + payload)
        while True:
            header = reader.read(4)
            if len(header) < 4:
                raise ToolError("channel_closed", "Tandem closed the tool channel")
            (size,) = _struct.unpack(">I", header)
            answer = _json.loads(reader.read(size))
            if answer.get("id") is None:
                _drop()  # the host closes a connection whose frame it could not read
            yield answer
            if not answer.get("more"):
                return
    except OSError as e:
        _drop()
        raise ToolError("channel_closed", str(e)) from None
    except ToolError:
        _drop()
        raise


def send_raw(payload):
    """Sends one frame exactly as given and returns the host's answer (a dict)."""
    if isinstance(payload, str):
        payload = payload.encode()
    answers = list(_exchange(payload))
    answer = answers[-1]
    if "error" in answer:
        raise ToolError(answer["error"].get("type", "error"), answer["error"].get("message", ""))
    return answer


def call(name, input=None):
    """Calls the host tool `name` with `input` (a dict) and returns its result."""
    payload = _json.dumps({"id": next(_ids), "tool": name,
                           "input": {} if input is None else input}).encode()
    parts = []
    answer = {}
    for answer in _exchange(payload):
        if "error" in answer:
            error = answer["error"]
            raise ToolError(error.get("type", "error"), error.get("message", ""))
        parts.append(answer.get("data", ""))
    text = "".join(parts)
    return _json.loads(text) if answer.get("format") == "json" else text


def _given(**arguments):
    return {k: v for k, v in arguments.items() if v is not _MISSING}


class _Async:
    """The same tools, awaitable: `await tandem_tools.aio.get_issue(id=7)`."""

    async def call(self, name, input=None):
        return await _asyncio.get_running_loop().run_in_executor(None, call, name, input)


aio = _Async()
)PY";

// The part of the node module that does not depend on the tools.
constexpr char kJavascriptRuntime[] = R"JS(
'use strict';
const net = require('net');

class ToolError extends Error {
  constructor(kind, message) {
    super(`${kind}: ${message}`);
    this.kind = kind;
    this.detail = message;
  }
}

const SOCKET = process.env.TANDEM_TOOLS_SOCKET || '';
let nextId = 1;
let connection = null;

// One connection for the process; answers are matched to calls by id, so any number of calls
// can be in flight at once.
function connect() {
  if (connection) return connection;
  const socket = net.createConnection(SOCKET);
  const pending = new Map();
  let buffer = Buffer.alloc(0);
  const parts = new Map();
  const failAll = (error) => {
    for (const { reject } of pending.values()) reject(error);
    pending.clear();
    connection = null;
  };
  socket.on('data', (chunk) => {
    buffer = Buffer.concat([buffer, chunk]);
    while (buffer.length >= 4) {
      const size = buffer.readUInt32BE(0);
      if (buffer.length < 4 + size) break;
      const answer = JSON.parse(buffer.subarray(4, 4 + size).toString('utf8'));
      buffer = buffer.subarray(4 + size);
      const waiting = pending.get(answer.id);
      if (!waiting) continue;
      if (answer.error) {
        pending.delete(answer.id);
        waiting.reject(new ToolError(answer.error.type, answer.error.message));
        continue;
      }
      const sofar = (parts.get(answer.id) || '') + (answer.data || '');
      if (answer.more) { parts.set(answer.id, sofar); continue; }
      parts.delete(answer.id);
      pending.delete(answer.id);
      waiting.resolve(answer.format === 'json' ? JSON.parse(sofar) : sofar);
    }
    if (pending.size === 0) socket.unref();
  });
  socket.on('error', (e) => failAll(new ToolError('channel_closed', e.message)));
  socket.on('close', () =>
    failAll(new ToolError('channel_closed', 'Tandem closed the tool channel')));
  connection = { socket, pending };
  return connection;
}

function call(name, input) {
  const { socket, pending } = connect();
  const id = nextId++;
  const payload = Buffer.from(JSON.stringify({ id, tool: name, input: input || {} }), 'utf8');
  const header = Buffer.alloc(4);
  header.writeUInt32BE(payload.length, 0);
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    socket.ref();
    socket.write(Buffer.concat([header, payload]));
  });
}

module.exports = { ToolError, call };
)JS";

const std::set<std::string> kPythonKeywords = {
    "False",   "None",     "True",     "and",    "as",       "assert", "async",    "await",
    "break",   "class",    "continue", "def",    "del",      "elif",   "else",     "except",
    "finally", "for",      "from",     "global", "if",       "import", "in",       "is",
    "lambda",  "nonlocal", "not",      "or",     "pass",     "raise",  "return",   "try",
    "while",   "with",     "yield",    "call",   "send_raw", "aio",    "ToolError"};

bool isIdentifier(const std::string &name)
{
    if (name.empty() || std::isdigit(static_cast<unsigned char>(name.front())))
        return false;
    return std::all_of(name.begin(), name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
    });
}

// A JSON string is a valid Python and JavaScript string literal.
std::string literal(const std::string &text)
{
    return json(text).dump(-1, ' ', true, json::error_handler_t::replace);
}

struct Parameter
{
    std::string name;
    bool required = false;
};

std::vector<Parameter> parameters(const llm::ToolSpec &tool)
{
    std::vector<Parameter> list;
    const json properties = tool.inputSchema.value("properties", json::object());
    const json required = tool.inputSchema.value("required", json::array());
    if (!properties.is_object())
        return list;
    for (const auto &[name, schema] : properties.items()) {
        const bool isRequired =
            required.is_array()
            && std::find(required.begin(), required.end(), name) != required.end();
        list.push_back({name, isRequired});
    }
    // Required ones first, as Python wants them before those with defaults.
    std::stable_partition(list.begin(), list.end(), [](const Parameter &p) { return p.required; });
    return list;
}

bool plainParameters(const std::vector<Parameter> &list)
{
    return std::all_of(list.begin(), list.end(), [](const Parameter &p) {
        return isIdentifier(p.name) && !kPythonKeywords.contains(p.name);
    });
}

std::string pythonFunction(const llm::ToolSpec &tool, const std::string &name)
{
    const std::vector<Parameter> list = parameters(tool);
    std::string signature;
    std::string arguments;
    if (plainParameters(list)) {
        for (const Parameter &p : list) {
            signature += ", " + p.name + (p.required ? "" : "=_MISSING");
            arguments += (arguments.empty() ? "" : ", ") + p.name + "=" + p.name;
        }
        signature = list.empty() ? "" : "*" + signature;
        arguments = "_given(" + arguments + ")";
    } else {
        signature = "**arguments";
        arguments = "arguments";
    }
    std::string text = "\n\ndef " + name + "(" + signature + "):\n";
    text += "    " + literal(tool.description) + "\n";
    text += "    return call(" + literal(tool.name) + ", " + arguments + ")\n";
    text +=
        "\n\nasync def _aio_" + name + "(self, " + (signature.empty() ? "" : signature) + "):\n";
    text += "    return await self.call(" + literal(tool.name) + ", " + arguments + ")\n";
    text += "\n\n_Async." + name + " = _aio_" + name + "\n";
    text += "__all__.append(" + literal(name) + ")\n";
    return text;
}

} // namespace

std::string ToolModule::pythonName(const std::string &tool)
{
    return isIdentifier(tool) && !kPythonKeywords.contains(tool) && tool.front() != '_' ? tool : "";
}

std::string ToolModule::javascriptName(const std::string &tool)
{
    static const std::set<std::string> reserved = {"call", "ToolError"};
    return isIdentifier(tool) && !reserved.contains(tool) ? tool : "";
}

std::string ToolModule::python(const std::vector<llm::ToolSpec> &tools)
{
    std::string source =
        "\"\"\"Tandem's host tools for this script; generated for its run.\"\"\"\n";
    source += kPythonRuntime;
    for (const llm::ToolSpec &tool : tools) {
        if (const std::string name = pythonName(tool.name); !name.empty())
            source += pythonFunction(tool, name);
    }
    return source;
}

std::string ToolModule::javascript(const std::vector<llm::ToolSpec> &tools)
{
    std::string source = "// Tandem's host tools for this script; generated for its run.\n";
    source += kJavascriptRuntime;
    for (const llm::ToolSpec &tool : tools) {
        if (const std::string name = javascriptName(tool.name); !name.empty())
            source += "module.exports." + name + " = (input) => call(" + literal(tool.name)
                      + ", input);\n";
    }
    return source;
}

std::string ToolModule::pythonSignature(const llm::ToolSpec &tool)
{
    const std::string name = pythonName(tool.name);
    if (name.empty())
        return "tandem_tools.call(" + literal(tool.name) + ", {...})";
    std::string signature;
    for (const Parameter &p : parameters(tool))
        signature += (signature.empty() ? "" : ", ") + p.name + (p.required ? "" : "=...");
    return "tandem_tools." + name + "(" + signature + ")";
}

} // namespace tandem::ptc
