import pytest

from cases import services


@pytest.fixture
def open_case(desk, counsellor):
    """Return a helper that opens a case at the owner's desk (or another) through the service."""

    def make(*, desk=desk, by=counsellor, **fields):
        fields.setdefault("situation", "victim")
        fields.setdefault("wishes", ["delete"])
        fields.setdefault("categories", ["defamation"])
        fields.setdefault("summary", "Aさんが匿名掲示板で中傷された。投稿の削除を希望。")
        return services.case_open(desk=desk, opened_by=by, **fields)

    return make


@pytest.fixture
def case(open_case):
    """The owner's case at the owner's desk."""
    return open_case()
