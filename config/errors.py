"""The base of every business-rule error; the API answers it with its status and code."""


class DomainError(Exception):
    code = "error"
    status = 400
    field: str | None = None

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if field is not None:
            self.field = field
