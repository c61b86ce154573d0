"""The one pager every paginated list renders: its links keep the list's query and parameter."""

from django.core.paginator import Paginator
from django.template.loader import render_to_string


def pager(number: int, **context) -> str:
    page = Paginator(range(30), 10).page(number)
    return render_to_string("_pager.html", {"page": page, **context})


def test_a_single_page_has_no_pager():
    assert pager(1, page=Paginator(range(5), 10).page(1)).strip() == ""


def test_the_middle_page_links_both_ways_with_its_parameter():
    html = pager(2, param="sent", label="依頼のページ")
    assert 'href="?sent=1"' in html and 'href="?sent=3"' in html
    assert 'aria-label="依頼のページ"' in html
    assert "2 / 3 ページ" in html
    assert "hx-get" not in html


def test_the_first_and_last_pages_link_one_way():
    assert "前へ" not in pager(1) and 'href="?page=2"' in pager(1)
    assert "次へ" not in pager(3) and 'href="?page=2"' in pager(3)


def test_a_filtered_list_keeps_its_query_and_can_swap_in_place():
    html = pager(2, query="status=open&desk=1", hx_target="#case-results")
    assert 'href="?status=open&amp;desk=1&amp;page=3"' in html
    assert 'hx-get="?status=open&amp;desk=1&amp;page=3"' in html
    assert 'hx-target="#case-results"' in html
