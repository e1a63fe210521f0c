"""A small TCP proxy for fault injection between the node and its JSON-RPC endpoint.

It forwards bytes both ways, and on demand:

- ``delay``: waits this many seconds before forwarding each request chunk (slow RPC, timeouts);
- ``refuse``: accepts and immediately resets new connections (connection refused / dropped);
- ``blackhole``: accepts and never answers (a hung endpoint: the client's timeout fires);
- ``cut()``: drops every open connection now (connections cut mid-request).

Threads only; one instance per test; `close()` stops it.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
import time
from types import TracebackType


class TcpProxy:
    """Forward 127.0.0.1:<port> to `upstream_host:upstream_port`, with injectable faults."""

    def __init__(self, upstream_host: str, upstream_port: int) -> None:
        self.upstream = (upstream_host, upstream_port)
        self.delay = 0.0
        self.refuse = False
        self.blackhole = False
        self.connections = 0
        self.faulted = 0
        self._lock = threading.Lock()
        self._open: set[socket.socket] = set()
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(512)
        self.port = int(self._listener.getsockname()[1])
        self.url = f"http://127.0.0.1:{self.port}"
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    @classmethod
    def to_url(cls, url: str) -> TcpProxy:
        """A proxy in front of an ``http://host:port`` URL."""
        hostport = url.split("://", 1)[1].split("/", 1)[0]
        host, port = hostport.rsplit(":", 1)
        return cls(host, int(port))

    def heal(self) -> None:
        """Stop injecting faults."""
        self.delay, self.refuse, self.blackhole = 0.0, False, False

    def cut(self) -> None:
        """Drop every open connection (RST), as a network cut would (each counts as a fault)."""
        self.faulted += self._drop()

    def close(self) -> None:
        """Stop accepting and drop everything."""
        self._closed.set()
        with contextlib.suppress(OSError):
            self._listener.close()
        self._drop()

    def _drop(self) -> int:
        with self._lock:
            socks = list(self._open)
            self._open.clear()
        for s in socks:
            _reset(s)
        return len(socks)

    def __enter__(self) -> TcpProxy:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _accept(self) -> None:
        while not self._closed.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _track(self, *socks: socket.socket) -> None:
        with self._lock:
            self._open.update(socks)

    def _serve(self, client: socket.socket) -> None:
        if self.refuse:
            self.faulted += 1
            _reset(client)
            return
        if self.blackhole:
            self.faulted += 1
            self._track(client)  # held open, never answered, until cut() or close()
            return
        try:
            upstream = socket.create_connection(self.upstream, timeout=10)
        except OSError:
            _reset(client)
            return
        upstream.settimeout(None)
        self._track(client, upstream)
        threading.Thread(target=_pipe, args=(upstream, client), daemon=True).start()
        _pipe(client, upstream, self)


def _pipe(src: socket.socket, dst: socket.socket, proxy: TcpProxy | None = None) -> None:
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            if proxy is not None and proxy.delay:
                proxy.faulted += 1
                time.sleep(proxy.delay)
            dst.sendall(data)
    except OSError:
        pass
    finally:
        with contextlib.suppress(OSError):
            dst.shutdown(socket.SHUT_WR)


def _reset(s: socket.socket) -> None:
    with contextlib.suppress(OSError):
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    with contextlib.suppress(OSError):
        s.close()
