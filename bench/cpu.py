"""CPU time spent by this process (and its reaped children) and by a local PostgreSQL server.

Dividing by the operations done tells where the time of one operation goes: the client
(Python, or pgbench) or the server. Linux only (/proc); elsewhere the server figure is None.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def client_seconds() -> float:
    """CPU seconds of this process and of its children that have been waited for."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # Fields after the command name (which may hold spaces): state, ppid, ... utime is field 14.
    return text.rsplit(")", 1)[1].split()


def postmaster_pid(backend_pid: int) -> int | None:
    """The postmaster of a backend (from `SELECT pg_backend_pid()`), when it runs on this host."""
    fields = _stat(backend_pid)
    return int(fields[1]) if fields else None


def server_seconds(postmaster: int | None) -> float | None:
    """CPU seconds of the postmaster, its live children and its exited (reaped) children.

    Sampled before and after a run, the difference counts every backend that worked in
    between, whether it still runs or has exited; background workers are included too.
    """
    if postmaster is None:
        return None
    own = _stat(postmaster)
    if own is None:
        return None
    ticks = sum(int(value) for value in own[11:15])  # utime, stime, cutime, cstime
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        fields = _stat(int(entry.name))
        if fields and int(fields[1]) == postmaster:
            ticks += int(fields[11]) + int(fields[12])
    return ticks / _TICK


def wait_for_backends_to_exit(postmaster: int | None, database: str, timeout: float = 5.0) -> None:
    """Wait until no backend of `database` runs and every exited one has been reaped.

    A backend reaped while server_seconds() walks /proc would be missed; after its clients
    disconnect, waiting for this makes the next sample count every backend exactly once.
    """
    if postmaster is None:
        return
    marker = f" {database} ".encode()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        busy = False
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            fields = _stat(int(entry.name))
            if not fields or int(fields[1]) != postmaster:
                continue
            try:
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
            except OSError:
                continue
            if fields[0] == "Z" or marker in cmdline:
                busy = True
                break
        if not busy:
            return
        time.sleep(0.02)
