"""Write a plain table (headers and rows of text or numbers) as CSV with a BOM or as XLSX."""

import csv
import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Font

Cell = str | int | float | None


def table_csv(headers: Sequence[str], rows: Sequence[Sequence[Cell]]) -> bytes:
    """Return UTF-8 CSV with a byte-order mark, so Excel in Japan reads it right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows([["" if v is None else _safe(v) for v in row] for row in rows])
    return "\ufeff".encode() + buffer.getvalue().encode("utf-8")


def table_xlsx(
    headers: Sequence[str], rows: Sequence[Sequence[Cell]], *, title: str, note: str = ""
) -> bytes:
    """Return an XLSX workbook with one sheet: the headers in bold, then the rows."""
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_safe(v) for v in row])
    if note:
        sheet.append([])
        sheet.append([note])
    for column, header in zip(sheet.columns, headers, strict=False):
        width = max([len(str(header))] + [len(str(c.value or "")) for c in column[1:50]])
        sheet.column_dimensions[column[0].column_letter].width = min(40, width * 2 + 2)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _safe(value: Cell) -> Cell:
    # A leading "=" would turn text into a formula in a spreadsheet.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value
