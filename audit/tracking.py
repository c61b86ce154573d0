"""Changes to accounts, desks, memberships, the catalogue and the rules, from anywhere.

The admin site, services, commands and the shell all save through the models, so model
signals are the one place that sees every change. An entry names the model, the row and the
fields that changed, never their values (a password change is the word ``password``).
Migrations' historical models and fixtures loaded raw are not recorded.
"""

from typing import Any

from django.db.models import Model

from audit.models import AuditEntry
from audit.services import audit_record, current_actor

# Every model of these apps, and these models of other apps.
TRACKED_APPS = {"accounts", "catalogue", "triage"}
# The legal clocks' kinds are settings an administrator edits; the clocks are audited by their app.
TRACKED_MODELS = {"deadlines.clockkind"}
# A version stamp that every rule or window change moves: the change itself is recorded.
UNTRACKED_MODELS = {"triage.rulesetversion"}
# Primary keys that are themselves secrets, never written to the trail.
SECRET_KEYS = {"key"}
# Saves that are sign-ins (recorded as such by the sign-in code) or bookkeeping the product
# itself does on a save, not a change anyone made.
QUIET_FIELDS = {"last_login", "privilege_version"}


def tracked(sender: type[Model]) -> bool:
    meta = sender._meta
    return (
        sender.__module__ != "__fake__"
        and (meta.app_label in TRACKED_APPS or meta.label_lower in TRACKED_MODELS)
        and meta.label_lower not in UNTRACKED_MODELS
    )


def _quiet(update_fields: Any) -> bool:
    return update_fields is not None and set(update_fields) <= QUIET_FIELDS


def _attnames(instance: Model) -> list[str]:
    return [field.attname for field in instance._meta.concrete_fields]


def _desk_id(instance: Model) -> int | None:
    desk_id: object = (
        instance.pk
        if instance._meta.label_lower == "accounts.desk"
        else getattr(instance, "desk_id", None)
    )
    return int(desk_id) if isinstance(desk_id, int) else None


def _record(instance: Model, action: str, operation: str, fields: list[str] | None = None) -> None:
    detail: dict[str, Any] = {"model": instance._meta.label_lower, "op": operation}
    if instance._meta.pk.name in SECRET_KEYS:
        # The row's key is a credential (an API token): name its owner instead.
        detail["user"] = getattr(instance, "user_id", None)
    else:
        detail["pk"] = str(instance.pk)
    if fields is not None:
        detail["fields"] = fields
    audit_record(actor=current_actor(), action=action, desk_id=_desk_id(instance), detail=detail)


def remember_before(
    sender: type[Model],
    instance: Model,
    raw: bool = False,
    update_fields: Any = None,
    **kwargs: Any,
) -> None:
    """Keep the stored values of a row about to change, to name the fields that changed."""
    if raw or not tracked(sender) or instance._state.adding or _quiet(update_fields):
        return
    instance._audit_before = (  # type: ignore[attr-defined]
        sender._base_manager.filter(pk=instance.pk).values(*_attnames(instance)).first()
    )


def record_save(
    sender: type[Model],
    instance: Model,
    created: bool = False,
    raw: bool = False,
    update_fields: Any = None,
    **kwargs: Any,
) -> None:
    if raw or not tracked(sender) or _quiet(update_fields):
        return
    if created:
        _record(instance, AuditEntry.Action.CHANGE, "create")
        return
    before = instance.__dict__.pop("_audit_before", None) or {}
    changed = [
        name
        for name in _attnames(instance)
        if name not in QUIET_FIELDS and before.get(name) != getattr(instance, name)
    ]
    if changed:
        _record(instance, AuditEntry.Action.CHANGE, "update", sorted(changed))


def record_delete(sender: type[Model], instance: Model, **kwargs: Any) -> None:
    if tracked(sender):
        _record(instance, AuditEntry.Action.DELETE, "delete")
