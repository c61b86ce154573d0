from django.db import transaction
from django.db.models.signals import post_delete, post_save

from accounts.models import Desk
from catalogue.models import Organization, Phone, Service
from triage.engine import bump_version
from triage.models import SuggestionRule


def ruleset_changed(sender, **kwargs):
    transaction.on_commit(bump_version)


def connect() -> None:
    for model in (SuggestionRule, Service, Phone, Organization, Desk):
        post_save.connect(ruleset_changed, sender=model, dispatch_uid=f"ruleset-{model.__name__}")
        post_delete.connect(
            ruleset_changed, sender=model, dispatch_uid=f"ruleset-del-{model.__name__}"
        )
