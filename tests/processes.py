"""Starting the project's own processes (server, worker) from tests, output to a log file."""

from __future__ import annotations

import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def start_logged(command: list[str], *, env: dict[str, str], log: Path) -> subprocess.Popen:
    """Start a command in its own process group (so the test can signal all of it)."""
    with log.open("wb") as output:
        return subprocess.Popen(
            command,
            cwd=REPO,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
