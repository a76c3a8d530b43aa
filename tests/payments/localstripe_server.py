"""Run localstripe (a local Stripe API double) on loopback only, with its state in a file of ours.

    python -m tests.payments.localstripe_server --port 8420 --state /tmp/run-1/localstripe.pickle

localstripe's own command binds every interface (`::`) and pickles its state to the fixed path
/tmp/localstripe.pickle, which runs on one machine would share. This launcher serves the same
aiohttp application on 127.0.0.1 and points the store's load and save at `--state`. Stop it with
SIGTERM or SIGINT. `--port 0` picks a free port; the line `localstripe listening on <url>` on
standard output tells which.
"""

from __future__ import annotations

import argparse
import logging
import os
import pickle
import socket
import sys
from pathlib import Path


def use_state_path(path: Path) -> None:
    """Make localstripe's store load from and save to `path` instead of /tmp/localstripe.pickle."""
    from localstripe.resources import Store

    def try_load_from_disk(self: Store) -> None:
        try:
            with path.open("rb") as state:
                old = pickle.load(state)
        except FileNotFoundError:
            return
        self.clear()
        self.update(old)

    def dump_to_disk(self: Store) -> None:
        # Write then rename, so a run stopped mid-write never leaves a truncated state.
        partial = path.with_name(path.name + ".partial")
        with partial.open("wb") as state:
            pickle.dump(dict(self), state, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(partial, path)

    Store.try_load_from_disk = try_load_from_disk
    Store.dump_to_disk = dump_to_disk


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True, help="TCP port on 127.0.0.1 (0: any free one)")
    parser.add_argument("--state", type=Path, required=True, help="file for localstripe's pickled state")
    parser.add_argument("--from-scratch", action="store_true", help="ignore a state file left by a run")
    args = parser.parse_args(argv)

    state = args.state.resolve()
    state.parent.mkdir(parents=True, exist_ok=True)
    use_state_path(state)

    from aiohttp import web
    from localstripe.resources import store
    from localstripe.server import app

    if not args.from_scratch:
        store.try_load_from_disk()

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", args.port))
    port = sock.getsockname()[1]

    access_log = logging.getLogger("aiohttp.access")
    access_log.setLevel(logging.INFO)
    access_log.addHandler(logging.StreamHandler(sys.stderr))

    print(f"localstripe listening on http://127.0.0.1:{port}, state in {state}", flush=True)
    web.run_app(app, sock=sock, access_log=access_log, print=None, handle_signals=True)


if __name__ == "__main__":
    main()
