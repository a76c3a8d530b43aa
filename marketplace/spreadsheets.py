"""Spreadsheet files of the back office: reading an uploaded CSV or XLSX file into rows, and writing
an export that a spreadsheet program opens safely (text that looks like a formula stays text).

Files are read whole (imports are at most MAX_IMPORT_BYTES): the first non-blank row names the
columns (lower-cased), blank rows are dropped, and anything unreadable raises FileProblem with a
message for the admin.
"""

from __future__ import annotations

import csv
import io
import warnings
import zipfile
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import tablib
from django.utils import timezone

from conferencing.pages import safe_cell
from marketplace.models import ImportFormat

MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_XLSX_UNPACKED_BYTES = 64 * 1024 * 1024
MAX_ROWS = 100_000  # with the header
MAX_COLUMNS = 200
XLSX_MAGIC = b"PK\x03\x04"
CONTENT_TYPES = {
    ImportFormat.CSV: "text/csv; charset=utf-8",
    ImportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class FileProblem(Exception):
    """The file as a whole cannot be read; the message tells the admin what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# Reading --------------------------------------------------------------------------------------


def detect_format(file_name: str, content: bytes) -> str:
    """CSV or XLSX, by the file's content first (a renamed spreadsheet still reads), then its name."""
    name = file_name.lower()
    if content.startswith(XLSX_MAGIC):
        return ImportFormat.XLSX
    if name.endswith((".xls", ".ods", ".numbers")):
        raise FileProblem("Save the sheet as XLSX or as CSV (UTF-8), then upload it again.")
    if name.endswith(".xlsx"):
        raise FileProblem("This is not a valid XLSX file: save it again from your spreadsheet program.")
    if name.endswith((".csv", ".txt")):
        return ImportFormat.CSV
    raise FileProblem("Upload a .csv or .xlsx file.")


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _csv_rows(content: bytes) -> list[list[Any]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileProblem(
            'The file is not UTF-8 text: save it as "CSV UTF-8" (or as XLSX) and upload it again.'
        ) from None
    if "\x00" in text:
        raise FileProblem("The file is not a CSV text file: upload a .csv or .xlsx file.")
    try:  # spreadsheets in some languages separate cells with ";": the header row tells
        delimiter = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise FileProblem(f"The CSV file cannot be read: {error}.") from None
    if len(rows) > MAX_ROWS:
        raise FileProblem(f"The file has more than {MAX_ROWS:,} rows: split it into smaller files.")
    return rows


def _check_unpacked_size(content: bytes) -> None:
    """An XLSX file is a zip: refuse one that unpacks to far more than any real import."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except zipfile.BadZipFile:
        raise FileProblem(
            "This is not a valid XLSX file: save it again from your spreadsheet program."
        ) from None
    if unpacked > MAX_XLSX_UNPACKED_BYTES:
        raise FileProblem(
            f"This spreadsheet unpacks to more than {MAX_XLSX_UNPACKED_BYTES // 2**20} MB: "
            "split it into smaller files, or save it as CSV."
        )


def _xlsx_rows(content: bytes) -> list[list[Any]]:
    import openpyxl

    _check_unpacked_size(content)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions it skips
            book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
            try:
                sheet = book.worksheets[0]
                # The sheet's declared size may be anything (A1:XFD1048576): read the cells it has,
                # never more than MAX_COLUMNS wide or MAX_ROWS long.
                sheet.reset_dimensions()
                rows = []
                for row in sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True):
                    if len(rows) == MAX_ROWS:
                        raise FileProblem(
                            f"The file has more than {MAX_ROWS:,} rows: split it into smaller files."
                        )
                    rows.append(list(row))
                return rows
            finally:
                book.close()
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, IndexError, TypeError):
        raise FileProblem(
            "This is not a valid XLSX file: save it again from your spreadsheet program."
        ) from None


def read_table(content: bytes, file_format: str) -> tablib.Dataset:
    """The file's first sheet: a header row of lower-case column names, then the non-blank rows."""
    if not content:
        raise FileProblem("The file is empty.")
    rows = _csv_rows(content) if file_format == ImportFormat.CSV else _xlsx_rows(content)
    while rows and all(blank(cell) for cell in rows[0]):
        rows.pop(0)
    if not rows:
        raise FileProblem("The file is empty.")
    header = [str(cell).strip().lower() if cell is not None else "" for cell in rows[0]]
    while header and not header[-1]:
        header.pop()
    width = len(header)
    if "" in header:
        raise FileProblem(f"Column {header.index('') + 1} has no name in the header row.")
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        raise FileProblem(f"These columns appear more than once: {', '.join(repeated)}.")
    dataset = tablib.Dataset(headers=header)
    for line, cells in enumerate(rows[1:], start=2):
        if all(blank(cell) for cell in cells):
            continue
        if any(not blank(cell) for cell in cells[width:]):
            raise FileProblem(f"Row {line} has more cells than the header row has columns.")
        dataset.append([*cells[:width], *[None] * (width - len(cells))])
    if not dataset.height:
        raise FileProblem("The file has a header row but no rows to import.")
    return dataset


# Writing --------------------------------------------------------------------------------------


def write_table(dataset: tablib.Dataset, file_format: str, *, title: str = "Export") -> bytes:
    if file_format == ImportFormat.XLSX:
        import openpyxl
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        book = openpyxl.Workbook(write_only=True)
        sheet = book.create_sheet(title[:31])
        sheet.append(dataset.headers)
        for row in dataset:
            sheet.append([ILLEGAL_CHARACTERS_RE.sub("", c) if isinstance(c, str) else c for c in row])
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()
    out_text = io.StringIO(newline="")
    writer = csv.writer(out_text)
    writer.writerow(dataset.headers)
    writer.writerows(dataset)
    return ("\ufeff" + out_text.getvalue()).encode("utf-8")  # the mark makes spreadsheets read UTF-8


def plain_amount(amount: Decimal) -> Decimal:
    """An amount without the stored trailing zeros, but with at least two decimals (12.5000 → 12.50)."""
    amount = amount.normalize()
    exponent = amount.as_tuple().exponent
    return amount.quantize(Decimal("0.01")) if isinstance(exponent, int) and exponent > -2 else amount


def export_cell(value: Any) -> Any:
    """A value as a spreadsheet cell: numbers and booleans stay typed, moments become ISO text in
    UTC, and text that a spreadsheet would run as a formula gets a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool | int):
        return value
    if isinstance(value, Decimal):
        return plain_amount(value)
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat() if timezone.is_aware(value) else value
    if isinstance(value, date):
        return value.isoformat()
    return safe_cell(value)
