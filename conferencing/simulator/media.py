"""A tiny, structurally valid MP4 (ISO base media file) for the fake `video` playback format.

No encoder is available at runtime, so the file holds one video track without samples: players and
parsers accept its boxes (ftyp, moov with mvhd, tkhd, mdhd, hdlr, an empty sample table) and see the
recording's duration, which is what download links and size checks need.
"""

from __future__ import annotations

import struct

TIMESCALE = 1000
WIDTH, HEIGHT = 320, 240
# The identity transformation matrix every mvhd/tkhd carries (16.16 and 2.30 fixed point).
MATRIX = struct.pack(">9I", 0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000)


def _box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def _full_box(kind: bytes, version: int, flags: int, payload: bytes) -> bytes:
    return _box(kind, struct.pack(">I", (version << 24) | flags) + payload)


def _movie_header(duration: int) -> bytes:
    return _full_box(
        b"mvhd",
        0,
        0,
        struct.pack(">IIII", 0, 0, TIMESCALE, duration)
        + struct.pack(">IH", 0x00010000, 0x0100)
        + bytes(10)
        + MATRIX
        + bytes(24)
        + struct.pack(">I", 2),
    )


def _track(duration: int) -> bytes:
    header = _full_box(
        b"tkhd",
        0,
        0x3,  # enabled and in the movie
        struct.pack(">IIIII", 0, 0, 1, 0, duration)
        + bytes(8)
        + struct.pack(">hhhH", 0, 0, 0, 0)
        + MATRIX
        + struct.pack(">II", WIDTH << 16, HEIGHT << 16),
    )
    media_header = _full_box(b"mdhd", 0, 0, struct.pack(">IIIIHH", 0, 0, TIMESCALE, duration, 0x55C4, 0))
    handler = _full_box(b"hdlr", 0, 0, struct.pack(">I4s", 0, b"vide") + bytes(12) + b"VideoHandler\0")
    sample_table = _box(
        b"stbl",
        _full_box(b"stsd", 0, 0, struct.pack(">I", 0))
        + _full_box(b"stts", 0, 0, struct.pack(">I", 0))
        + _full_box(b"stsc", 0, 0, struct.pack(">I", 0))
        + _full_box(b"stsz", 0, 0, struct.pack(">II", 0, 0))
        + _full_box(b"stco", 0, 0, struct.pack(">I", 0)),
    )
    data_info = _box(b"dinf", _full_box(b"dref", 0, 0, struct.pack(">I", 1) + _full_box(b"url ", 0, 1, b"")))
    media_info = _box(b"minf", _full_box(b"vmhd", 0, 1, bytes(8)) + data_info + sample_table)
    return _box(b"trak", header + _box(b"mdia", media_header + handler + media_info))


def tiny_mp4(duration_seconds: int) -> bytes:
    """An MP4 whose movie lasts `duration_seconds`."""
    duration = max(0, duration_seconds) * TIMESCALE
    file_type = _box(b"ftyp", b"isom" + struct.pack(">I", 0x200) + b"isomiso2avc1mp41")
    return file_type + _box(b"moov", _movie_header(duration) + _track(duration))


def top_level_boxes(data: bytes) -> list[tuple[bytes, int]]:
    """(type, size) of each top-level box: lets callers check a file is well formed."""
    boxes, offset = [], 0
    while offset + 8 <= len(data):
        size, kind = struct.unpack(">I4s", data[offset : offset + 8])
        if size < 8 or offset + size > len(data):
            raise ValueError(f"Malformed box at offset {offset}")
        boxes.append((kind, size))
        offset += size
    if offset != len(data):
        raise ValueError("Trailing bytes after the last box")
    return boxes
