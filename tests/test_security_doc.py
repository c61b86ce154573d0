"""docs/security.md names only tests that exist."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "security.md"
REFERENCE = re.compile(r"`(tests/[\w/]+\.py)(?:::(\w+))?`")


def references(text: str) -> list[tuple[str, str | None]]:
    return [(path, name or None) for path, name in REFERENCE.findall(text)]


def functions_in(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    }


def test_every_test_the_document_names_exists():
    missing = []
    for path, name in references(DOC.read_text(encoding="utf-8")):
        file = ROOT / path
        if not file.is_file():
            missing.append(path)
        elif name is not None and name not in functions_in(file):
            missing.append(f"{path}::{name}")
    assert missing == []


def test_the_document_maps_every_chapter_of_asvs():
    text = DOC.read_text(encoding="utf-8")
    for chapter in range(1, 18):
        assert re.search(rf"\bV{chapter}\b", text), f"V{chapter} is neither mapped nor ruled out"


def test_the_document_names_tests_at_all():
    assert len(references(DOC.read_text(encoding="utf-8"))) >= 40
