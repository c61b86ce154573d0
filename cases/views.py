import csv
import json
import math
import re

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from rest_framework.throttling import UserRateThrottle

from accounts.access import desks_for, require_supervisor, supervised_desk_ids
from audit.models import AuditEntry
from audit.services import audit_record, audit_record_many
from cases import selectors, services
from cases.forms import (
    CaseEditForm,
    CaseFilterForm,
    CloseForm,
    ClosingReturnForm,
    IntakeForm,
    NoteForm,
    ReassignForm,
    ReopenForm,
    add_service_errors,
)
from cases.guard import length_errors, live_check
from cases.models import Case
from catalogue.selectors import evidence_checklist, services_for
from catalogue.vocabulary import Category, Wish
from triage.engine import Intake, read_categories, suggest_for
from triage.forms import TriageForm
from triage.picks import SLIP_MAX_WINDOWS

PAGE_SIZE = 50
# The case page shows the newest notes; older ones are a page back.
TIMELINE_PAGE_SIZE = 20
# A CSV row is codes and dates only (about 200 bytes): the file stays under a few megabytes.
EXPORT_MAX_ROWS = 10_000

# Only a case reference may appear on a slip, never free text that could identify the person.
REFERENCE = re.compile(r"[A-Z0-9]+(?:-[A-Z0-9]+){1,5}")
FREE_TEXT_FIELDS = ("summary", "body", "reason", "note", "comment")


@login_required
@require_GET
def case_list(request):
    form = CaseFilterForm(request.GET, user=request.user)
    cases = (
        selectors.case_list(request.user, **form.filters())
        if form.is_valid()
        else Case.objects.none()
    )
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    audit_record_many(actor=request.user, action=AuditEntry.Action.LIST, cases=page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "export_max_rows": EXPORT_MAX_ROWS,
    }
    template = "cases/_case_results.html" if request.htmx else "cases/case_list.html"
    return render(request, template, context)


@login_required
@require_GET
def case_export(request):
    """Download the filtered list as CSV: codes and dates only, never the free text."""
    form = CaseFilterForm(request.GET, user=request.user)
    if not form.is_valid():
        return render(request, "cases/case_list.html", {"form": form, "page": None}, status=400)
    matching = selectors.case_list(request.user, **form.filters())
    count = matching.count()
    if count > EXPORT_MAX_ROWS:
        form.add_error(
            None,
            _(
                "条件に合う相談記録が%(count)s件あります。CSVは%(limit)s件までなので、"
                "受付日や状況で絞り込んでください。"
            )
            % {"count": f"{count:,}", "limit": f"{EXPORT_MAX_ROWS:,}"},
        )
        return render(request, "cases/case_list.html", {"form": form, "page": None}, status=400)
    cases = list(matching)
    audit_record_many(actor=request.user, action=AuditEntry.Action.EXPORT, cases=cases)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="cases-{stamp}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    columns = [
        "reference",
        "desk",
        "status",
        "closure_reason",
        "situation",
        "wishes",
        "categories",
        "flags",
        "age_band",
        "consulter",
        "channel",
        "platforms",
        "assigned_to",
        "created_at",
        "closed_at",
    ]
    writer.writerow(columns)
    for case in cases:
        writer.writerow(
            [
                case.reference,
                case.desk.slug,
                case.status,
                case.closure_reason,
                case.situation,
                " ".join(case.wishes),
                " ".join(case.categories),
                " ".join(case.flags),
                case.age_band,
                case.consulter,
                case.channel,
                " ".join(case.platforms),
                case.assigned_to.username if case.assigned_to else "",
                timezone.localtime(case.created_at).isoformat(timespec="minutes"),
                timezone.localtime(case.closed_at).isoformat(timespec="minutes")
                if case.closed_at
                else "",
            ]
        )
    return response


def _intake_result(form: IntakeForm, user):
    """Suggest windows for the triage part of a submitted form, when that part is valid."""
    data = getattr(form, "cleaned_data", {})
    if not all(name in data for name in ("situation", "wishes", "categories", "flags")):
        return None
    return suggest_for(form.to_intake(desk=form.desk(), platforms=data.get("platforms", ())), user)


@login_required
@require_http_methods(["GET", "POST"])
def case_new(request):
    """The intake page: triage steps with live suggestions, profile and summary; save records.

    Opened from 案内先をさがす, the answers given there arrive in the query and are kept.
    """
    form = IntakeForm(
        request.POST or None, initial=_carried_answers(request.GET), user=request.user
    )
    if not form.desks:
        raise Http404(_("相談員として所属しているデスクがありません。"))
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_open(
                desk=form.desk(), opened_by=request.user, **form.case_fields()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("相談を記録しました（受付番号 %(reference)s）。") % {"reference": case.reference},
            )
            return redirect(case)
    result = (
        _intake_result(form, request.user) if form.is_bound else _carried_result(form, request.user)
    )
    desk = form.desk()
    context = {
        "form": form,
        "result": result,
        "codes": getattr(form, "cleaned_data", None) or form.initial,
        "slip_desk": desk.slug if desk else "",
    }
    return render(request, "cases/case_form.html", context)


def _carried_answers(query) -> dict:
    """Return the triage answers from a query string, dropping any code that is not known."""
    if not query:
        return {}
    answers = TriageForm(query)
    answers.is_valid()
    carried = dict(answers.cleaned_data)
    if query.get("desk"):
        carried["desk"] = query["desk"]
    return carried


def _carried_result(form: IntakeForm, user):
    """Suggest windows for answers carried over from the triage page, when there is a situation."""
    if not form.initial.get("situation"):
        return None
    initial = form.initial
    return suggest_for(
        Intake(
            situation=initial["situation"],
            wishes=frozenset(initial.get("wishes", ())),
            categories=frozenset(initial.get("categories", ())),
            flags=frozenset(initial.get("flags", ())),
            desk_id=desk.id if (desk := form.desk()) else None,
            desk_kind=desk.kind if desk else None,
        ),
        user,
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_edit(request, reference):
    case = selectors.case_get_for(request.user, reference, write=True)
    initial = {name: getattr(case, name) for name in services.EDITABLE_FIELDS}
    form = CaseEditForm(request.POST or None, initial=initial, user=request.user, desk=case.desk)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_update(case=case, by=request.user, **form.case_fields())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("相談記録を更新しました。"))
            return redirect(case)
    result = (
        _intake_result(form, request.user)
        if form.is_bound
        else selectors.suggestions_for_case(case, request.user)
    )
    return render(request, "cases/case_form.html", {"form": form, "case": case, "result": result})


def _detail(request, case: Case, status: int = 200, **forms):
    can_change = selectors.can_change(request.user, case)
    # Page 1 is the newest notes, shown oldest first like the rest of the timeline.
    notes = Paginator(selectors.case_timeline(case, newest_first=True), TIMELINE_PAGE_SIZE)
    timeline = notes.get_page(request.GET.get("notes"))
    context = {
        "case": case,
        "timeline": timeline,
        "timeline_notes": list(reversed(timeline.object_list)),
        "can_change": can_change,
        "result": selectors.suggestions_for_case(case, request.user),
        "reference": case.reference,
        "closing_request": services.pending_closing_request(case),
        "supervises": case.desk_id in supervised_desk_ids(request.user),
    }
    if context["supervises"] and context["closing_request"] is not None:
        context["return_form"] = forms.get("return_form") or ClosingReturnForm()
    if can_change:
        counsellors = selectors.assignable_counsellors(case)
        if case.assigned_to_id is not None:
            counsellors = counsellors.exclude(pk=case.assigned_to_id)
        context.update(
            note_form=forms.get("note_form") or NoteForm(),
            reassign_form=forms.get("reassign_form") or ReassignForm(counsellors=counsellors),
            close_form=forms.get("close_form") or CloseForm(),
            reopen_form=forms.get("reopen_form") or ReopenForm(),
            needs_approval=not case.is_closed and services.closing_needs_approval(case),
        )
    return render(request, "cases/case_detail.html", context, status=status)


@login_required
@require_GET
def case_detail(request, reference):
    return _detail(request, selectors.case_get_for(request.user, reference))


def _act(request, reference, form_class, form_name, action, done, **form_kwargs):
    """Run one case action from a POSTed form; on refusal show the page with the errors."""
    case = selectors.case_get_for(request.user, reference, write=True)
    if callable(form_kwargs.get("counsellors")):
        form_kwargs["counsellors"] = form_kwargs["counsellors"](case)
    form = form_class(request.POST, **form_kwargs)
    if form.is_valid():
        try:
            action(case, form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, done)
            return redirect(case)
    case.refresh_from_db()
    return _detail(request, case, status=400, **{form_name: form})


@login_required
@require_POST
def case_note_add(request, reference):
    return _act(
        request,
        reference,
        NoteForm,
        "note_form",
        lambda case, data: services.note_add(case=case, by=request.user, body=data["body"]),
        _("経過メモを追加しました。"),
    )


@login_required
@require_POST
def case_reassign(request, reference):
    return _act(
        request,
        reference,
        ReassignForm,
        "reassign_form",
        lambda case, data: services.case_reassign(
            case=case, by=request.user, assignee=data["assigned_to"]
        ),
        _("担当者を変更しました。"),
        counsellors=selectors.assignable_counsellors,
    )


@login_required
@require_POST
def case_close(request, reference):
    return _act(
        request,
        reference,
        CloseForm,
        "close_form",
        lambda case, data: services.case_close(
            case=case,
            by=request.user,
            reason=data["closure_reason"],
            note=data["note"],
            data=request.POST,
        ),
        _("相談を終了しました。"),
    )


@login_required
@require_POST
def case_closing_request(request, reference):
    return _act(
        request,
        reference,
        CloseForm,
        "close_form",
        lambda case, data: services.closing_request_submit(
            case=case,
            by=request.user,
            reason=data["closure_reason"],
            note=data["note"],
            follow_up_reason=request.POST.get("follow_up_reason", ""),
        ),
        _("スーパーバイザーに終了の承認を依頼しました。"),
    )


@login_required
@require_POST
def case_closing_approve(request, reference):
    case = selectors.case_get_for(request.user, reference)
    try:
        services.closing_request_approve(case=case, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("終了を承認しました。相談は終了しました。"))
    return redirect(case)


@login_required
@require_POST
def case_closing_return(request, reference):
    case = selectors.case_get_for(request.user, reference)
    form = ClosingReturnForm(request.POST)
    if form.is_valid():
        try:
            services.closing_request_return(
                case=case, by=request.user, comment=form.cleaned_data["comment"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("終了の依頼を差し戻しました。"))
            return redirect(case)
    return _detail(request, case, status=400, return_form=form)


@login_required
@require_GET
def closing_approvals(request):
    """The requests to close a case that wait for a supervisor, at the user's desks."""
    rows = selectors.pending_closing_requests_for(request.user)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "cases/closing_approvals.html", {"page": page})


@login_required
@require_POST
def case_reopen(request, reference):
    return _act(
        request,
        reference,
        ReopenForm,
        "reopen_form",
        lambda case, data: services.case_reopen(case=case, by=request.user, reason=data["reason"]),
        _("相談を再開しました。"),
    )


class LiveCheckBurstThrottle(UserRateThrottle):
    """A burst: a paste, or several fields checked at once."""

    scope = "pii_check_burst"
    rate = "10/s"


class LiveCheckSustainedThrottle(UserRateThrottle):
    """Five checks a second for a minute: more than anyone types, as the form waits 500 ms."""

    scope = "pii_check_sustained"
    rate = "300/m"


LIVE_CHECK_THROTTLES = (LiveCheckBurstThrottle, LiveCheckSustainedThrottle)


def _live_check_wait(request) -> int:
    """Return the seconds to wait before the next live check, 0 when it may run now."""
    waits = []
    for throttle_class in LIVE_CHECK_THROTTLES:
        throttle = throttle_class()
        # A user's throttle keys on the user alone; this plain Django view has no DRF view.
        if not throttle.allow_request(request, view=None):  # type: ignore[arg-type]
            waits.append(throttle.wait() or 1)
    return math.ceil(max(waits)) if waits else 0


@never_cache
@login_required
@require_POST
def pii_check(request):
    """Warn as the counsellor types: the same server-side guard, text in the POST body only."""
    texts = {name: request.POST[name] for name in FREE_TEXT_FIELDS if name in request.POST}
    if too_long := length_errors(**texts):
        notices = [message for messages in too_long.values() for message in messages]
        return render(request, "cases/_pii_warning.html", {"notices": notices}, status=400)
    if wait := _live_check_wait(request):
        notice = _("入力中の確認を%(seconds)s秒ほど休みます。保存するときには必ず確認します。") % {
            "seconds": wait
        }
        response = render(request, "cases/_pii_warning.html", {"notices": [notice]}, status=429)
        response["Retry-After"] = str(wait)
        return response
    warnings = []
    prompts = []
    for name, text in texts.items():
        described, crisis_prompts = live_check(name, text)
        warnings.extend(described)
        prompts.extend(crisis_prompts)
    return render(
        request, "cases/_pii_warning.html", {"warnings": warnings, "crisis_prompts": prompts}
    )


@login_required
@require_GET
def audit_list(request):
    """The audit trail of the desks the user supervises; reading it is recorded too."""
    desk_ids = require_supervisor(request.user)
    reference = request.GET.get("reference", "").strip()[:80]
    entries = selectors.audit_entries_for(request.user, reference=reference)
    page = Paginator(entries, 100).get_page(request.GET.get("page"))
    for desk_id in sorted(desk_ids):
        audit_record(
            actor=request.user,
            action=AuditEntry.Action.LIST,
            desk_id=desk_id,
            detail={"list": "audit", "reference": bool(reference), "page": page.number},
        )
    return render(request, "cases/audit_list.html", {"page": page, "reference_filter": reference})


AUDIT_CSV_HEADER = [
    "id",
    "at",
    "actor",
    "action",
    "case_reference",
    "desk_id",
    "via",
    "ip",
    "detail",
]


@login_required
@require_GET
def audit_export(request):
    """Download the audit trail of the desks the user supervises as CSV (the filter applies)."""
    desk_ids = require_supervisor(request.user)
    reference = request.GET.get("reference", "").strip()[:80]
    entries = selectors.audit_entries_for(request.user, reference=reference)
    for desk_id in sorted(desk_ids):
        audit_record(
            actor=request.user,
            action=AuditEntry.Action.EXPORT,
            desk_id=desk_id,
            detail={"export": "audit", "reference": bool(reference)},
        )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(AUDIT_CSV_HEADER)
    for entry in entries.iterator(chunk_size=2000):
        writer.writerow(
            [
                entry.pk,
                timezone.localtime(entry.at).isoformat(),
                entry.actor.get_username() if entry.actor else "",
                entry.action,
                entry.case_reference,
                entry.desk_id or "",
                entry.via,
                entry.ip or "",
                json.dumps(entry.detail, ensure_ascii=False, sort_keys=True),
            ]
        )
    return response


def _qr_svg(url: str) -> str:
    """Draw a QR code of the address as inline SVG, made here rather than by an outside service."""
    return segno.make(url, error="m").svg_inline(scale=3, border=1, dark="#1c2430")


@login_required
def slip(request):
    """Print the chosen windows for the person to take away, with at most a case reference."""
    slugs = request.GET.getlist("service")[:SLIP_MAX_WINDOWS]
    if not slugs:
        return HttpResponseBadRequest(_("窓口を1つ以上選んでください。"))
    by_slug = {
        service.slug: service for service in services_for(request.user).filter(slug__in=slugs)
    }
    windows = [
        {
            "service": by_slug[slug],
            "qr": mark_safe(_qr_svg(by_slug[slug].url)) if by_slug[slug].url else "",
        }
        for slug in slugs
        if slug in by_slug
    ]
    if not windows:
        return HttpResponseBadRequest(_("選んだ窓口が見つかりません。"))
    reference = request.GET.get("reference", "")
    case = None
    if REFERENCE.fullmatch(reference):
        case = selectors.cases_for(request.user).select_related("desk").filter(reference=reference)
        case = case.first()
        if case is None:
            raise Http404
    else:
        reference = ""
    if case is not None:
        desk = case.desk
        codes = {"wishes": case.wishes, "categories": case.categories, "flags": case.flags}
    else:
        desks = list(desks_for(request.user))
        chosen = request.GET.get("desk")
        desk = next((d for d in desks if d.slug == chosen), desks[0] if len(desks) == 1 else None)
        codes = {name: request.GET.getlist(name) for name in ("wishes", "categories", "flags")}
    return render(
        request,
        "triage/slip.html",
        {
            "windows": windows,
            "reference": reference,
            "desk": desk,
            "checklist": _slip_checklist(codes),
        },
    )


def _slip_checklist(codes: dict) -> list:
    """Choose the evidence checklist for the situation; a child's sexual image has its own."""
    categories = read_categories(
        Intake(
            situation="",
            categories=frozenset(codes["categories"]),
            flags=frozenset(codes["flags"]),
        )
    )
    return evidence_checklist(
        csam=Category.CSAM in categories,
        deletion=Wish.DELETE in codes["wishes"],
        disclosure=Wish.DAMAGES in codes["wishes"],
    )
