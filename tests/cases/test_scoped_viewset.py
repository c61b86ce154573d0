"""The desk-scoped base viewset: a subclass cannot widen what a user reaches."""

import pytest
from rest_framework import mixins, serializers
from rest_framework.test import APIRequestFactory, force_authenticate

from accounts.access import DeskScopedViewSet
from cases import services
from cases.models import Case, Note

pytestmark = pytest.mark.django_db


class NoteSerializer(serializers.ModelSerializer):
    class Meta:
        model = Note
        fields = ["id", "body"]


class CaseRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Case
        fields = ["reference"]


class GreedyCaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, DeskScopedViewSet):
    """Overrides get_queryset without calling super, as a careless subclass might."""

    serializer_class = CaseRefSerializer
    lookup_field = "reference"

    def get_queryset(self):
        return Case.objects.all()


class SneakyNoteViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, DeskScopedViewSet
):
    """Rows that belong to a case; get_object fetched straight from the table."""

    queryset = Note.objects.all()
    serializer_class = NoteSerializer

    def get_object(self):
        return Note.objects.get(pk=self.kwargs["pk"])


def call(viewset, actions, user, method="get", **kwargs):
    factory = APIRequestFactory()
    request = getattr(factory, method)("/", {"body": "x"}, format="json")
    force_authenticate(request, user=user)
    return viewset.as_view(actions)(request, **kwargs)


@pytest.fixture
def cases(open_case, outsider):
    return open_case(), open_case(desk=outsider.memberships.get().desk, by=outsider)


def test_an_overridden_get_queryset_is_still_cut_to_the_users_desks(cases, counsellor):
    mine, theirs = cases
    listed = call(GreedyCaseViewSet, {"get": "list"}, counsellor)
    assert [row["reference"] for row in listed.data["results"]] == [mine.reference]
    hidden = call(GreedyCaseViewSet, {"get": "retrieve"}, counsellor, reference=theirs.reference)
    assert hidden.status_code == 404


def test_rows_of_a_case_are_scoped_through_the_case(cases, counsellor, outsider):
    mine, theirs = cases
    own = services.note_add(case=mine, by=counsellor, body="Aさんに連絡。")
    other = services.note_add(case=theirs, by=outsider, body="Bさんに連絡。")
    listed = call(SneakyNoteViewSet, {"get": "list"}, counsellor)
    assert [row["id"] for row in listed.data["results"]] == [own.pk]
    assert call(SneakyNoteViewSet, {"get": "retrieve"}, counsellor, pk=other.pk).status_code == 404
    assert call(SneakyNoteViewSet, {"get": "retrieve"}, counsellor, pk=own.pk).status_code == 200


def test_a_reader_who_is_not_a_counsellor_may_not_write(cases, counsellor, supervisor):
    mine, _theirs = cases
    own = services.note_add(case=mine, by=counsellor, body="Aさんに連絡。")
    assert call(SneakyNoteViewSet, {"get": "retrieve"}, supervisor, pk=own.pk).status_code == 200
    refused = call(SneakyNoteViewSet, {"patch": "partial_update"}, supervisor, "patch", pk=own.pk)
    assert refused.status_code == 403
    own.refresh_from_db()
    assert own.body == "Aさんに連絡。"
