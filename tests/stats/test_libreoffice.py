"""LibreOffice opens both page exports without losing the Japanese (skipped without soffice)."""

import csv
import io
import shutil
import subprocess

import pytest
from openpyxl import load_workbook

from stats.exports import table_csv, table_xlsx

SOFFICE = shutil.which("soffice")
pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")

CONDITIONS = [("統計", "窓口別の案内件数"), ("集計期間", "令和7年4月〜令和8年3月")]
HEADERS = ["窓口", "件数"]
ROWS = [["人権相談（法務局）", "X"], ["違法・有害情報相談センター", 12]]


def convert(path, fmt: str, tmp_path, *extra: str):
    out = tmp_path / "out"
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
         *extra, "--convert-to", fmt, "--outdir", str(out), str(path)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    return next(out.iterdir())


def test_libreoffice_reads_the_csv_export_in_japanese(tmp_path):
    source = tmp_path / "export.csv"
    source.write_bytes(table_csv(HEADERS, ROWS, conditions=CONDITIONS))
    # 44 comma, 34 quote, 76 UTF-8: the options a desk chooses in the import dialogue.
    xlsx = convert(source, "xlsx", tmp_path, "--infilter=CSV:44,34,76")
    rows = [[c.value for c in row] for row in load_workbook(xlsx).active.iter_rows()]
    assert rows[0] == ["統計", "窓口別の案内件数"]
    assert ["人権相談（法務局）", "X"] in rows


def test_libreoffice_reads_the_xlsx_export_with_its_conditions_sheet(tmp_path):
    source = tmp_path / "export.xlsx"
    source.write_bytes(table_xlsx(HEADERS, ROWS, title="service", conditions=CONDITIONS))
    ods = convert(source, "ods", tmp_path)
    back = convert(ods, "xlsx", tmp_path / "again")
    book = load_workbook(back)
    assert book.sheetnames == ["service", "条件"]
    assert [c.value for c in book["条件"][2]] == ["集計期間", "令和7年4月〜令和8年3月"]
    assert [c.value for c in book["service"][2]] == ["人権相談（法務局）", "X"]
    text = convert(source, "csv:Text - txt - csv (StarCalc):44,34,76", tmp_path / "csv")
    rows = list(csv.reader(io.StringIO(text.read_text("utf-8"))))
    assert rows[0] == HEADERS and rows[2] == ["違法・有害情報相談センター", "12"]
