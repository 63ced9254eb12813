"""A relay in front of a PostgreSQL server's Unix socket that a test can cut and mend: the
server as seen through it goes away (every connection dropped, new ones refused) and comes
back, as a server behind a failing network would."""

from __future__ import annotations

import os
import socket
import threading
from contextlib import suppress
from pathlib import Path


class Relay:
    """Listens at ``folder``/.s.PGSQL.``port`` and passes every connection on to the same
    socket in ``server_folder`` (peer authentication sees this process's user, the test's)."""

    def __init__(self, folder: Path, server_folder: str, port: int = 5432) -> None:
        self.path = folder / f".s.PGSQL.{port}"
        self.target = os.path.join(server_folder, f".s.PGSQL.{port}")
        self._listener: socket.socket | None = None
        self._open: list[socket.socket] = []
        self._lock = threading.Lock()

    def start(self) -> None:
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(str(self.path))
        listener.listen()
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        """Drop every connection and refuse new ones (the socket goes)."""
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.close()
        self.path.unlink(missing_ok=True)
        with self._lock:
            for sock in self._open:
                _close(sock)
            self._open.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            server.connect(self.target)
            with self._lock:
                self._open += [client, server]
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=_pump, args=(source, sink), daemon=True).start()


def _pump(source: socket.socket, sink: socket.socket) -> None:
    try:
        while data := source.recv(65536):
            sink.sendall(data)
    except OSError:
        pass
    _close(source)
    _close(sink)


def _close(sock: socket.socket) -> None:
    with suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()
