"""The colours the stylesheet pairs meet WCAG contrast: the menu's current item and the focus ring."""

import re
from pathlib import Path

CSS = (Path(__file__).resolve().parents[1] / "static" / "css" / "tsunagu.css").read_text()


def variable(name: str) -> str:
    return re.search(rf"--{name}:\s*(#[0-9a-fA-F]{{6}})", CSS).group(1)


def luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_the_menus_current_item_reads_at_4_5_to_1():
    rule = re.search(r'\.site-nav a\[aria-current="page"\] \{([^}]*)\}', CSS).group(1)
    background = re.search(r"background:\s*(#[0-9a-fA-F]{6})", rule).group(1)
    assert contrast("#ffffff", background) >= 4.5


def test_the_focus_ring_stands_out_at_3_to_1_on_every_background():
    for background in (
        "#ffffff",
        variable("paper"),
        variable("urgent-soft"),
        variable("warn-soft"),
    ):
        assert contrast(variable("focus"), background) >= 3, background
    assert contrast(variable("focus-on-dark"), variable("brand")) >= 3
