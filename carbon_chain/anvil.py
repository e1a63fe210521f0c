"""Start and stop a local anvil (the npm-pinned binary) for development and tests."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from pathlib import Path
from types import TracebackType

from web3 import Web3

from carbon_chain.toolchain import foundry_bin


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that is free right now."""
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Anvil:
    """An anvil child process on 127.0.0.1, stopped by PID."""

    def __init__(
        self,
        port: int | None = None,
        state_path: Path | None = None,
        log_path: Path | None = None,
        extra_args: list[str] | None = None,
    ) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._state_path = state_path
        self._log_path = log_path
        self._extra = extra_args or []
        self._proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 20.0) -> Anvil:
        """Start anvil and wait until it answers JSON-RPC.

        Raises:
            RuntimeError: anvil exited or did not answer within `timeout`.
        """
        args = [str(foundry_bin("anvil")), "--host", "127.0.0.1", "--port", str(self.port)]
        args += ["--silent", "--chain-id", "31337", *self._extra]
        if self._state_path is not None:
            self._state_path.parent.mkdir(parents=True, exist_ok=True)
            args += ["--state", str(self._state_path), "--state-interval", "5"]
        out = open(self._log_path, "ab") if self._log_path else subprocess.DEVNULL
        self._proc = subprocess.Popen(
            args, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        w3 = Web3(Web3.HTTPProvider(self.url, request_kwargs={"timeout": 2}))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise RuntimeError(f"anvil exited with code {self._proc.returncode}")
            try:
                _ = w3.eth.block_number
                return self
            except Exception:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"anvil did not answer on {self.url} within {timeout}s")

    @property
    def pid(self) -> int | None:
        """The process id, while running."""
        return self._proc.pid if self._proc else None

    def stop(self) -> None:
        """Stop anvil (SIGTERM, then SIGKILL); it saves its state file on SIGTERM."""
        if self._proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self._proc.pid, signal.SIGTERM)
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self._proc.pid, signal.SIGKILL)
            self._proc.wait(timeout=5)
        self._proc = None

    def __enter__(self) -> Anvil:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
