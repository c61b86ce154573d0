"""Demo cases for ``loaddemo``: a year of anonymised intakes at both demo desks.

Every case goes through the services, so the summaries pass the same personal-data guard as
real ones. A desk that already has cases gets none, so running the loader again adds nothing.
"""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from accounts.models import Desk, User
from cases import services
from cases.models import Case, ClosingRequest, UrgentAlert

# situation, wishes, categories, flags, age bands, consulters, channels, platforms, summary, note
MUNICIPAL = [
    (
        "victim",
        ["delete"],
        ["defamation"],
        [],
        ["30_49", "19_29"],
        ["self"],
        ["phone", "in_person"],
        ["x"],
        "匿名アカウントから、Aさんの勤務先に関する事実無根の投稿が繰り返されている。削除の方法を知りたい。",
        "違法・有害情報相談センターの相談フォームの使い方を説明した。",
    ),
    (
        "victim",
        ["delete", "damages"],
        ["defamation", "privacy"],
        [],
        ["30_49", "50_64"],
        ["self"],
        ["in_person"],
        ["bbs"],
        "匿名掲示板にAさんを名指しする中傷と勤務先が書き込まれた。削除と、投稿者への損害賠償を考えている。",
        "発信者情報開示の流れを説明し、弁護士会の法律相談を案内した。",
    ),
    (
        "victim",
        ["danger"],
        ["threat"],
        ["imminent_danger"],
        ["19_29", "30_49"],
        ["self"],
        ["phone"],
        ["x", "instagram"],
        "SNSのメッセージで「近くまで来ている」という趣旨の脅しが何度も届いている。身の危険を感じている。",
        "110番と警察のサイバー犯罪相談窓口を案内した。",
    ),
    (
        "found_illegal",
        ["report"],
        ["drugs"],
        [],
        ["19_29", "30_49", "unknown"],
        ["other"],
        ["web_form", "email"],
        ["x"],
        "SNSで違法薬物の販売をうかがわせる投稿を見つけた。どこに通報すればよいか知りたい。",
        "インターネット・ホットラインセンターの通報フォームを案内した。",
    ),
    (
        "found_illegal",
        ["report"],
        ["crime_solicitation"],
        [],
        ["16_18", "19_29"],
        ["guardian", "self"],
        ["phone"],
        ["x", "line"],
        "高額報酬をうたう闇バイトの募集投稿を見つけた。応募はしていない。",
        None,
    ),
    (
        "victim",
        ["unsure"],
        ["fraud"],
        [],
        ["50_64", "65_plus"],
        ["self"],
        ["phone", "in_person"],
        ["other"],
        "通販サイトで代金を振り込んだが商品が届かず、販売者とも連絡が取れない。どうしたらいいか分からない。",
        "消費者ホットライン188を案内した。",
    ),
    (
        "victim",
        ["expert"],
        ["malware_access"],
        [],
        ["30_49", "50_64"],
        ["self"],
        ["phone"],
        ["facebook", "instagram"],
        "SNSアカウントが乗っ取られ、知人に不審なメッセージが送られている。取り戻し方を知りたい。",
        "IPAの情報セキュリティ安心相談窓口を案内した。",
    ),
    (
        "worries",
        ["talk"],
        ["defamation"],
        [],
        ["19_29", "30_49"],
        ["self"],
        ["phone", "chat"],
        ["x"],
        "ネット上の自分への書き込みが気になり、眠れない日が続いている。話を聞いてほしい。",
        "気持ちを受け止め、まもろうよこころの窓口を紹介した。",
    ),
    (
        "victim",
        ["delete"],
        ["image_rights"],
        [],
        ["19_29", "30_49"],
        ["self"],
        ["in_person", "email"],
        ["instagram"],
        "本人の許可なく撮影された写真が投稿されている。写真の削除を求めたい。",
        None,
    ),
    (
        "victim",
        ["delete", "danger"],
        ["revenge_porn"],
        [],
        ["19_29"],
        ["self"],
        ["in_person"],
        ["line", "x"],
        "元交際相手が、私的な画像を公開すると示唆するメッセージを送ってきている。",
        "セーフラインと警察への相談を案内し、証拠の残し方を説明した。",
    ),
    (
        "seek_solution",
        ["expert"],
        ["defamation"],
        [],
        ["30_49", "50_64"],
        ["self"],
        ["phone"],
        ["blog", "other"],
        "経営する店舗の口コミ欄に、事実と異なる低評価の投稿が続いている。対応方法を相談したい。",
        None,
    ),
    (
        "victim",
        ["delete"],
        ["privacy"],
        [],
        ["30_49"],
        ["self"],
        ["phone"],
        ["bbs"],
        "自宅周辺の写真とともに、家の場所が分かるような書き込みがされた。早く消してほしい。",
        "法務局の人権相談と違法・有害情報相談センターを案内した。",
    ),
    (
        "victim",
        ["unsure"],
        ["bullying"],
        ["minor"],
        ["under_13", "13_15"],
        ["guardian"],
        ["phone"],
        ["game"],
        "子ども（中学生）がオンラインゲームのチャットで繰り返し悪口を言われている。保護者からの相談。",
        "こどもの人権110番を案内し、学校への相談も勧めた。",
    ),
    (
        "victim",
        ["unsure"],
        ["fraud"],
        [],
        ["65_plus"],
        ["self", "other"],
        ["in_person"],
        ["other"],
        "架空請求のメールが届き、書かれていた番号に電話してしまった。まだお金は払っていない。",
        "支払わないよう伝え、消費者ホットライン188を案内した。",
    ),
    (
        "worries",
        ["talk"],
        [],
        ["suicidal"],
        ["19_29", "16_18"],
        ["self"],
        ["chat", "phone"],
        ["x"],
        "SNSでの言い争いをきっかけに、消えてしまいたいと感じることがあると話した。",
        "緊急性を確認し、よりそいホットラインとまもろうよこころを案内した。",
    ),
]
SCHOOL = [
    (
        "victim",
        ["delete"],
        ["bullying", "image_rights"],
        ["minor", "school_related"],
        ["13_15", "16_18"],
        ["self", "school_staff"],
        ["in_person"],
        ["tiktok", "x"],
        "同級生B子が撮影した、からかう内容の動画がSNSで拡散されている。動画を消したい。",
        "学年主任と共有し、セーフラインへの削除依頼を一緒に確認した。",
    ),
    (
        "victim",
        ["unsure"],
        ["bullying", "defamation"],
        ["minor", "school_related"],
        ["13_15", "16_18"],
        ["self"],
        ["in_person"],
        ["line"],
        "クラスのグループトークで、特定の生徒への悪口が続いている。どうしたらいいか分からない。",
        "本人の了解を得て、担任と情報を共有した。",
    ),
    (
        "victim",
        ["delete"],
        ["image_rights"],
        ["minor", "school_related"],
        ["16_18"],
        ["self"],
        ["in_person"],
        ["instagram"],
        "部活動の集合写真が無断で加工され、からかう目的で投稿された。",
        None,
    ),
    (
        "victim",
        ["danger"],
        ["other"],
        ["minor"],
        ["13_15", "16_18"],
        ["self", "guardian"],
        ["in_person", "phone"],
        ["instagram", "line"],
        "SNSで知り合った相手から、画像を送るよう繰り返し求められている。断ると脅すような返事が来た。",
        "警察への相談を勧め、保護者にも連絡した。",
    ),
    (
        "seek_solution",
        ["expert"],
        ["defamation"],
        ["school_related"],
        ["30_49", "50_64"],
        ["school_staff"],
        ["in_person"],
        ["x"],
        "裏アカウントで教員に関する中傷が書き込まれている。学校としての対応を相談したい。",
        None,
    ),
    (
        "found_illegal",
        ["report"],
        ["crime_solicitation"],
        ["minor"],
        ["16_18"],
        ["self", "school_staff"],
        ["in_person"],
        ["x", "instagram"],
        "生徒が、SNSで高額アルバイトの勧誘を受けたと相談に来た。応募はしていない。",
        "闇バイトの危険性を説明し、インターネット・ホットラインセンターへの通報を案内した。",
    ),
    (
        "worries",
        ["talk"],
        ["bullying"],
        ["minor", "school_related"],
        ["13_15", "16_18"],
        ["self"],
        ["in_person"],
        ["line"],
        "ネットの書き込みが気になって登校できない日がある。話を聞いてほしい。",
        "スクールカウンセラーとの面談を設定した。",
    ),
    (
        "victim",
        ["expert"],
        ["malware_access", "fraud"],
        ["minor"],
        ["13_15"],
        ["self", "guardian"],
        ["in_person"],
        ["game"],
        "ゲームのアカウントが乗っ取られ、課金したアイテムを失った。",
        None,
    ),
]
# desk slug, counsellor, how many cases, the scenarios
DESKS = [
    ("gifu-city", "demo-counsellor", 64, MUNICIPAL),
    ("gifu-hs", "demo-school", 40, SCHOOL),
]
CLOSURES = [
    ("resolved", 5),
    ("partly_resolved", 3),
    ("unresolved", 1),
    ("lost_contact", 2),
    ("withdrawn", 1),
]


def _moment(rng: random.Random, today: datetime.date) -> datetime.datetime:
    """A weekday within the last year, during opening hours."""
    while True:
        day = today - datetime.timedelta(days=rng.randint(0, 364))
        if day.weekday() < 5:
            break
    naive = datetime.datetime.combine(
        day, datetime.time(rng.randint(9, 16), rng.choice((0, 15, 30, 45)))
    )
    return timezone.make_aware(naive)


def load(stdout) -> None:
    """Give each demo desk without cases a year of intakes; some closed, some with notes."""
    today = timezone.localdate()
    now = timezone.now()
    total = 0
    for slug, username, count, scenarios in DESKS:
        desk = Desk.objects.filter(slug=slug).first()
        counsellor = User.objects.filter(username=username).first()
        if desk is None or counsellor is None or Case.objects.filter(desk=desk).exists():
            continue
        rng = random.Random(f"tsunagu-demo-{slug}")
        for opened_at in sorted(_moment(rng, today) for _ in range(count)):
            opened_at = min(opened_at, now)
            (
                situation,
                wishes,
                categories,
                flags,
                ages,
                consulters,
                channels,
                platforms,
                summary,
                note,
            ) = rng.choice(scenarios)
            with transaction.atomic():
                case = services.case_open(
                    desk=desk,
                    opened_by=counsellor,
                    situation=situation,
                    wishes=wishes,
                    categories=categories,
                    flags=flags,
                    age_band=rng.choice(ages),
                    consulter=rng.choice(consulters),
                    channel=rng.choice(channels),
                    platforms=rng.sample(platforms, k=rng.randint(1, len(platforms))),
                    summary=summary,
                    now=opened_at,
                )
                # A demo case's past is history: its supervisors were told when it was opened,
                # not now, so the demo's worker does not mail a year of urgent alerts at once.
                UrgentAlert.objects.filter(case=case).update(sent_at=opened_at)
            if note:
                services.note_add(
                    case=case,
                    by=counsellor,
                    body=note,
                    now=opened_at + datetime.timedelta(minutes=20),
                )
            age = (now - opened_at).days
            if age > 45 and rng.random() < 0.8:
                reason = rng.choices([r for r, _ in CLOSURES], weights=[w for _, w in CLOSURES])[0]
                services.case_close(
                    case=case,
                    by=counsellor,
                    reason=reason,
                    now=opened_at + datetime.timedelta(days=rng.randint(7, min(age, 60))),
                )
            total += 1
    if total:
        stdout.write(f"デモの相談記録 / demo cases: {total}")
    _closing_approval(stdout)


def _closing_approval(stdout) -> None:
    """Let gifu-city require approval, with one urgent case waiting for its supervisor."""
    desk = Desk.objects.filter(slug="gifu-city").first()
    counsellor = User.objects.filter(username="demo-counsellor").first()
    if desk is None or counsellor is None or ClosingRequest.objects.exists():
        return
    Desk.objects.filter(pk=desk.pk).update(closing_needs_approval=True)
    urgent = (
        Case.objects.filter(desk=desk)
        .exclude(status=Case.Status.CLOSED)
        .filter(urgent_alert__isnull=False)
        .order_by("created_at")
        .first()
    )
    if urgent is None:
        return
    services.closing_request_submit(
        case=urgent,
        by=counsellor,
        reason="partly_resolved",
        note="警察に相談済みで、身の危険は去ったと本人が話している。",
    )
    stdout.write(f"終了の承認待ち / closing awaiting approval: {urgent.reference}")
