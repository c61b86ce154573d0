import datetime
import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from catalogue.hsds.importer import documents_from_json, hsds_import, read_feed
from catalogue.hsds.validation import datapackage_errors, page_errors, service_errors
from catalogue.models import Organization, Phone, Schedule, Service, stable_uuid
from triage.models import SuggestionRule

EXAMPLES = Path(__file__).parent / "hsds_examples"


@pytest.fixture
def local_window(desk):
    organization = Organization.objects.create(slug="gifu-city-office", name="岐阜市役所")
    service = Service.objects.create(
        slug="gifu-city-jinken",
        name="岐阜市 人権相談",
        organization=organization,
        description="市民の人権相談を受け、削除の相談にものります。",
        actions=["advice", "deletion_request"],
        channels=["phone", "in_person"],
        categories=["defamation", "privacy"],
        scope=Service.Scope.MUNICIPALITY,
        prefecture="岐阜県",
        municipality="岐阜市",
        hours="平日 8:45〜17:30",
        languages=["ja", "en"],
        last_verified=datetime.date(2026, 10, 1),
        source_url="https://www.city.gifu.lg.jp/jinken/",
    )
    Phone.objects.create(service=service, number="058-000-0002", hours="平日", note="デモ用")
    Schedule.objects.create(
        service=service,
        weekdays=["MO", "TU", "WE", "TH", "FR"],
        opens_at=datetime.time(8, 45),
        closes_at=datetime.time(17, 30),
        closed_on_holidays=True,
        closed_year_end=True,
    )
    return service


def export(directory: Path) -> dict[str, object]:
    call_command("hsds", "export", str(directory))
    return {
        "page": json.loads((directory / "services.json").read_text(encoding="utf-8")),
        "services": {
            path.name: json.loads(path.read_text(encoding="utf-8"))
            for path in sorted((directory / "services").glob("*.json"))
        },
    }


def test_the_export_validates_against_the_standards_schemas(local_window, tmp_path):
    documents = export(tmp_path)

    assert page_errors(documents["page"]) == []
    assert len(documents["services"]) == Service.objects.count()
    assert [
        error for document in documents["services"].values() for error in service_errors(document)
    ] == []
    assert datapackage_errors(tmp_path / "datapackage") == []


def test_the_export_carries_hours_exceptions_area_languages_and_source(local_window, tmp_path):
    document = export(tmp_path)["services"][f"{local_window.uuid}.json"]

    assert document["schedules"][0]["byday"] == "MO,TU,WE,TH,FR"
    assert document["schedules"][0]["notes"] == "祝日を除く、年末年始（12月29日〜1月3日）を除く"
    assert document["service_areas"][0]["name"] == "岐阜県岐阜市"
    assert [language["code"] for language in document["languages"]] == ["ja", "en"]
    assert document["metadata"][0]["replacement_value"] == "https://www.city.gifu.lg.jp/jinken/"
    assert document["metadata"][0]["last_action_date"] == "2026-10-01"


def test_a_national_window_has_the_same_identifier_on_every_installation(db):
    # Written out: a change to the namespace would split every installation's feeds.
    assert str(Service.objects.get(slug="safeline").uuid) == "bf6f62d1-fa8d-59dd-9dd3-82147ac019f1"
    assert stable_uuid("service", "safeline") == Service.objects.get(slug="safeline").uuid


def test_a_round_trip_into_an_empty_catalogue_gives_the_same_documents(local_window, tmp_path):
    first = export(tmp_path / "first")
    # The safety rules refuse deletion; an empty database has none of them either.
    SuggestionRule.objects.all()._raw_delete(SuggestionRule.objects.db)
    Service.objects.all().delete()
    Organization.objects.all().delete()

    call_command("hsds", "import", str(tmp_path / "first"))

    assert export(tmp_path / "second") == first


def test_the_datapackage_reads_back_as_the_same_documents(local_window, tmp_path):
    first = export(tmp_path / "first")
    Service.objects.filter(pk=local_window.pk).delete()

    call_command("hsds", "import", str(tmp_path / "first" / "datapackage"))

    assert export(tmp_path / "second") == first


def test_importing_twice_changes_nothing_the_second_time(local_window, tmp_path, other_desk):
    export(tmp_path)
    documents = read_feed(tmp_path / "services" / f"{local_window.uuid}.json")
    local_window.delete()

    first = hsds_import(documents=documents, desk=other_desk)
    second = hsds_import(documents=documents, desk=other_desk)

    assert (len(first.created), first.errors) == (1, [])
    assert (second.created, second.updated, len(second.unchanged)) == ([], [], 1)
    assert Service.objects.filter(uuid=local_window.uuid).count() == 1


def test_a_dry_run_says_what_would_change_and_stores_nothing(local_window, tmp_path, desk):
    export(tmp_path)
    path = tmp_path / "services" / f"{local_window.uuid}.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    document["name"] = "岐阜市 人権・消費生活相談"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")

    report = hsds_import(documents=read_feed(path), desk=desk, dry_run=True)

    assert report.updated == [f"{local_window.uuid}（岐阜市 人権・消費生活相談）: name"]
    local_window.refresh_from_db()
    assert local_window.name == "岐阜市 人権相談"


def test_a_bad_row_gets_its_own_error_and_the_good_rows_still_arrive(desk, tmp_path):
    example = json.loads((EXAMPLES / "service_full.json").read_text(encoding="utf-8"))
    bad = {**example, "id": "not-a-uuid", "name": "壊れた行"}

    report = hsds_import(documents=[bad, example], desk=desk)

    assert len(report.created) == 1
    assert len(report.errors) == 1
    assert report.errors[0].startswith("1件目 not-a-uuid（壊れた行）: HSDS の形式に合いません")


def test_the_standards_examples_import_into_a_desk_without_error(desk):
    for name in ("service_full.json", "service_list.json"):
        document = json.loads((EXAMPLES / name).read_text(encoding="utf-8"))
        report = hsds_import(documents=documents_from_json(document), desk=desk)
        assert report.errors == []

    imported = Service.objects.get(uuid="ac148810-d857-441c-9679-408f346de14b")
    assert (imported.scope, imported.desk, imported.name) == ("desk", desk, "Community Counselling")
    assert imported.schedules.get().weekdays == ["TH", "FR"]


def test_a_feed_without_an_area_needs_a_desk(db, tmp_path):
    with pytest.raises(CommandError):
        call_command("hsds", "import", str(EXAMPLES / "service_full.json"))
    assert not Service.objects.filter(name="Community Counselling").exists()


def test_a_desk_import_leaves_national_windows_alone(desk, tmp_path):
    export(tmp_path)
    safeline = Service.objects.get(slug="safeline")
    path = tmp_path / "services" / f"{safeline.uuid}.json"
    document = json.loads(path.read_text(encoding="utf-8"))

    report = hsds_import(documents=[{**document, "name": "乗っ取り"}], desk=desk)

    assert len(report.skipped) == 1
    safeline.refresh_from_db()
    assert safeline.name == "セーフライン"


def test_a_file_that_is_not_json_is_refused_with_a_message(desk, tmp_path):
    broken = tmp_path / "feed.json"
    broken.write_text("{not json", encoding="utf-8")

    with pytest.raises(CommandError, match="JSON として読めません"):
        call_command("hsds", "import", str(broken), "--desk", "gifu-city")


def test_the_dry_run_command_says_what_would_change(local_window, tmp_path):
    export(tmp_path)
    identifier = local_window.uuid
    local_window.delete()
    out = io.StringIO()

    call_command("hsds", "import", str(tmp_path), "--dry-run", stdout=out)

    assert f"追加: {identifier}（岐阜市 人権相談）: 新規" in out.getvalue()
    assert "追加 1件、更新 0件" in out.getvalue() and "試行のみ" in out.getvalue()
    assert not Service.objects.filter(uuid=identifier).exists()


def test_a_desks_own_window_comes_back_to_its_desk_without_naming_it(desk, tmp_path):
    window = Service.objects.create(
        slug="gifu-city-room",
        name="岐阜市 相談室",
        organization=Organization.objects.create(slug="gifu-city-office", name="岐阜市役所"),
        description="市の相談室",
        scope=Service.Scope.DESK,
        desk=desk,
        last_verified=datetime.date(2026, 11, 1),
    )
    first = export(tmp_path / "first")
    window.delete()

    call_command("hsds", "import", str(tmp_path / "first"))

    assert Service.objects.get(uuid=window.uuid).desk == desk
    assert export(tmp_path / "second") == first


def test_the_importers_messages_follow_the_interface_language(tmp_path):
    from django.utils import translation

    from catalogue.hsds.importer import FeedError, read_feed

    # A folder that holds no feed.
    with pytest.raises(FeedError, match="HSDS のファイルが見つかりません"):
        read_feed(tmp_path)
    with translation.override("en"), pytest.raises(FeedError, match="no HSDS file there"):
        read_feed(tmp_path)
    with translation.override("en"), pytest.raises(FeedError, match="cannot be read as JSON"):
        read_feed(tmp_path / "missing.json")
