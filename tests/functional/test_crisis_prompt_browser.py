import re

import pytest
from playwright.sync_api import expect

from cases.models import Case

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_crisis_prompt_ticks_the_flag_on_confirm_and_records_only_the_code_on_decline(
    page, login, counsellor
):
    login("owner")
    page.get_by_role("link", name="相談を受け付ける", exact=True).click()
    page.get_by_label("インターネット上の誹謗中傷やプライバシー侵害等のトラブルにあった").check()
    summary = page.get_by_label(re.compile("^何が起きたか"))
    summary.fill("Aさんは、もう死にたいと言っている。")
    summary.press("End")
    summary.press("Space")

    prompt = page.locator('.crisis-prompt[data-crisis-code="suicidal"]')
    expect(prompt.locator("mark")).to_have_text("死にたい")
    flag = page.get_by_label("相談者自身に希死念慮がある")
    expect(flag).not_to_be_checked()
    prompt.get_by_role("button", name=re.compile("を付ける$")).click()
    expect(flag).to_be_checked()
    expect(prompt).to_have_count(0)

    summary.press("End")
    summary.type("相手から「殺す」と言われた。")
    danger = page.locator('.crisis-prompt[data-crisis-code="imminent_danger"]')
    expect(danger.locator("mark")).to_have_text("殺す")
    # The answered code is not asked again while the text is checked anew.
    expect(page.locator('.crisis-prompt[data-crisis-code="suicidal"]')).to_have_count(0)
    danger.get_by_role("button", name="付けない").click()
    expect(danger).to_have_count(0)

    page.get_by_role("button", name="相談を記録する").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("GIFU-CITY-")
    case = Case.objects.get()
    assert case.flags == ["suicidal"]
    assert case.crisis_declined == ["imminent_danger"]
    assert "殺す" in case.summary
