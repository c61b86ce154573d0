import csv
import io

import pytest

from audit.models import AuditEntry
from cases import services
from cases.models import Case
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

INTAKE = {
    "desk": "gifu-city",
    "situation": "victim",
    "wishes": ["delete", "danger"],
    "categories": ["threat"],
    "flags": [],
    "age_band": "30_49",
    "consulter": "self",
    "channel": "in_person",
    "platforms": ["x"],
    "summary": "Aさんが匿名アカウントから殺害予告を受けた。",
}


def test_the_intake_page_reuses_the_triage_steps(web, counsellor):
    page = web(counsellor).get("/cases/new/").content.decode()
    for expected in (
        'name="situation"',
        'name="wishes"',
        'name="categories"',
        'name="flags"',
        'name="age_band"',
        'name="platforms"',
        'id="id_summary"',
        "/triage/suggestions/",
        "/cases/pii-check/",
        'aria-live="polite"',
    ):
        assert expected in page


def test_saving_the_intake_records_the_case_and_opens_it(web, counsellor):
    client = web(counsellor)
    response = client.post("/cases/new/", INTAKE)
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == case.get_absolute_url()
    assert (case.wishes, case.categories, case.platforms) == (
        ["delete", "danger"],
        ["threat"],
        ["x"],
    )
    assert (case.age_band, case.consulter, case.channel) == ("30_49", "self", "in_person")
    page = client.get(case.get_absolute_url()).content.decode()
    assert case.reference in page
    assert "相談を記録しました" in page


def test_the_intake_page_refuses_personal_data_and_keeps_the_choices(web, counsellor):
    response = web(counsellor).post(
        "/cases/new/", {**INTAKE, "summary": "加害者のアカウントは @yamada_taro です"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "SNSのID" in page
    assert "保存できません" in page
    assert 'value="threat" id="id_categories_5" checked' in page
    assert not Case.objects.exists()
    # The suggestions for the choices so far are shown again beside the errors.
    assert 'id="suggestion-police-110"' in page


def test_the_intake_needs_a_situation(web, counsellor):
    response = web(counsellor).post("/cases/new/", {**INTAKE, "situation": ""})
    assert response.status_code == 200
    assert "相談の状況を選んでください" in response.content.decode()
    assert not Case.objects.exists()


def test_a_user_without_a_counselling_desk_has_no_intake_page(web, supervisor):
    assert web(supervisor).get("/cases/new/").status_code == 404


def test_the_live_warning_uses_the_same_guard_through_a_post_body(web, counsellor):
    client = web(counsellor)
    warned = client.post("/cases/pii-check/", {"summary": "田中一郎さんから相談"})
    assert warned.status_code == 200
    assert "氏名らしき記述があります" in warned.content.decode()
    assert "田中" not in warned.content.decode()
    clean = client.post("/cases/pii-check/", {"body": "Aさんから続報"})
    assert clean.status_code == 200
    assert clean.content.decode().strip() == ""
    assert client.get("/cases/pii-check/?summary=田中一郎さん").status_code == 405
    assert warned["Cache-Control"].startswith("max-age=0")


def test_the_live_warning_needs_a_login(client):
    response = client.post("/cases/pii-check/", {"summary": "田中一郎さん"})
    assert response.status_code == 302


def test_the_list_filters_and_pages(web, open_case, counsellor, deskmate):
    fraud = open_case(categories=["fraud"])
    theirs = open_case(by=deskmate)
    client = web(counsellor)
    page = client.get("/cases/?category=fraud").content.decode()
    assert fraud.reference in page and theirs.reference not in page
    mine = client.get("/cases/?mine=on").content.decode()
    assert fraud.reference in mine and theirs.reference not in mine
    partial = client.get("/cases/?status=open", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and fraud.reference in partial
    bad = client.get("/cases/?from=2026-05-01&to=2026-04-01").content.decode()
    assert "以降の日付" in bad


def test_the_export_holds_codes_but_no_free_text(web, open_case, counsellor):
    case = open_case(summary="Aさんが『最低な人』と書かれた。")
    response = web(counsellor).get("/cases/export.csv")
    assert response["Content-Type"].startswith("text/csv")
    body = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][0] == "reference"
    assert rows[1][0] == case.reference
    assert "最低" not in body
    assert AuditEntry.objects.filter(action="export", case_reference=case.reference).count() == 1


def test_the_detail_shows_the_case_and_its_timeline(web, case, counsellor, deskmate):
    services.note_add(case=case, by=counsellor, body="Aさんに再連絡。")
    services.case_reassign(case=case, by=counsellor, assignee=deskmate)
    page = web(deskmate).get(case.get_absolute_url()).content.decode()
    assert case.summary in page
    assert "Aさんに再連絡。" in page
    assert "担当を deskmate に変更" in page
    assert 'id="referrals"' in page
    assert "/cases/pii-check/" in page


def test_a_supervisor_sees_the_detail_without_the_forms(web, case, supervisor):
    page = web(supervisor).get(case.get_absolute_url()).content.decode()
    assert case.reference in page
    assert "閲覧のみ" in page
    assert f"/cases/{case.reference}/close/" not in page


def test_notes_are_added_from_the_page_and_guarded(web, case, counsellor):
    client = web(counsellor)
    refused = client.post(f"/cases/{case.reference}/notes/", {"body": "〒500-8701 から"})
    assert refused.status_code == 400
    assert "郵便番号" in refused.content.decode()
    assert not case.notes.exists()
    added = client.post(f"/cases/{case.reference}/notes/", {"body": "Aさんから続報。"})
    assert added.status_code == 302
    assert case.notes.get().body == "Aさんから続報。"


def test_close_and_reopen_from_the_page(web, case, counsellor):
    client = web(counsellor)
    refused = client.post(f"/cases/{case.reference}/close/", {"closure_reason": ""})
    assert refused.status_code == 400
    assert "終了の理由を選んでください" in refused.content.decode()
    client.post(f"/cases/{case.reference}/close/", {"closure_reason": "lost_contact"})
    case.refresh_from_db()
    assert (case.status, case.closure_reason) == ("closed", "lost_contact")
    page = client.get(case.get_absolute_url()).content.decode()
    assert f"/cases/{case.reference}/reopen/" in page
    assert f"/cases/{case.reference}/edit/" not in page
    client.post(f"/cases/{case.reference}/reopen/", {"reason": "再び連絡があった"})
    case.refresh_from_db()
    assert case.status == "open"


def test_reassign_from_the_page_offers_only_deskmates(web, case, counsellor, deskmate, outsider):
    MembershipFactory(desk=case.desk, role="supervisor")
    client = web(counsellor)
    page = client.get(case.get_absolute_url()).content.decode()
    assert 'value="deskmate"' in page and 'value="outsider"' not in page
    refused = client.post(f"/cases/{case.reference}/reassign/", {"assigned_to": "outsider"})
    assert refused.status_code == 400
    client.post(f"/cases/{case.reference}/reassign/", {"assigned_to": "deskmate"})
    case.refresh_from_db()
    assert case.assigned_to == deskmate


def test_the_edit_page_corrects_codes_and_is_guarded(web, case, counsellor):
    client = web(counsellor)
    form = client.get(f"/cases/{case.reference}/edit/").content.decode()
    assert case.summary in form
    refused = client.post(
        f"/cases/{case.reference}/edit/",
        {"situation": "victim", "age_band": "unknown", "summary": "https://example.com/post/1"},
    )
    assert refused.status_code == 200
    assert "URL" in refused.content.decode()
    client.post(
        f"/cases/{case.reference}/edit/",
        {"situation": "seek_solution", "age_band": "19_29", "summary": "Bさんの件"},
    )
    case.refresh_from_db()
    assert (case.situation, case.age_band, case.summary) == ("seek_solution", "19_29", "Bさんの件")


def test_the_nav_and_home_link_to_cases(web, counsellor):
    page = web(counsellor).get("/").content.decode()
    assert 'href="/cases/"' in page
    assert 'href="/cases/new/"' in page


def test_the_closing_note_is_guarded_on_the_page(web, case, counsellor):
    response = web(counsellor).post(
        f"/cases/{case.reference}/close/", {"closure_reason": "resolved", "note": "〒500-8701"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    warning = page.split('id="close-pii"', 1)[1].split("</div>", 2)[:2]
    assert "郵便番号らしき記述があります" in "".join(warning)
    case.refresh_from_db()
    assert case.status == "open"


def test_the_live_warning_refuses_text_over_the_cap_without_reading_it(web, counsellor):
    response = web(counsellor).post("/cases/pii-check/", {"summary": "090-" * 1_001})
    page = response.content.decode()
    assert response.status_code == 400
    assert "4,000文字以内にしてください（いまは4,004文字です）" in page
    assert "電話番号" not in page


@pytest.fixture
def clock(monkeypatch):
    """A clock for the live check's rate limit that moves only when a test moves it.

    The throttle keeps its history in the cache for as many real seconds as its window; on
    a busy machine a slow first request outlasts that, and the history would expire under
    the test. The history is kept without a real-time expiry: only this clock moves.
    """
    from django.core.cache import cache

    from cases import views

    class HeldCache:
        def get(self, key, default=None):
            return cache.get(key, default)

        def set(self, key, value, timeout=None):
            cache.set(key, value, None)

    now = [1_000_000.0]
    for throttle in views.LIVE_CHECK_THROTTLES:
        monkeypatch.setattr(throttle, "timer", lambda self: now[0])
        monkeypatch.setattr(throttle, "cache", HeldCache())
    return now


def test_the_live_warning_pauses_a_flood_with_429_and_retry_after(web, counsellor, deskmate, clock):
    client = web(counsellor)
    answers = [client.post("/cases/pii-check/", {"summary": "Aさん"}) for _ in range(12)]
    assert [response.status_code for response in answers] == [200] * 10 + [429] * 2
    assert answers[-1]["Retry-After"] == "1"
    assert "保存するときには必ず確認します" in answers[-1].content.decode()
    # Another user of the same desk is not held back by the first one's requests.
    assert web(deskmate).post("/cases/pii-check/", {"summary": "Aさん"}).status_code == 200
    clock[0] += 1.5
    assert client.post("/cases/pii-check/", {"summary": "Aさん"}).status_code == 200


def test_the_live_warning_keeps_up_with_a_fast_typist_for_minutes(web, counsellor, clock):
    client = web(counsellor)
    statuses = set()
    for _ in range(400):
        statuses.add(client.post("/cases/pii-check/", {"summary": "Aさんから相談"}).status_code)
        clock[0] += 0.3
    assert statuses == {200}


def test_the_live_warning_holds_a_steady_flood_to_five_a_second(web, counsellor, clock):
    client = web(counsellor)
    answered = 0
    for _ in range(480):  # Eight a second for one minute.
        answered += client.post("/cases/pii-check/", {"summary": "Aさん"}).status_code == 200
        clock[0] += 0.125
    assert answered == 300


def test_the_live_warning_shows_its_pauses_on_the_page(web, counsellor, case):
    for url in ("/cases/new/", case.get_absolute_url()):
        assert "js/pii-check.js" in web(counsellor).get(url).content.decode()


def test_a_long_timeline_shows_its_newest_notes_and_pages_back(web, case, counsellor):
    for number in range(1, 46):
        services.note_add(case=case, by=counsellor, body=f"経過メモ{number:02d}番")
    client = web(counsellor)
    newest = client.get(case.get_absolute_url()).content.decode()
    assert "経過メモ26番" in newest and "経過メモ45番" in newest
    assert newest.index("経過メモ26番") < newest.index("経過メモ45番")
    assert "経過メモ25番" not in newest
    assert "全45件のうち新しい方から 1〜20 件目" in newest
    oldest = client.get(case.get_absolute_url(), {"notes": "3"}).content.decode()
    assert "経過メモ01番" in oldest and "経過メモ05番" in oldest
    assert "経過メモ06番" not in oldest
    assert client.get(case.get_absolute_url(), {"notes": "²"}).status_code == 200


def test_an_export_over_its_limit_asks_to_narrow_the_list(web, open_case, counsellor, monkeypatch):
    from cases import views

    for _ in range(3):
        open_case()
    monkeypatch.setattr(views, "EXPORT_MAX_ROWS", 2)
    client = web(counsellor)
    listing = client.get("/cases/").content.decode()
    assert "CSVは2件まで書き出せます" in listing
    response = client.get("/cases/export.csv")
    assert response.status_code == 400
    assert "条件に合う相談記録が3件あります。CSVは2件までなので" in response.content.decode()
    assert response["Content-Type"].startswith("text/html")
    assert client.get("/cases/export.csv", {"status": "closed"}).status_code == 200
