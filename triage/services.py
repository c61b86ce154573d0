"""Writes of the suggestion rules; every change here refreshes each process's ruleset."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from triage.models import SuggestionRule


@transaction.atomic
def rule_save(*, rule: SuggestionRule) -> SuggestionRule:
    """Validate and save a new or changed rule; a safety rule may only be reworded."""
    rule.full_clean()
    rule.save()
    return rule


@transaction.atomic
def rule_delete(*, rule: SuggestionRule) -> None:
    """Delete a rule unless it is one of the safety rules."""
    if rule.is_safety:
        raise ValidationError(_("安全のためのルールは削除できません。"))
    rule.delete()


@transaction.atomic
def rules_delete(*, rules) -> int:
    """Delete several rules at once, or none if any of them is a safety rule."""
    rules = list(rules)
    for rule in rules:
        rule_delete(rule=rule)
    return len(rules)
