"""Serve a WSGI app with gunicorn for the length of a `with` block, and read its workers' memory."""

from __future__ import annotations

import http.client
import signal
import socket
import subprocess
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

HOST = "127.0.0.1"
START_TIMEOUT_SECONDS = 90.0
STOP_TIMEOUT_SECONDS = 30.0


class ServerError(Exception):
    """The server did not start or answer; the message points at its log."""


@dataclass(frozen=True)
class RunningServer:
    """A gunicorn master listening on loopback."""

    port: int
    process: subprocess.Popen[bytes]

    def worker_ids(self) -> list[int]:
        """Return the process ids of the master's workers."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def peak_worker_memory_mb(self) -> list[float]:
        """Return each worker's peak resident memory (VmHWM) in MB."""
        return [peak_resident_mb(pid) for pid in self.worker_ids()]


def peak_resident_mb(pid: int) -> float:
    """Return a process's peak resident set size in MB, from /proc/<pid>/status."""
    return parse_peak_resident_mb(Path(f"/proc/{pid}/status").read_text())


def parse_peak_resident_mb(status: str) -> float:
    """Read VmHWM (peak resident memory) out of a /proc status text, in MB."""
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            kilobytes = int(line.split()[1])
            return kilobytes / 1024
    raise ValueError("no VmHWM line: not a Linux process status")


def free_port() -> int:
    """Return a loopback port nobody is listening on now."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@contextmanager
def serve(
    app_spec: str,
    *,
    workers: int,
    env: Mapping[str, str],
    log_path: Path,
    ready_path: str = "/",
    cwd: Path | None = None,
) -> Iterator[RunningServer]:
    """Run `gunicorn app_spec` with `workers` workers until the block ends."""
    port = free_port()
    command = [
        "gunicorn",
        app_spec,
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        str(workers),
        "--error-logfile",
        str(log_path),
    ]
    with log_path.open("ab") as log:
        process = subprocess.Popen(command, env=dict(env), cwd=cwd, stdout=log, stderr=log)
    server = RunningServer(port, process)
    try:
        wait_until_ready(server, ready_path, workers, log_path)
        yield server
    finally:
        stop(process)


def wait_until_ready(server: RunningServer, path: str, workers: int, log_path: Path) -> None:
    """Wait until every worker has started and the server answers `path` with 200."""
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise ServerError(f"gunicorn exited early; see {log_path}")
        if len(server.worker_ids()) == workers and answers_ok(server.port, path):
            return
        time.sleep(0.2)
    raise ServerError(f"gunicorn did not answer {path} in time; see {log_path}")


def answers_ok(port: int, path: str) -> bool:
    """Tell whether GET `path` answers 200."""
    connection = http.client.HTTPConnection(HOST, port, timeout=5)
    try:
        connection.request("GET", path)
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()


def stop(process: subprocess.Popen[bytes]) -> None:
    """Ask gunicorn to shut down gracefully, and kill it if it will not."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=STOP_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
