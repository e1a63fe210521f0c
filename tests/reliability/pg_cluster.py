"""A private PostgreSQL cluster for tests that stop and restart the database server.

The machine's cluster (127.0.0.1:5432) is shared by concurrent test runs, so a test that takes
PostgreSQL away starts its own: `initdb` into a temporary directory, `pg_ctl` on a free port,
its unix socket in that directory. PostgreSQL refuses to run as root; as root the server runs as
the `postgres` system user (`runuser`), in a directory that user owns.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
SERVER_USER = "postgres"


def unavailable_reason() -> str | None:
    """Why a private cluster cannot be started here, or None if it can."""
    if not (PG_BIN / "initdb").is_file() or not (PG_BIN / "pg_ctl").is_file():
        return f"PostgreSQL server binaries not found in {PG_BIN} (set PG_BIN)"
    if os.geteuid() == 0:
        if shutil.which("runuser") is None:
            return "running as root without runuser to drop to the postgres user"
        try:
            pwd.getpwnam(SERVER_USER)
        except KeyError:
            return f"running as root and there is no {SERVER_USER!r} system user"
    return None


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PrivateCluster:
    """One throw-away cluster: trust authentication, superuser `postgres`, database `postgres`."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="pg-private-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.port = free_port()
        self._as_root = os.geteuid() == 0
        if self._as_root:
            user = pwd.getpwnam(SERVER_USER)
            os.chown(self.root, user.pw_uid, user.pw_gid)
        self._run(
            [str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust"],
            "--no-sync",
            "-E",
            "UTF8",
            "--locale=C",
        )

    @property
    def url(self) -> str:
        """The SQLAlchemy URL of the cluster's `postgres` database (TCP)."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, argv: Sequence[str], *more: str, timeout: float = 60) -> None:
        cmd = [*argv, *more]
        if self._as_root:
            cmd = ["runuser", "-u", SERVER_USER, "--", *cmd]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
        if done.returncode != 0:
            tail = self.log.read_text()[-2000:] if self.log.exists() else ""
            raise RuntimeError(f"{cmd} failed: {done.stdout}{done.stderr}\n{tail}")

    def _options(self) -> str:
        settings = {
            "listen_addresses": "127.0.0.1",
            "unix_socket_directories": str(self.root),
            "max_connections": "200",
            "fsync": "off",  # a test cluster; restarts are clean (fast shutdown)
            "full_page_writes": "off",
        }
        return " ".join(f"-c {k}={v}" for k, v in settings.items()) + f" -p {self.port}"

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        self._run(
            [str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.log)],
            *("-o", self._options(), "-w", "-t", "60", "start"),
        )

    def stop(self, mode: str = "fast") -> None:
        """Stop the server: `fast` disconnects every client (their next use raises)."""
        self._run([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop"])

    def restart(self, mode: str = "fast") -> None:
        """Stop and start again in one `pg_ctl restart`."""
        self._run(
            [str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-m", mode],
            *("-o", self._options(), "-w", "-t", "60", "restart"),
        )

    def running(self) -> bool:
        """Whether the postmaster is up (its pid file names a live process)."""
        pid_file = self.data / "postmaster.pid"
        if not pid_file.exists():
            return False
        try:
            os.kill(int(pid_file.read_text().split()[0]), 0)
        except (ValueError, IndexError, ProcessLookupError):
            return False
        except PermissionError:
            return True
        return True

    def destroy(self) -> None:
        """Stop the server if it runs (immediate) and delete the directory."""
        if self.running():
            try:
                self.stop("immediate")
            except (RuntimeError, subprocess.TimeoutExpired):
                pid = int((self.data / "postmaster.pid").read_text().split()[0])
                os.kill(pid, 9)
                time.sleep(0.5)
        shutil.rmtree(self.root, ignore_errors=True)
