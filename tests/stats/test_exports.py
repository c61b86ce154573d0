import csv
import io

from openpyxl import load_workbook

from catalogue.vocabulary import Category
from stats.exports import table_csv, table_xlsx
from stats.national import HEADING_OF, NATIONAL_HEADINGS

HEADERS = ["窓口", "件数"]
ROWS = [["違法・有害情報相談センター", 12], ["法テラス", None], ["=HYPERLINK(1)", 4]]


def test_csv_starts_with_a_byte_order_mark_and_reads_back_in_japanese():
    data = table_csv(HEADERS, ROWS)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == HEADERS
    assert rows[1] == ["違法・有害情報相談センター", "12"]
    assert rows[2] == ["法テラス", ""]


def test_exports_never_write_a_formula():
    text = table_csv(HEADERS, ROWS).decode("utf-8-sig")
    assert "\n=HYPERLINK" not in text
    sheet = load_workbook(io.BytesIO(table_xlsx(HEADERS, ROWS, title="t"))).active
    assert sheet["A4"].value == "'=HYPERLINK(1)"


def test_xlsx_holds_the_same_table_with_a_note():
    data = table_xlsx(HEADERS, ROWS, title="案内件数", note="3件未満は表示しません")
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.title == "案内件数"
    assert [c.value for c in sheet[1]] == HEADERS
    assert [c.value for c in sheet[2]] == ["違法・有害情報相談センター", 12]
    assert sheet["B3"].value is None
    assert sheet["A6"].value == "3件未満は表示しません"


def test_every_category_falls_under_exactly_one_national_heading():
    codes = [code for _key, _label, group in NATIONAL_HEADINGS for code in group]
    assert sorted(codes) == sorted(Category.values)
    assert set(HEADING_OF) == set(Category.values)
