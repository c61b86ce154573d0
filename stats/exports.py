"""Write a plain table (headers and rows of text or numbers) as CSV with a BOM or as XLSX."""

import csv
import io
from collections.abc import Sequence

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

Cell = str | int | float | None


Conditions = Sequence[tuple[str, str]]


def table_csv(
    headers: Sequence[str], rows: Sequence[Sequence[Cell]], *, conditions: Conditions = ()
) -> bytes:
    """Return UTF-8 CSV with a byte-order mark, so Excel in Japan reads it right.

    ``conditions`` come first, one ``name,value`` line each, then an empty line, then the
    table's header: a reader who opens the file sees what it was made with.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if conditions:
        writer.writerows([[_safe(name), _safe(value)] for name, value in conditions])
        writer.writerow([])
    writer.writerow(headers)
    writer.writerows([["" if v is None else _safe(v) for v in row] for row in rows])
    return "\ufeff".encode() + buffer.getvalue().encode("utf-8")


def table_xlsx(
    headers: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    *,
    title: str,
    note: str = "",
    conditions: Conditions = (),
) -> bytes:
    """Return an XLSX workbook: the headers in bold, then the rows; ``note`` under them.

    ``conditions`` go on a second sheet, 条件, one name and value a row.
    """
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
    if conditions:
        sheet = book.create_sheet(_("条件"))
        for name, value in conditions:
            sheet.append([_safe(name), _safe(value)])
            sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
        sheet.column_dimensions["A"].width = 16
        sheet.column_dimensions["B"].width = 80
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _safe(value: Cell) -> Cell:
    # A leading "=" would turn text into a formula in a spreadsheet.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value
