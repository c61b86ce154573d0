"""The five legal clocks of domain.md, with their law, source and lengths (admins edit them)."""

from django.db import migrations

# 特定電気通信による情報の流通によって発生する権利侵害等への対処に関する法律.
LAW = "情報流通プラットフォーム対処法（平成13年法律第137号）"
# e-Gov 法令検索: the law's official text (the former プロバイダ責任制限法, renamed in 2025).
SOURCE = "https://laws.e-gov.go.jp/law/413AC0000000137"

KINDS = [
    {
        "code": "platform_deletion",
        "order": 10,
        "name": "プラットフォームの削除の申出への回答期限",
        "name_en": "A designated platform's answer to a deletion request",
        "length": 7,
        "unit": "days",
        "starts_from": "削除の申出をした日",
        "starts_from_en": "the day the deletion request was sent",
        "action": "申出の日を相談者と確かめ、回答が来たら知らせてもらう。期限までに回答がなければ、"
        "法務局の人権相談や違法・有害情報相談センターへの相談を考える。",
        "action_en": "Confirm the request's date with the person and ask them to tell you of the "
        "answer. Without an answer by the deadline, consider the 法務局 or the ihaho centre.",
    },
    {
        "code": "log_retention",
        "order": 20,
        "name": "アクセスログの保存期間",
        "name_en": "Providers' access-log retention",
        "length": 3,
        "unit": "months",
        "starts_from": "投稿の日",
        "starts_from_en": "the day of the post",
        "action": "ログが消える前に、弁護士や法テラスと発信者情報開示命令の申立て（提供命令・"
        "消去禁止命令とあわせて）を始める。保存期間はプロバイダにより3〜6か月ほどで、短い方で数えている。",
        "action_en": "Before the logs are gone, start the petition for a disclosure order (with a "
        "provision order and an order prohibiting erasure) with a lawyer or 法テラス. Providers "
        "keep logs for about 3 to 6 months; this counts the shorter.",
    },
    {
        "code": "disclosure_order",
        "order": 30,
        "name": "発信者情報開示命令",
        "name_en": "Disclosure order",
        "length": 1,
        "unit": "months",
        "starts_from": "決定の告知を受けた日",
        "starts_from_en": "the day the decision was notified",
        "action": "決定に不服があれば、告知を受けた日から1か月以内に異議の訴えを起こすかを弁護士と決める。",
        "action_en": "If the decision is not accepted, decide with the lawyer whether to file an "
        "objection suit within one month of its notice.",
    },
    {
        "code": "provision_order",
        "order": 40,
        "name": "提供命令",
        "name_en": "Provision order",
        "length": 2,
        "unit": "months",
        "starts_from": "提供命令で他のプロバイダの氏名等を受け取った日",
        "starts_from_en": "the day the other provider's name was received under the order",
        "action": "受け取った日から2か月以内に、そのプロバイダ（経由プロバイダ）への発信者情報開示命令を申し立て、"
        "その旨を通知する。",
        "action_en": "Within two months of receiving it, petition for a disclosure order against "
        "that (access) provider and give notice of it.",
    },
    {
        "code": "erasure_prohibition_order",
        "order": 50,
        "name": "消去禁止命令",
        "name_en": "Order prohibiting erasure",
        "length": 3,
        "unit": "months",
        "starts_from": "投稿の日",
        "starts_from_en": "the day of the post",
        "action": "開示命令の申立てとあわせて、ログが残っているうちに消去禁止命令を申し立てる。",
        "action_en": "Together with the disclosure-order petition, ask for an order prohibiting "
        "the erasure of the logs while they still exist.",
    },
]
STEPS = ["disclosure_order", "provision_order", "erasure_prohibition_order"]


def seed(apps, schema_editor):
    ClockKind = apps.get_model("deadlines", "ClockKind")
    for fields in KINDS:
        ClockKind.objects.update_or_create(
            code=fields["code"],
            defaults={**fields, "law": LAW, "source_url": SOURCE, "warn_working_days": 3},
        )
    log_retention = ClockKind.objects.get(code="log_retention")
    log_retention.steps.set(ClockKind.objects.filter(code__in=STEPS))


class Migration(migrations.Migration):
    dependencies = [("deadlines", "0001_clocks")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
