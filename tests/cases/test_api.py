import datetime
import logging

import pytest
from django.core.management import call_command
from django.utils import timezone

from audit.models import AuditEntry
from cases import services
from cases.models import Case, CaseCounter, Note
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/cases/"
PII_SUMMARY = "被害者は佐藤花子さん（090-1234-5678）、sato.hanako@example.jp"
INTAKE = {
    "situation": "victim",
    "wishes": ["delete"],
    "categories": ["revenge_porn"],
    "flags": ["minor"],
    "age_band": "16_18",
    "consulter": "guardian",
    "channel": "phone",
    "platforms": ["instagram"],
    "summary": "Aさん（高校生）の画像がSNSに無断で投稿された。保護者から相談。",
}


def test_a_counsellor_records_an_intake_and_gets_suggestions(api, counsellor):
    response = api(counsellor).post(URL, INTAKE, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    case = Case.objects.get()
    assert data["reference"] == case.reference
    assert data["desk"] == "gifu-city"
    assert (case.situation, case.platforms, case.summary) == (
        "victim",
        ["instagram"],
        INTAKE["summary"],
    )
    slugs = [s["service"]["slug"] for s in data["suggestions"]]
    # A child's intimate image is 児童ポルノ: the police lead, then the deletion windows.
    assert slugs[:2] == ["police-cyber", "safeline"]
    assert {"one-stop-8891", "kodomo-jinken-110", "jidou-189"} <= set(slugs)
    assert [s["rank"] for s in data["suggestions"]] == list(range(1, len(slugs) + 1))
    assert all(s["reasons"] for s in data["suggestions"])


def test_personal_data_is_refused_with_the_kinds_and_nothing_is_stored_or_logged(
    api, counsellor, caplog
):
    caplog.set_level(logging.DEBUG)
    response = api(counsellor).post(URL, {**INTAKE, "summary": PII_SUMMARY}, format="json")
    assert response.status_code == 400
    data = response.json()
    assert set(data) == {"summary", "pii"}
    assert data["pii"] == ["person_name", "phone", "email"]
    assert all(isinstance(message, str) for message in data["summary"])
    assert "電話番号" in " ".join(data["summary"])
    for fragment in ("佐藤", "090", "sato"):
        assert fragment not in response.content.decode()
        assert fragment not in caplog.text
    assert not Case.objects.exists()
    assert not CaseCounter.objects.exists()
    assert not AuditEntry.objects.exclude(case_reference="").exists()


def test_full_width_digits_are_caught(api, counsellor):
    response = api(counsellor).post(
        URL, {**INTAKE, "summary": "連絡先は０９０－１２３４－５６７８とのこと"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["pii"] == ["phone"]


def test_unknown_codes_are_a_400_naming_field_and_code(api, counsellor):
    response = api(counsellor).post(
        URL,
        {"situation": "lost", "wishes": ["delete", "revenge"], "platforms": "x"},
        format="json",
    )
    assert response.status_code == 400
    data = response.json()
    assert set(data) == {"situation", "wishes", "platforms"}
    assert "revenge" in data["wishes"][0]
    assert "lost" in data["situation"][0]
    assert not Case.objects.exists()


def test_situation_is_the_only_required_code(api, counsellor):
    response = api(counsellor).post(URL, {"situation": "worries"}, format="json")
    assert response.status_code == 201
    case = Case.objects.get()
    assert (case.age_band, case.summary, case.wishes) == ("unknown", "", [])
    assert response.json()["suggestions"][0]["service"]["slug"] == "mamorouyo-kokoro"


def test_a_member_of_several_desks_names_the_desk(api, counsellor, school_desk):
    MembershipFactory(user=counsellor, desk=school_desk)
    ambiguous = api(counsellor).post(URL, {"situation": "worries"}, format="json")
    assert ambiguous.status_code == 400
    assert "desk" in ambiguous.json()
    response = api(counsellor).post(URL, {"situation": "worries", "desk": "gifu-hs"}, format="json")
    assert response.status_code == 201
    assert response.json()["reference"].startswith("GIFU-HS-")


def test_nobody_records_at_a_desk_they_do_not_counsel(api, counsellor, supervisor, outsider):
    other = api(counsellor).post(URL, {"situation": "worries", "desk": "ogaki-city"}, format="json")
    assert other.status_code == 400
    assert "desk" in other.json()
    refused = api(supervisor).post(URL, {"situation": "worries"}, format="json")
    assert refused.status_code == 403
    assert "detail" in refused.json()
    assert not Case.objects.exists()


def test_anonymous_callers_get_no_data(api, case):
    assert api().get(URL).status_code in (401, 403)
    assert api().post(URL, INTAKE, format="json").status_code in (401, 403)


def test_the_list_is_paginated_and_newest_first(api, open_case):
    cases = [open_case() for _ in range(3)]
    data = api(cases[0].opened_by).get(URL).json()
    assert set(data) == {"count", "next", "previous", "results"}
    assert data["count"] == 3
    assert [c["reference"] for c in data["results"]] == [c.reference for c in reversed(cases)]


def test_the_list_filters_by_status_category_period_and_assignee(
    api, open_case, counsellor, deskmate
):
    now = timezone.now()
    old = open_case(categories=["fraud"], now=now - datetime.timedelta(days=200))
    bullying = open_case(categories=["bullying", "defamation"])
    theirs = open_case(by=deskmate, categories=["defamation"])
    services.case_close(case=old, by=counsellor, reason="resolved")
    client = api(counsellor)

    def refs(query):
        response = client.get(URL + query)
        assert response.status_code == 200, response.json()
        return {c["reference"] for c in response.json()["results"]}

    assert refs("?status=closed") == {old.reference}
    assert refs("?category=defamation") == {bullying.reference, theirs.reference}
    assert refs("?category=bullying") == {bullying.reference}
    start = (timezone.localdate() - datetime.timedelta(days=30)).isoformat()
    assert refs(f"?from={start}") == {bullying.reference, theirs.reference}
    assert refs(f"?to={start}") == {old.reference}
    assert refs("?mine=true") == {old.reference, bullying.reference}
    assert refs("?mine=true&category=defamation") == {bullying.reference}


def test_bad_filters_are_a_400_naming_the_filter(api, counsellor):
    response = api(counsellor).get(URL + "?status=lost&from=yesterday")
    assert response.status_code == 400
    assert set(response.json()) == {"status", "from"}


def test_the_detail_has_codes_summary_and_timeline(api, case, counsellor):
    services.note_add(case=case, by=counsellor, body="Aさんへ折り返し。")
    data = api(counsellor).get(f"{URL}{case.reference}/").json()
    assert data["reference"] == case.reference
    assert data["summary"] == case.summary
    assert data["status"] == "open"
    assert data["assigned_to"] == "owner"
    assert [n["body"] for n in data["notes"]] == ["Aさんへ折り返し。"]


def test_the_declined_crisis_prompts_are_read_as_codes_and_only_by_the_desk(
    api, case, counsellor, outsider
):
    Case.objects.filter(pk=case.pk).update(crisis_declined=["suicidal", "threat"])
    detail = api(counsellor).get(f"{URL}{case.reference}/").json()
    listed = api(counsellor).get(URL).json()["results"]
    assert detail["crisis_declined"] == ["suicidal", "threat"]
    assert [row["crisis_declined"] for row in listed] == [["suicidal", "threat"]]
    assert api(outsider).get(f"{URL}{case.reference}/").status_code == 404
    assert api(outsider).get(URL).json()["results"] == []


def test_patch_changes_codes_and_summary(api, case, counsellor):
    response = api(counsellor).patch(
        f"{URL}{case.reference}/",
        {"categories": ["privacy", "defamation"], "summary": "訂正：Bさんの件。"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    case.refresh_from_db()
    assert (case.categories, case.summary) == (["defamation", "privacy"], "訂正：Bさんの件。")


def test_patch_refuses_personal_data_and_keeps_the_old_summary(api, case, counsellor):
    before = case.summary
    response = api(counsellor).patch(
        f"{URL}{case.reference}/",
        {"summary": "住所は岐阜市長良福光2丁目3-4", "flags": ["minor"]},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["pii"] == ["address"]
    assert set(response.json()) == {"summary", "pii"}
    case.refresh_from_db()
    assert (case.summary, case.flags) == (before, [])


def test_patch_closes_and_reopens_with_reasons(api, case, counsellor):
    client = api(counsellor)
    missing = client.patch(f"{URL}{case.reference}/", {"status": "closed"}, format="json")
    assert missing.status_code == 400
    assert "closure_reason" in missing.json()
    closed = client.patch(
        f"{URL}{case.reference}/", {"status": "closed", "closure_reason": "resolved"}, format="json"
    )
    assert closed.status_code == 200
    assert (closed.json()["status"], closed.json()["closure_reason"]) == ("closed", "resolved")
    edit = client.patch(f"{URL}{case.reference}/", {"flags": ["minor"]}, format="json")
    assert edit.status_code == 400
    no_reason = client.patch(f"{URL}{case.reference}/", {"status": "open"}, format="json")
    assert no_reason.status_code == 400
    assert "reason" in no_reason.json()
    reopened = client.patch(
        f"{URL}{case.reference}/", {"status": "open", "reason": "再相談があった"}, format="json"
    )
    assert reopened.status_code == 200
    assert reopened.json()["status"] == "open"
    assert [n.kind for n in case.notes.all()] == [Note.Kind.CLOSED, Note.Kind.REOPENED]


def test_patch_refuses_statuses_set_by_referrals(api, case, counsellor):
    for status in ("referred", "following_up", "archived"):
        response = api(counsellor).patch(
            f"{URL}{case.reference}/", {"status": status}, format="json"
        )
        assert response.status_code == 400
        assert "status" in response.json()
    case.refresh_from_db()
    assert case.status == "open"


def test_patch_reassigns_within_the_desk_only(api, case, counsellor, deskmate, outsider):
    moved = api(counsellor).patch(
        f"{URL}{case.reference}/", {"assigned_to": deskmate.username}, format="json"
    )
    assert moved.status_code == 200
    assert moved.json()["assigned_to"] == "deskmate"
    refused = api(counsellor).patch(
        f"{URL}{case.reference}/", {"assigned_to": outsider.username}, format="json"
    )
    assert refused.status_code == 400
    assert "assigned_to" in refused.json()
    case.refresh_from_db()
    assert case.assigned_to == deskmate


def test_an_empty_patch_is_a_400(api, case, counsellor):
    assert api(counsellor).patch(f"{URL}{case.reference}/", {}, format="json").status_code == 400


def test_notes_are_added_and_guarded(api, case, counsellor):
    client = api(counsellor)
    created = client.post(
        f"{URL}{case.reference}/notes/", {"body": "Aさんに再連絡。"}, format="json"
    )
    assert created.status_code == 201
    assert created.json()["body"] == "Aさんに再連絡。"
    assert created.json()["author"] == "owner"
    refused = client.post(
        f"{URL}{case.reference}/notes/", {"body": "LINE ID: hanako_0312"}, format="json"
    )
    assert refused.status_code == 400
    assert set(refused.json()) == {"body", "pii"}
    assert refused.json()["pii"] == ["sns_id"]
    empty = client.post(f"{URL}{case.reference}/notes/", {}, format="json")
    assert empty.status_code == 400
    assert "body" in empty.json()
    listed = client.get(f"{URL}{case.reference}/notes/").json()
    assert (listed["count"], listed["next"], listed["previous"]) == (1, None, None)
    assert [n["body"] for n in listed["results"]] == ["Aさんに再連絡。"]


def test_the_openapi_schema_documents_the_cases_api_without_warnings(tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--fail-on-warn", "--file", str(target))
    schema = target.read_text()
    for path in (
        "/api/v1/cases/:",
        "/api/v1/cases/{reference}/:",
        "/api/v1/cases/{reference}/notes/:",
    ):
        assert path in schema
    assert "CaseCreated" in schema
    assert "crisis_declined" in schema
    assert "PersonalDataRefusalSummary" in schema and "PersonalDataRefusalBody" in schema


def test_one_refusal_names_every_field_with_personal_data(api, case, counsellor):
    response = api(counsellor).patch(
        f"{URL}{case.reference}/",
        {
            "summary": "本人 090-1234-5678",
            "status": "closed",
            "closure_reason": "resolved",
            "reason": "https://x.com/someone を確認",
        },
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"summary", "reason", "pii"}
    assert response.json()["pii"] == ["phone", "url"]
    case.refresh_from_db()
    assert case.status == "open"


def test_what_is_not_known_is_null_not_blank(api, case, counsellor):
    data = api(counsellor).get(f"{URL}{case.reference}/").json()
    assert (data["consulter"], data["channel"], data["closure_reason"]) == (None, None, None)
    services.note_add(case=case, by=counsellor, body="メモ")
    note = api(counsellor).get(f"{URL}{case.reference}/notes/").json()["results"][0]
    assert (note["closure_reason"], note["assignee"]) == (None, None)


def test_null_clears_a_code_and_a_blank_string_is_refused(api, counsellor):
    client = api(counsellor)
    created = client.post(URL, {**INTAKE, "consulter": None, "channel": None}, format="json")
    assert created.status_code == 201, created.json()
    assert (created.json()["consulter"], created.json()["channel"]) == (None, None)
    reference = created.json()["reference"]
    blank = client.patch(f"{URL}{reference}/", {"consulter": ""}, format="json")
    assert blank.status_code == 400
    assert set(blank.json()) == {"consulter"}
    set_ = client.patch(f"{URL}{reference}/", {"consulter": "self"}, format="json")
    assert set_.json()["consulter"] == "self"
    cleared = client.patch(f"{URL}{reference}/", {"consulter": None}, format="json")
    assert cleared.status_code == 200
    assert cleared.json()["consulter"] is None
    assert Case.objects.get(reference=reference).consulter == ""


def test_json_values_must_have_the_type_the_schema_gives(api, case, counsellor):
    client = api(counsellor)
    number = client.patch(f"{URL}{case.reference}/", {"summary": 12345}, format="json")
    assert number.status_code == 400
    assert set(number.json()) == {"summary"}
    blank = client.post(f"{URL}{case.reference}/notes/", {"body": " \u3000\n"}, format="json")
    assert blank.status_code == 400
    assert set(blank.json()) == {"body"}


def test_a_format_suffix_is_a_json_404_not_a_server_error(api, case, counsellor):
    client = api(counsellor)
    for response in (
        client.patch(f"{URL}{case.reference}.json", {"flags": []}, format="json"),
        client.get(f"{URL}{case.reference}/notes.json"),
        client.get("/api/v1/cases.json"),
        client.get("/api/v1/no-such-thing/"),
    ):
        assert response.status_code == 404
        assert response["Content-Type"] == "application/json"
        assert "detail" in response.json()


def test_the_list_filters_take_an_empty_value_as_not_given(api, case, counsellor):
    response = api(counsellor).get(URL + "?status=&category=&from=&to=&mine=&desk=")
    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_the_list_refuses_a_desk_the_user_does_not_belong_to(api, case, counsellor, outsider):
    response = api(counsellor).get(URL + "?desk=ogaki-city")
    assert response.status_code == 400
    assert set(response.json()) == {"desk"}
