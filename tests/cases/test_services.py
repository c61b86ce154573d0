import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import timezone

from audit.models import AuditEntry
from cases import services
from cases.guard import PersonalDataError
from cases.models import Case, CaseCounter, Note
from cases.signals import case_closing
from tests.factories import DeskFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_it_gives_each_desk_a_yearly_sequence_of_references(open_case, school_desk):
    school_counsellor = MembershipFactory(desk=school_desk).user
    first, second = open_case(), open_case()
    school = open_case(desk=school_desk, by=school_counsellor)
    year = timezone.localdate().year
    assert first.reference == f"GIFU-CITY-{year}-0001"
    assert second.reference == f"GIFU-CITY-{year}-0002"
    assert school.reference == f"GIFU-HS-{year}-0001"


def test_it_starts_numbering_again_each_year_by_the_local_date(open_case):
    # 2025-12-31 23:30 in Tokyo is still 2025 there, though 14:30 UTC.
    new_years_eve = datetime.datetime(2025, 12, 31, 14, 30, tzinfo=datetime.UTC)
    new_year = datetime.datetime(2025, 12, 31, 15, 30, tzinfo=datetime.UTC)
    assert open_case(now=new_years_eve).reference == "GIFU-CITY-2025-0001"
    assert open_case(now=new_year).reference == "GIFU-CITY-2026-0001"
    assert open_case(now=new_years_eve).reference == "GIFU-CITY-2025-0002"


def test_it_keeps_codes_in_the_vocabulary_order(open_case):
    case = open_case(wishes=["danger", "delete", "unsure"], platforms=["line", "x"])
    assert case.wishes == ["unsure", "delete", "danger"]
    assert case.platforms == ["x", "line"]


def test_it_refuses_unknown_codes_naming_the_field(open_case):
    with pytest.raises(ValidationError) as refused:
        open_case(categories=["defamation", "gossip"])
    assert "gossip" in refused.value.message_dict["categories"][0]
    assert not Case.objects.exists()


def test_it_refuses_personal_data_and_stores_nothing(open_case):
    with pytest.raises(PersonalDataError) as refused:
        open_case(summary="山田太郎さんの電話番号は090-1234-5678です。")
    assert set(refused.value.kinds) == {"person_name", "phone"}
    messages = refused.value.message_dict["summary"]
    assert any("電話番号" in message for message in messages)
    assert not any("090" in message or "山田" in message for message in messages)
    assert not Case.objects.exists()
    assert not CaseCounter.objects.exists()
    assert not AuditEntry.objects.exclude(case_reference="").exists()


def test_it_keeps_what_real_narratives_need(open_case):
    summary = (
        "Aさん（高校2年）が3月5日21時ごろ、SNSで同級生B子から中傷された。"
        "岐阜市在住。投稿は12件、被害額は3万円。法テラス 0570-078374 を案内予定。"
    )
    assert open_case(summary=summary).summary == summary


def test_only_a_counsellor_of_the_desk_opens_cases(desk, supervisor, outsider):
    for user in (supervisor, outsider):
        with pytest.raises(ValidationError) as refused:
            services.case_open(desk=desk, opened_by=user, situation="victim")
        assert "desk" in refused.value.message_dict
    assert not Case.objects.exists()


def test_it_assigns_the_case_to_whoever_opened_it_by_default(case, counsellor):
    assert case.assigned_to == counsellor
    assert case.opened_by == counsellor


def test_it_reassigns_only_within_the_desk(case, counsellor, deskmate, outsider, supervisor):
    services.case_reassign(case=case, by=counsellor, assignee=deskmate)
    case.refresh_from_db()
    assert case.assigned_to == deskmate
    note = case.notes.get()
    assert (note.kind, note.assignee) == (Note.Kind.REASSIGNED, deskmate)
    for stranger in (outsider, supervisor):
        with pytest.raises(ValidationError):
            services.case_reassign(case=case, by=counsellor, assignee=stranger)
    case.refresh_from_db()
    assert case.assigned_to == deskmate


def test_it_walks_the_lifecycle_and_refuses_illegal_steps(case, counsellor):
    assert case.status == Case.Status.OPEN
    services.case_mark_referred(case=case, by=counsellor)
    services.case_mark_referred(case=case, by=counsellor)
    case.refresh_from_db()
    assert case.status == Case.Status.REFERRED
    services.case_mark_following_up(case=case, by=counsellor)
    services.case_mark_referred(case=case, by=counsellor)
    case.refresh_from_db()
    assert case.status == Case.Status.FOLLOWING_UP
    services.case_close(case=case, by=counsellor, reason="partly_resolved")
    case.refresh_from_db()
    assert (case.status, case.closure_reason) == (Case.Status.CLOSED, "partly_resolved")
    assert case.closed_at is not None
    with pytest.raises(ValidationError):
        services.case_mark_referred(case=case, by=counsellor)
    with pytest.raises(ValidationError):
        services.case_mark_following_up(case=case, by=counsellor)
    with pytest.raises(ValidationError):
        services.case_close(case=case, by=counsellor, reason="resolved")
    case.refresh_from_db()
    assert case.closure_reason == "partly_resolved"


def test_it_needs_a_known_closure_reason(case, counsellor):
    for reason in ("", "fixed"):
        with pytest.raises(ValidationError) as refused:
            services.case_close(case=case, by=counsellor, reason=reason)
        assert "closure_reason" in refused.value.message_dict
    case.refresh_from_db()
    assert case.status == Case.Status.OPEN


def test_it_reopens_a_closed_case_with_a_reason_on_the_timeline(case, counsellor):
    with pytest.raises(ValidationError):
        services.case_reopen(case=case, by=counsellor, reason="再度の相談")
    services.case_close(case=case, by=counsellor, reason="resolved")
    with pytest.raises(ValidationError) as refused:
        services.case_reopen(case=case, by=counsellor, reason="  ")
    assert "reason" in refused.value.message_dict
    services.case_reopen(case=case, by=counsellor, reason="同じ投稿が再び掲載された")
    case.refresh_from_db()
    assert (case.status, case.closure_reason, case.closed_at) == (Case.Status.OPEN, "", None)
    assert [note.kind for note in case.notes.all()] == ["closed", "reopened"]
    assert case.notes.last().body == "同じ投稿が再び掲載された"


def test_a_closed_case_cannot_be_edited_or_annotated(case, counsellor):
    services.case_close(case=case, by=counsellor, reason="withdrawn")
    with pytest.raises(ValidationError):
        services.case_update(case=case, by=counsellor, summary="追記")
    with pytest.raises(ValidationError):
        services.note_add(case=case, by=counsellor, body="追記")


def test_notes_are_guarded_like_the_summary(case, counsellor):
    with pytest.raises(PersonalDataError) as refused:
        services.note_add(case=case, by=counsellor, body="連絡先 a.sato@example.jp に返信")
    assert refused.value.kinds == ["email"]
    assert "body" in refused.value.message_dict
    assert not case.notes.exists()
    note = services.note_add(case=case, by=counsellor, body="Aさんから続報。投稿は削除済み。")
    assert note.body == "Aさんから続報。投稿は削除済み。"


def test_reasons_for_closing_and_reopening_are_guarded(case, counsellor):
    with pytest.raises(PersonalDataError):
        services.case_close(
            case=case, by=counsellor, reason="resolved", note="本人 https://x.com/abc123"
        )
    case.refresh_from_db()
    assert case.status == Case.Status.OPEN
    services.case_close(case=case, by=counsellor, reason="resolved")
    with pytest.raises(PersonalDataError):
        services.case_reopen(case=case, by=counsellor, reason="〒500-8701 の住所から再相談")
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED


def test_an_update_audits_the_names_of_changed_fields_only(case, counsellor):
    services.case_update(
        case=case, by=counsellor, summary="Bさんの件に訂正。", categories=["privacy"]
    )
    entry = AuditEntry.objects.filter(action="update").get()
    assert sorted(entry.detail["fields"]) == ["categories", "summary"]
    assert "Bさん" not in str(entry.detail)


def test_an_update_that_changes_nothing_writes_nothing(case, counsellor):
    before = AuditEntry.objects.count()
    services.case_update(case=case, by=counsellor, summary=case.summary)
    assert AuditEntry.objects.count() == before


def test_a_supervisor_cannot_change_a_case(case, supervisor):
    with pytest.raises(ValidationError):
        services.case_update(case=case, by=supervisor, summary="訂正")
    with pytest.raises(ValidationError):
        services.note_add(case=case, by=supervisor, body="確認しました")


def test_a_closing_receiver_can_refuse_the_closure(case, counsellor):
    def refuse(sender, case, by, data, **kwargs):
        if not data.get("follow_up_reason"):
            raise ValidationError({"follow_up_reason": "未完了のフォローアップがあります。"})

    case_closing.connect(refuse)
    try:
        with pytest.raises(ValidationError) as refused:
            services.case_close(case=case, by=counsellor, reason="resolved")
        assert "follow_up_reason" in refused.value.message_dict
        case.refresh_from_db()
        assert case.status == Case.Status.OPEN
        services.case_close(
            case=case, by=counsellor, reason="resolved", data={"follow_up_reason": "x"}
        )
    finally:
        case_closing.disconnect(refuse)
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED


def test_one_change_request_reopens_edits_and_reassigns_together(case, counsellor, deskmate):
    services.case_close(case=case, by=counsellor, reason="lost_contact")
    services.case_change(
        case=case,
        by=counsellor,
        status="open",
        reason="連絡が再開した",
        flags=["minor"],
        assigned_to=deskmate,
    )
    case.refresh_from_db()
    assert (case.status, case.flags, case.assigned_to) == ("open", ["minor"], deskmate)


def test_one_change_request_is_all_or_nothing(case, counsellor, deskmate):
    with pytest.raises(PersonalDataError):
        services.case_change(
            case=case,
            by=counsellor,
            flags=["minor"],
            assigned_to=deskmate,
            status="closed",
            closure_reason="resolved",
            reason="090-1111-2222 に連絡済み",
        )
    case.refresh_from_db()
    assert (case.status, case.flags, case.assigned_to) == ("open", [], counsellor)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_intakes_never_share_a_reference():
    desk = DeskFactory(slug="gifu-city")
    users = [MembershipFactory(desk=desk, user=UserFactory()).user for _ in range(6)]
    references, errors = [], []
    barrier = threading.Barrier(len(users))

    def intake(user):
        try:
            barrier.wait()
            case = services.case_open(desk=desk, opened_by=user, situation="worries")
            references.append(case.reference)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connections.close_all()

    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith(
        "file:memorydb"
    ):
        pytest.skip("threads cannot share SQLite's in-memory test database reliably")
    threads = [threading.Thread(target=intake, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(set(references)) == len(users)
    assert CaseCounter.objects.get(desk=desk).last_number == len(users)
