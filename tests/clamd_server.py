"""A small stand-in for clamd that speaks its real INSTREAM protocol (clamd(8)).

ClamAV's signatures cannot be downloaded here, so this server "detects" only the EICAR
test file: it reads the command (``zINSTREAM\\0`` or ``nINSTREAM\\n``), then chunks each
prefixed by a 4-byte big-endian length up to a zero-length chunk, reassembles them, and
answers ``stream: Win.Test.EICAR_HDB-1 FOUND`` when the EICAR string is in the stream,
``stream: OK`` otherwise, terminated as the command asked (NUL for ``z``, newline for
``n``). Past ``max_stream_bytes`` it answers ``INSTREAM size limit exceeded. ERROR`` and
closes, as clamd does past StreamMaxLength. ``mode`` makes it misbehave: ``close`` (hang
up on connect), ``stall`` (read everything, never answer), ``garbled`` (answer nonsense).
"""

from __future__ import annotations

import os
import shutil
import socket
import socketserver
import struct
import tempfile
import threading
from dataclasses import dataclass, field

# The EICAR anti-virus test file (eicar.org), in two parts so that this source file is not
# itself reported by a scanner on a developer's machine.
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
EICAR_SIGNATURE = "Win.Test.EICAR_HDB-1"


@dataclass
class ClamdState:
    mode: str = "normal"
    max_stream_bytes: int = 25 * 1024 * 1024  # clamd's default StreamMaxLength
    streams: list[bytes] = field(default_factory=list)  # each reassembled stream
    chunk_sizes: list[list[int]] = field(default_factory=list)  # the chunks of each stream
    stall: threading.Event = field(default_factory=threading.Event)


def _read_exactly(connection: socket.socket, count: int) -> bytes:
    data = b""
    while len(data) < count:
        part = connection.recv(count - len(data))
        if not part:
            raise ConnectionError("client closed mid-stream")
        data += part
    return data


def _read_command(connection: socket.socket) -> bytes:
    command = b""
    while not command.endswith((b"\0", b"\n")):
        part = connection.recv(1)
        if not part:
            raise ConnectionError("client closed before the command")
        command += part
    return command


class _Handler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        state: ClamdState = self.server.clamd_state  # type: ignore[attr-defined]
        connection: socket.socket = self.request
        if state.mode == "close":
            return  # hang up at once
        try:
            command = _read_command(connection)
            terminator = b"\0" if command.startswith(b"z") else b"\n"
            if command[1:-1] != b"INSTREAM":
                connection.sendall(b"UNKNOWN COMMAND" + terminator)
                return
            stream = b""
            sizes: list[int] = []
            while True:
                (length,) = struct.unpack(">I", _read_exactly(connection, 4))
                if length == 0:
                    break
                sizes.append(length)
                stream += _read_exactly(connection, length)
                if len(stream) > state.max_stream_bytes:
                    connection.sendall(b"INSTREAM size limit exceeded. ERROR" + terminator)
                    return
        except ConnectionError:
            return
        state.streams.append(stream)
        state.chunk_sizes.append(sizes)
        if state.mode == "stall":
            state.stall.wait(30)
            return
        if state.mode == "garbled":
            connection.sendall(b"\x00\xffstream? maybe" + terminator)
        elif EICAR in stream:
            connection.sendall(f"stream: {EICAR_SIGNATURE} FOUND".encode() + terminator)
        else:
            connection.sendall(b"stream: OK" + terminator)


class _UnixServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True


class _TcpServer(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True


class FakeClamd:
    """Listens on a Unix socket and on TCP loopback at once, sharing one state."""

    def __init__(self) -> None:
        self.state = ClamdState()
        # Unix socket paths are limited to ~100 bytes: a short directory of its own.
        self._directory = tempfile.mkdtemp(prefix="clamd-")
        self.socket_path = os.path.join(self._directory, "clamd.sock")
        self._unix = _UnixServer(self.socket_path, _Handler)
        self._tcp = _TcpServer(("127.0.0.1", 0), _Handler)
        self.host, self.port = self._tcp.server_address[:2]
        for server in (self._unix, self._tcp):
            server.clamd_state = self.state  # type: ignore[attr-defined]
            threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()

    def close(self) -> None:
        self.state.stall.set()
        for server in (self._unix, self._tcp):
            server.shutdown()
            server.server_close()
        shutil.rmtree(self._directory, ignore_errors=True)
