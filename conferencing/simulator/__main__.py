"""`python -m conferencing.simulator --host 127.0.0.1 --port 8090 --secret <secret>`: run the simulator."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from types import FrameType

from conferencing.bbb.checksum import ALGORITHMS
from conferencing.simulator.app import SimulatorApp
from conferencing.simulator.config import Config
from conferencing.simulator.server import Running, make_server


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m conferencing.simulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8090, help="port to listen on; 0 picks a free one")
    parser.add_argument("--secret", required=True, help="the shared secret checksums are made with")
    parser.add_argument(
        "--algorithms",
        default=",".join(ALGORITHMS),
        help="checksum algorithms accepted, comma-separated (like bbb-web's supportedChecksumAlgorithms)",
    )
    parser.add_argument(
        "--public-url", help="base URL clients reach the simulator at (default http://host:port)"
    )
    parser.add_argument("--expire-if-no-user-joined-minutes", type=int, default=5)
    parser.add_argument("--expire-when-last-user-left-minutes", type=int, default=1)
    parser.add_argument("--ended-meeting-retention-seconds", type=int, default=60)
    parser.add_argument(
        "--strict-recording-marks",
        action="store_true",
        help="only record meetings with recording marks (autoStartRecording, or marked through /_sim/)",
    )
    parser.add_argument("--callback-attempts", type=int, default=3)
    parser.add_argument("--callback-backoff", type=float, default=0.5, help="seconds before the first retry")
    parser.add_argument("--log-level", default="INFO")
    return parser.parse_args(argv)


def build_config(args: argparse.Namespace) -> Config:
    algorithms = tuple(a.strip().lower() for a in args.algorithms.split(",") if a.strip())
    unknown = sorted(set(algorithms) - set(ALGORITHMS))
    if unknown or not algorithms:
        raise SystemExit(f"Unknown checksum algorithm(s) {unknown}: use some of {', '.join(ALGORITHMS)}.")
    return Config(
        secret=args.secret,
        algorithms=algorithms,
        expire_if_no_user_joined_minutes=args.expire_if_no_user_joined_minutes,
        expire_when_last_user_left_minutes=args.expire_when_last_user_left_minutes,
        ended_meeting_retention_seconds=args.ended_meeting_retention_seconds,
        strict_recording_marks=args.strict_recording_marks,
        callback_attempts=max(1, args.callback_attempts),
        callback_backoff_seconds=args.callback_backoff,
    )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(
        level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    config = build_config(args)
    app = SimulatorApp(config)
    try:
        server = make_server(args.host, args.port, app)
    except OSError as exc:
        raise SystemExit(f"Cannot listen on {args.host}:{args.port}: {exc}") from None
    shown_host = "127.0.0.1" if args.host in ("0.0.0.0", "") else args.host
    if ":" in shown_host:
        shown_host = f"[{shown_host}]"
    config.base_url = (args.public_url or f"http://{shown_host}:{server.server_port}").rstrip("/")
    running = Running(server, app).start()

    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    print(
        f"BBB simulator listening: API {config.api_url} (checksums: {', '.join(config.algorithms)})",
        flush=True,
    )
    while not stop.wait(0.5):
        pass
    running.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
