from catalogue.models import Service

VALID = {
    "name": "岐阜市 こども相談室",
    "description": "市の子ども向け相談室",
    "actions": ["advice", "emotional_support"],
    "channels": ["phone", "in_person"],
    "audience": "children",
    "url": "https://example.jp/kodomo/",
    "hours": "平日 9:00〜17:00",
    "phone": "058-000-1234",
    "follow_up_days": "14",
    "is_active": "on",
}


def test_desk_staff_add_a_local_window_scoped_to_their_desk(web, counsellor, desk):
    response = web(counsellor).post("/catalogue/local/new/", {**VALID, "desk": desk.id})

    service = Service.objects.get(name="岐阜市 こども相談室")
    assert response.status_code == 302
    assert (service.scope, service.desk, service.phones.get().number) == (
        "desk",
        desk,
        "058-000-1234",
    )
    assert service.slug.startswith("gifu-city-")


def test_a_local_window_cannot_be_added_to_another_desk(web, counsellor, other_desk):
    response = web(counsellor).post("/catalogue/local/new/", {**VALID, "desk": other_desk.id})
    assert response.status_code == 200
    assert not Service.objects.filter(name="岐阜市 こども相談室").exists()


def test_a_bad_phone_number_gets_a_japanese_message_and_nothing_is_saved(web, counsellor, desk):
    response = web(counsellor).post(
        "/catalogue/local/new/", {**VALID, "desk": desk.id, "phone": "call me"}
    )
    assert "電話番号は数字とハイフンで入力してください" in response.content.decode()
    assert not Service.objects.filter(name="岐阜市 こども相談室").exists()


def test_desk_staff_edit_their_own_local_window_only(web, counsellor, deskmate, outsider, desk):
    web(counsellor).post("/catalogue/local/new/", {**VALID, "desk": desk.id})
    service = Service.objects.get(name="岐阜市 こども相談室")
    edit = f"/catalogue/local/{service.slug}/edit/"

    assert web(outsider).get(edit).status_code == 404
    assert web(outsider).post(edit, {**VALID, "name": "乗っ取り"}).status_code == 404
    assert web(deskmate).post(edit, {**VALID, "hours": "24時間"}).status_code == 302
    service.refresh_from_db()
    assert (service.name, service.hours) == ("岐阜市 こども相談室", "24時間")


def test_national_windows_cannot_be_edited_from_the_desk_page(web, counsellor):
    assert web(counsellor).get("/catalogue/local/safeline/edit/").status_code == 404


def test_supervisors_cannot_add_or_edit_their_desks_local_windows(
    web, counsellor, supervisor, desk
):
    web(counsellor).post("/catalogue/local/new/", {**VALID, "desk": desk.id})
    service = Service.objects.get(name="岐阜市 こども相談室")
    edit = f"/catalogue/local/{service.slug}/edit/"

    assert web(supervisor).get("/catalogue/local/new/").status_code == 403
    assert (
        web(supervisor).post("/catalogue/local/new/", {**VALID, "desk": desk.id}).status_code == 403
    )
    assert web(supervisor).post(edit, {**VALID, "hours": "24時間"}).status_code == 403
    service.refresh_from_db()
    assert service.hours == "平日 9:00〜17:00"
    page = web(supervisor).get(f"/catalogue/{service.slug}/").content.decode()
    assert edit not in page
