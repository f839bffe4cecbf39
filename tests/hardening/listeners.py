"""Loopback listeners that record connections a test expects never to happen."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["accepted_connections", "loopback_listener"]


@contextmanager
def loopback_listener(backlog: int = 64) -> Iterator[socket.socket]:
    """A non-blocking socket listening on 127.0.0.1, port 0."""
    sock = socket.socket()
    try:
        sock.bind(("127.0.0.1", 0))
        sock.listen(backlog)
        sock.setblocking(False)
        yield sock
    finally:
        sock.close()


def accepted_connections(sock: socket.socket) -> int:
    """How many connections are waiting on ``sock`` (each is accepted and closed)."""
    count = 0
    while True:
        try:
            conn, _ = sock.accept()
        except BlockingIOError:
            return count
        conn.close()
        count += 1
