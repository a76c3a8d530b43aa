"""Errors raised by the BBB client: BBB's own FAILED answers, and a server we could not use at all."""

from __future__ import annotations


class BBBError(Exception):
    """BBB answered `returncode=FAILED` (or the client refused to go on).

    `message_key` is BBB's `messageKey` (`checksumError`, `notFound`, `idNotUnique`,
    `maxParticipantsReached`, ...): BBB keeps these stable, so callers branch on it and never on
    `message`, which is English prose that may change between versions.
    """

    def __init__(self, message_key: str, message: str, *, call: str = "") -> None:
        self.message_key = message_key
        self.message = message
        self.call = call
        super().__init__(f"{call or 'BBB'}: {message_key}: {message}")


class BBBUnavailable(BBBError):
    """The server could not be used: connection refused, timeout, HTTP 5xx, or an answer that is not BBB XML.

    The message names the server's host so an operator knows which endpoint to look at; it never
    contains the request URL, whose query string carries the checksum.
    """

    MESSAGE_KEY = "unreachable"

    def __init__(self, message: str, *, call: str = "", host: str = "") -> None:
        self.host = host
        super().__init__(self.MESSAGE_KEY, message, call=call)
