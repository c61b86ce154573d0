import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from audit.models import AuditEntry
from cases import services as case_services
from cases.models import Case
from referrals.models import FollowUp, Referral
from transfers import services
from transfers.models import CaseTransfer

pytestmark = pytest.mark.django_db


def test_an_offer_leaves_the_case_with_its_desk(offered, moving_case, desk, counsellor):
    moving_case.refresh_from_db()
    assert offered.status == CaseTransfer.Status.PENDING
    assert moving_case.desk_id == desk.pk
    assert moving_case.assigned_to_id == counsellor.pk


def test_acceptance_moves_the_case_its_referrals_and_follow_ups(
    offered, moving_case, receiver, school_desk
):
    services.transfer_accept(transfer_id=offered.pk, by=receiver)
    moving_case.refresh_from_db()
    offered.refresh_from_db()
    assert offered.status == CaseTransfer.Status.ACCEPTED
    assert offered.decided_by_id == receiver.pk
    assert moving_case.desk_id == school_desk.pk
    assert moving_case.assigned_to_id == receiver.pk
    assert set(Referral.objects.filter(case=moving_case).values_list("case__desk", flat=True)) == {
        school_desk.pk
    }
    assert FollowUp.objects.open().filter(case__desk=school_desk).count() == 1


def test_a_case_is_never_owned_by_zero_desks(moving_case):
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=moving_case.pk).update(desk=None)


def test_the_database_allows_one_pending_transfer_per_case(offered, counsellor, other_desk):
    with pytest.raises(IntegrityError), transaction.atomic():
        CaseTransfer.objects.create(
            case=offered.case,
            reference=offered.reference,
            from_desk=offered.from_desk,
            to_desk=other_desk,
            consent="person",
            offered_by=counsellor,
        )


def test_a_settled_transfer_does_not_block_a_new_offer(offered, counsellor, receiver, other_desk):
    services.transfer_decline(transfer_id=offered.pk, by=receiver, reason="outside_area")
    again = services.transfer_offer(
        case=offered.case, by=counsellor, to_desk=other_desk, consent="guardian"
    )
    assert again.status == CaseTransfer.Status.PENDING


def test_the_database_refuses_a_transfer_to_the_same_desk(moving_case, counsellor, desk):
    with pytest.raises(IntegrityError), transaction.atomic():
        CaseTransfer.objects.create(
            case=moving_case,
            reference=moving_case.reference,
            from_desk=desk,
            to_desk=desk,
            consent="person",
            offered_by=counsellor,
        )


def test_the_service_refuses_a_second_pending_offer(offered, counsellor, other_desk):
    with pytest.raises(ValidationError) as refused:
        services.transfer_offer(
            case=offered.case, by=counsellor, to_desk=other_desk, consent="person"
        )
    assert "non_field_errors" in refused.value.message_dict


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [("consent", {"consent": "asked_nobody"}), ("to_desk", {"to_desk": "own"})],
)
def test_the_service_refuses_bad_codes_naming_the_field(
    moving_case, counsellor, desk, school_desk, field, kwargs
):
    arguments = {"consent": "person", "to_desk": school_desk, **kwargs}
    if arguments["to_desk"] == "own":
        arguments["to_desk"] = desk
    with pytest.raises(ValidationError) as refused:
        services.transfer_offer(case=moving_case, by=counsellor, **arguments)
    assert field in refused.value.message_dict
    assert not CaseTransfer.objects.exists()


def test_only_a_counsellor_of_the_case_desk_offers(
    moving_case, sender_supervisor, receiver, school_desk
):
    for user in (sender_supervisor, receiver):
        with pytest.raises(ValidationError):
            services.transfer_offer(
                case=moving_case, by=user, to_desk=school_desk, consent="person"
            )


def test_only_a_counsellor_of_the_receiving_desk_accepts_or_declines(
    offered, counsellor, receiver_supervisor
):
    for user in (counsellor, receiver_supervisor):
        with pytest.raises(ValidationError):
            services.transfer_accept(transfer_id=offered.pk, by=user)
        with pytest.raises(ValidationError):
            services.transfer_decline(transfer_id=offered.pk, by=user, reason="other")
    offered.refresh_from_db()
    assert offered.status == CaseTransfer.Status.PENDING


def test_a_decline_needs_a_reason_code(offered, receiver):
    with pytest.raises(ValidationError) as refused:
        services.transfer_decline(transfer_id=offered.pk, by=receiver, reason="busy")
    assert "reason" in refused.value.message_dict


def test_a_declined_offer_returns_to_the_sender_with_its_reason(offered, receiver, desk):
    services.transfer_decline(transfer_id=offered.pk, by=receiver, reason="outside_remit")
    offered.refresh_from_db()
    assert (offered.status, offered.decline_reason) == ("declined", "outside_remit")
    assert Case.objects.get(pk=offered.case_id).desk_id == desk.pk


def test_only_the_sender_withdraws_and_only_while_pending(offered, counsellor, receiver):
    with pytest.raises(ValidationError):
        services.transfer_withdraw(transfer_id=offered.pk, by=receiver)
    services.transfer_withdraw(transfer_id=offered.pk, by=counsellor)
    offered.refresh_from_db()
    assert offered.status == CaseTransfer.Status.WITHDRAWN
    with pytest.raises(ValidationError):
        services.transfer_accept(transfer_id=offered.pk, by=receiver)


def test_a_case_offered_elsewhere_cannot_be_closed(offered, counsellor):
    with pytest.raises(ValidationError):
        case_services.case_close(
            case=offered.case,
            by=counsellor,
            reason="resolved",
            data={"follow_up_reason": "handled_elsewhere"},
        )
    assert not Case.objects.get(pk=offered.case_id).is_closed


def test_a_closed_case_cannot_be_offered(moving_case, counsellor, school_desk):
    case_services.case_close(
        case=moving_case,
        by=counsellor,
        reason="resolved",
        data={"follow_up_reason": "handled_elsewhere"},
    )
    with pytest.raises(ValidationError):
        services.transfer_offer(
            case=moving_case, by=counsellor, to_desk=school_desk, consent="person"
        )


def test_every_step_is_audited_on_both_desks_naming_both(
    offered, receiver, counsellor, desk, school_desk
):
    services.transfer_accept(transfer_id=offered.pk, by=receiver)
    entries = AuditEntry.objects.filter(
        action=AuditEntry.Action.TRANSFER, case_reference=offered.reference
    )
    steps = {(e.detail["transfer"], e.desk_id) for e in entries}
    assert steps == {
        ("offered", desk.pk),
        ("offered", school_desk.pk),
        ("accepted", desk.pk),
        ("accepted", school_desk.pk),
    }
    for entry in entries:
        assert (entry.detail["from"], entry.detail["to"]) == (desk.slug, school_desk.slug)
    assert {e.actor_id for e in entries} == {counsellor.pk, receiver.pk}


def test_the_stub_outlives_the_case(offered, receiver):
    """Retention deletes cases with plain statements; the transfer keeps its reference."""
    from retention.services import _delete_rows

    services.transfer_accept(transfer_id=offered.pk, by=receiver)
    _delete_rows([offered.case_id])
    offered.refresh_from_db()
    assert offered.case_id is None
    assert offered.reference and offered.status == CaseTransfer.Status.ACCEPTED


def test_statistics_count_a_moved_case_at_its_current_desk(offered, receiver, desk, school_desk):
    from stats.models import IntakeRollup, ReferralRollup

    def intakes(d):
        return sum(IntakeRollup.objects.filter(desk=d, heading="").values_list("count", flat=True))

    def referrals(d):
        return sum(ReferralRollup.objects.filter(desk=d).values_list("count", flat=True))

    before = (intakes(desk), intakes(school_desk), referrals(desk), referrals(school_desk))
    assert before == (1, 0, 1, 0)
    services.transfer_accept(transfer_id=offered.pk, by=receiver)
    assert (intakes(desk), intakes(school_desk), referrals(desk), referrals(school_desk)) == (
        0,
        1,
        0,
        1,
    )
