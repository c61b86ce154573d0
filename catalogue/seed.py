"""The catalogue a fresh install ships: the flyer's windows and the national lines beyond it.

Used by a data migration and by ``loaddemo``. Loading never overwrites an entry that
already exists, so admins' edits survive.
"""

import datetime
import uuid
from typing import Any

# Fixed for ever: every installation derives the same HSDS identifier for a seed entry from its
# slug, so two desks' feeds name a national window alike.
IDENTIFIER_NAMESPACE = uuid.UUID("6f3b1c52-8f0e-5d8a-9b61-2a4f0c7e9d13")

SEED_VERIFIED = datetime.date(2026, 11, 28)

ORGANIZATIONS = [
    ("mhlw", "厚生労働省", "Ministry of Health, Labour and Welfare", "https://www.mhlw.go.jp/"),
    ("bar-associations", "各弁護士会", "Bar associations", "https://www.nichibenren.or.jp/"),
    (
        "houterasu",
        "日本司法支援センター（法務省所管）",
        "Japan Legal Support Center",
        "https://www.houterasu.or.jp/",
    ),
    (
        "police",
        "警察庁・都道府県警察",
        "National Police Agency and prefectural police",
        "https://www.npa.go.jp/",
    ),
    (
        "soumu",
        "総務省（支援事業）",
        "Ministry of Internal Affairs and Communications",
        "https://www.soumu.go.jp/",
    ),
    ("moj", "法務省", "Ministry of Justice", "https://www.moj.go.jp/"),
    (
        "saferinternet",
        "一般社団法人セーファーインターネット協会",
        "Safer Internet Association",
        "https://www.saferinternet.or.jp/",
    ),
    (
        "npa-commissioned",
        "警察庁（委託）",
        "National Police Agency (commissioned)",
        "https://www.npa.go.jp/",
    ),
    (
        "ipa",
        "独立行政法人情報処理推進機構（IPA）",
        "Information-technology Promotion Agency",
        "https://www.ipa.go.jp/",
    ),
    (
        "mext",
        "文部科学省",
        "Ministry of Education, Culture, Sports, Science and Technology",
        "https://www.mext.go.jp/",
    ),
    ("caa", "消費者庁", "Consumer Affairs Agency", "https://www.caa.go.jp/"),
    (
        "gender-equality",
        "内閣府男女共同参画局",
        "Gender Equality Bureau, Cabinet Office",
        "https://www.gender.go.jp/",
    ),
    (
        "social-inclusion",
        "一般社団法人社会的包摂サポートセンター",
        "Social Inclusion Support Center",
        "https://www.since2011.net/",
    ),
    ("cfa", "こども家庭庁", "Children and Families Agency", "https://www.cfa.go.jp/"),
    ("fire", "消防機関", "Fire and ambulance services", "https://www.fdma.go.jp/"),
]

# (number, kind, hours, note)
SERVICES: list[dict[str, Any]] = [
    {
        "slug": "mamorouyo-kokoro",
        "name": "心のSOS まもろうよこころ",
        "name_en": "Mamorouyo Kokoro (mental-health SOS portal)",
        "organization": "mhlw",
        "description": "生きるのがつらいほど心の悩みや不安を抱えている方に、気軽に相談できる電話・SNS・チャットの窓口を紹介しています。",
        "description_en": "A portal of phone, SNS and chat lines for anyone whose worries make life feel hard.",
        "actions": ["emotional_support"],
        "channels": ["phone", "sns", "chat"],
        "audience": "all",
        "url": "https://www.mhlw.go.jp/mamorouyokokoro/",
        "hours": "窓口により異なる（24時間の窓口あり）",
        "counsellor_notes": "チラシには www.mhlw.go.jp/mamoruoyokoro と誤って印刷されています。正しくは mamorouyokokoro です。",
        "source_url": "https://www.mhlw.go.jp/mamorouyokokoro/",
        "phones": [],
    },
    {
        "slug": "lawyer",
        "name": "弁護士（弁護士会の法律相談）",
        "name_en": "Lawyers (bar association legal consultation)",
        "organization": "bar-associations",
        "description": "書き込んだ相手への損害賠償請求や、発信者情報開示命令などの法的手続を相談・依頼できます。",
        "description_en": "Claims for damages against the poster and court orders to disclose the sender's identity.",
        "actions": ["legal_aid", "advice"],
        "channels": ["in_person", "phone"],
        "categories": [
            "defamation",
            "privacy",
            "image_rights",
            "revenge_porn",
            "bullying",
            "threat",
            "fraud",
        ],
        "audience": "all",
        "url": "https://www.nichibenren.or.jp/legal_advice/",
        "eligibility": "相談料がかかる場合があります。費用が心配な方は法テラスの制度を案内してください。",
        "source_url": "https://www.soumu.go.jp/use_the_internet_wisely/trouble/reference/reference01.html",
        "phones": [],
    },
    {
        "slug": "houterasu",
        "name": "法テラス（日本司法支援センター）",
        "name_en": "Houterasu (Japan Legal Support Center)",
        "organization": "houterasu",
        "description": "問い合わせ内容に応じて、解決に役立つ法制度や相談窓口を案内します。経済的に余裕のない方には無料の法律相談や弁護士費用等の立替制度があります。",
        "description_en": "Guidance on legal systems and where to turn; free legal consultation and fee advances for people with low income.",
        "actions": ["legal_aid", "advice"],
        "channels": ["phone", "email", "in_person"],
        "audience": "all",
        "url": "https://www.houterasu.or.jp/",
        "hours": "平日 9:00〜21:00、土曜 9:00〜17:00",
        "eligibility": "無料法律相談・費用立替は収入・資産の要件あり（例：単身で月収18万2千円以下）。",
        "source_url": "https://www.houterasu.or.jp/",
        "phones": [
            (
                "0570-078374",
                "navi",
                "平日 9:00〜21:00、土曜 9:00〜17:00",
                "法テラス・サポートダイヤル",
            ),
            ("03-6745-5600", "ip", "平日 9:00〜21:00、土曜 9:00〜17:00", "IP電話から"),
        ],
    },
    {
        "slug": "police-cyber",
        "name": "警察（都道府県警察のサイバー犯罪相談窓口）",
        "name_en": "Police cyber-crime consultation",
        "organization": "police",
        "description": "サイバー犯罪の相談・情報提供を受け付けます。脅迫や身の危険、犯人の捜査・処罰を求めるときの窓口です。",
        "description_en": "Consultation on cyber crime; investigation and punishment of offenders.",
        "actions": ["police_report", "investigation", "advice"],
        "channels": ["in_person", "phone", "web_form"],
        "audience": "all",
        "url": "https://www.npa.go.jp/bureau/cyber/soudan.html",
        "hours": "平日 8:30〜17:15（都道府県により異なる）",
        "counsellor_notes": "チラシの www.npa.go.jp/cyber/soudan.html は現在 /bureau/cyber/soudan.html に移っています。緊急時は110番。",
        "source_url": "https://www.npa.go.jp/bureau/cyber/soudan.html",
        "phones": [
            ("#9110", "short", "平日 8:30〜17:15（都道府県により異なる）", "警察相談専用電話")
        ],
    },
    {
        "slug": "ihaho",
        "name": "違法・有害情報相談センター",
        "name_en": "Illegal and Harmful Information Consultation Center",
        "organization": "soumu",
        "description": "相談者自身で行う削除依頼の方法などを、専門知識を持つ相談員が迅速に助言します。人権侵害に限らず、様々なネットトラブルに対応します。",
        "description_en": "Experts advise quickly on how to request deletion yourself, for all kinds of net trouble.",
        "actions": ["advice"],
        "channels": ["web_form"],
        "audience": "all",
        "url": "https://www.ihaho.jp/",
        "hours": "Webフォームで24時間受付（回答は順次）",
        "eligibility": "利用者登録のうえWebフォームから相談します。",
        "counsellor_notes": "センター自身は削除依頼を行いません。相談者が自分で依頼する方法を助言します。",
        "source_url": "https://www.ihaho.jp/aboutus/",
        "phones": [],
    },
    {
        "slug": "jinken",
        "name": "人権相談（法務局）",
        "name_en": "Human rights counselling (Legal Affairs Bureau)",
        "organization": "moj",
        "description": "自分で行う削除依頼の方法を助言するほか、法務局が事案に応じてプロバイダ等へ削除を要請します。",
        "description_en": "Advice on deletion requests; the Legal Affairs Bureau itself asks providers to delete after judging the case.",
        "actions": ["advice", "deletion_request"],
        "channels": ["phone", "in_person", "web_form", "sns"],
        "categories": [
            "defamation",
            "privacy",
            "image_rights",
            "revenge_porn",
            "bullying",
            "other",
        ],
        "audience": "all",
        "url": "https://www.jinken.go.jp/",
        "hours": "平日 8:30〜17:15",
        "counsellor_notes": "法務局による削除要請は専門的な判断を経るため時間がかかることがあります。子どもはLINEでも相談できます。",
        "follow_up_days": 30,
        "source_url": "https://www.moj.go.jp/JINKEN/index_soudan.html",
        "phones": [("0570-003-110", "navi", "平日 8:30〜17:15", "みんなの人権110番")],
    },
    {
        "slug": "bullying-hotline",
        "name": "誹謗中傷ホットライン",
        "name_en": "Defamation Hotline",
        "organization": "saferinternet",
        "description": "インターネット上の誹謗中傷の連絡を受け付け、一定の基準に該当するものについて、国内外のプロバイダに利用規約等に沿った対応を促す連絡を行います。",
        "description_en": "Takes reports of online defamation and asks providers in Japan and abroad to act under their terms.",
        "actions": ["provider_contact"],
        "channels": ["web_form"],
        "categories": ["defamation", "privacy", "bullying"],
        "audience": "all",
        "url": "https://www.saferinternet.or.jp/bullying/",
        "counsellor_notes": "実在の人物が特定でき、基準を満たす投稿のみ対応します。",
        "source_url": "https://www.saferinternet.or.jp/bullying/",
        "phones": [],
    },
    {
        "slug": "safeline",
        "name": "セーフライン",
        "name_en": "Safe Line",
        "organization": "saferinternet",
        "description": "違法・有害情報の通報を受け付け、国内外のサイトへの削除要請や警察等への通報を行います。リベンジポルノやいじめ動画の通報も受け付けています。",
        "description_en": "Takes reports of illegal and harmful content, including revenge porn and bullying videos; asks sites to delete and reports to police.",
        "actions": ["deletion_request", "police_report"],
        "channels": ["web_form"],
        "audience": "all",
        "url": "https://www.safe-line.jp/",
        "counsellor_notes": "リベンジポルノの通報は本人（子どもの場合は保護者）からのみ受け付けます。",
        "source_url": "https://www.safe-line.jp/",
        "phones": [],
    },
    {
        "slug": "internet-hotline-center",
        "name": "インターネット・ホットラインセンター",
        "name_en": "Internet Hotline Center Japan",
        "organization": "npa-commissioned",
        "description": "違法情報・重要犯罪密接関連情報・自殺誘引等情報の通報を受け付け、警察への情報提供とサイトへの削除依頼を行います。",
        "description_en": "Takes reports of illegal, serious-crime-related and suicide-inducement information; informs police and asks sites to delete.",
        "actions": ["police_report", "deletion_request"],
        "channels": ["web_form"],
        "categories": [
            "drugs",
            "obscene",
            "csam",
            "weapons",
            "crime_solicitation",
            "suicide_inducement",
            "threat",
            "other",
        ],
        "audience": "all",
        "url": "https://www.internethotline.jp/",
        "eligibility": "匿名で通報できます。",
        "counsellor_notes": "相談は受け付けません。誹謗中傷・プライバシー侵害は対象外です。Webフォームからの通報のみ。",
        "source_url": "https://www.internethotline.jp/",
        "phones": [],
    },
    {
        "slug": "ipa-anshin",
        "name": "情報セキュリティ安心相談窓口",
        "name_en": "IPA Information Security Helpdesk",
        "organization": "ipa",
        "description": "ウイルスや不正アクセスなど、一般的な情報セキュリティの技術的な相談に助言します。",
        "description_en": "Technical advice on viruses and unauthorised access.",
        "actions": ["technical_advice", "advice"],
        "channels": ["phone", "email"],
        "categories": ["malware_access", "fraud"],
        "audience": "all",
        "url": "https://www.ipa.go.jp/security/anshin/",
        "hours": "平日 10:00〜12:00、13:30〜17:00",
        "source_url": "https://www.ipa.go.jp/security/anshin/",
        "phones": [("03-5978-7509", "main", "平日 10:00〜12:00、13:30〜17:00", "")],
    },
    {
        "slug": "police-110",
        "name": "警察 緊急通報（110番）",
        "name_en": "Police emergency (110)",
        "organization": "police",
        "description": "殺害予告・爆破予告・自殺予告など、差し迫った危険があるときの緊急通報です。",
        "description_en": "Emergency calls for threats of murder, bombing or suicide and any imminent danger.",
        "actions": ["police_report", "investigation"],
        "channels": ["phone"],
        "audience": "all",
        "url": "https://www.npa.go.jp/",
        "hours": "24時間",
        "source_url": "https://www.npa.go.jp/",
        "phones": [("110", "emergency", "24時間", "")],
    },
    {
        "slug": "kodomo-jinken-110",
        "name": "こどもの人権110番（法務省）",
        "name_en": "Children's human rights line (Ministry of Justice)",
        "organization": "moj",
        "description": "いじめや虐待など、子どもの人権に関する相談を子ども本人や保護者から受け付けます。",
        "description_en": "Takes calls from children and parents about bullying, abuse and other rights issues.",
        "actions": ["advice", "emotional_support"],
        "channels": ["phone"],
        "audience": "children",
        "url": "https://www.moj.go.jp/JINKEN/jinken112.html",
        "hours": "平日 8:30〜17:15",
        "source_url": "https://www.moj.go.jp/JINKEN/jinken112.html",
        "phones": [("0120-007-110", "free", "平日 8:30〜17:15", "通話料無料")],
    },
    {
        "slug": "kodomo-sos-24",
        "name": "24時間子供SOSダイヤル（文部科学省）",
        "name_en": "24-hour children's SOS line (MEXT)",
        "organization": "mext",
        "description": "いじめなど子どものSOSを、夜間・休日を含めて24時間受け付けます。",
        "description_en": "Takes children's calls about bullying and other troubles, 24 hours a day.",
        "actions": ["emotional_support", "advice"],
        "channels": ["phone"],
        "audience": "children",
        "url": "https://www.mext.go.jp/a_menu/shotou/seitoshidou/06112210.htm",
        "hours": "24時間",
        "source_url": "https://www.mext.go.jp/a_menu/shotou/seitoshidou/06112210.htm",
        "phones": [("0120-0-78310", "free", "24時間", "通話料無料")],
    },
    {
        "slug": "consumer-188",
        "name": "消費者ホットライン（188）",
        "name_en": "Consumer hotline (188)",
        "organization": "caa",
        "description": "詐欺・悪質商法・架空請求などの相談を、身近な消費生活センターにつなぎます。",
        "description_en": "Connects callers to their local consumer affairs centre about fraud and bogus bills.",
        "actions": ["advice"],
        "channels": ["phone"],
        "categories": ["fraud"],
        "audience": "all",
        "url": "https://www.caa.go.jp/policies/policy/local_cooperation/local_consumer_administration/hotline/",
        "source_url": "https://www.caa.go.jp/",
        "phones": [("188", "short", "", "いやや！")],
    },
    {
        "slug": "one-stop-8891",
        "name": "性犯罪・性暴力被害者のためのワンストップ支援センター",
        "name_en": "One-stop support centres for victims of sexual violence",
        "organization": "gender-equality",
        "description": "性犯罪・性暴力の被害について、最寄りのワンストップ支援センターにつながります。性的な画像の被害も相談できます。",
        "description_en": "Connects to the nearest one-stop centre for victims of sexual crime and violence, including sexual-image abuse.",
        "actions": ["advice", "emotional_support"],
        "channels": ["phone"],
        "categories": ["revenge_porn", "csam"],
        "audience": "all",
        "url": "https://www.gender.go.jp/policy/no_violence/seibouryoku/consult.html",
        "source_url": "https://www.gender.go.jp/",
        "phones": [("#8891", "short", "", "はやくワンストップ")],
    },
    {
        "slug": "yorisoi",
        "name": "よりそいホットライン",
        "name_en": "Yorisoi hotline",
        "organization": "social-inclusion",
        "description": "どんなひとの、どんな悩みにもよりそって、24時間話を聞きます。",
        "description_en": "Listens to anyone, about anything, 24 hours a day.",
        "actions": ["emotional_support"],
        "channels": ["phone", "chat", "sns"],
        "audience": "all",
        "url": "https://www.since2011.net/yorisoi/",
        "hours": "24時間",
        "source_url": "https://www.since2011.net/yorisoi/",
        "phones": [("0120-279-338", "free", "24時間", "通話料無料")],
    },
    {
        "slug": "kokoro-dial",
        "name": "こころの健康相談統一ダイヤル",
        "name_en": "Mental health consultation line",
        "organization": "mhlw",
        "description": "お住まいの都道府県・政令指定都市の心の健康相談窓口につながります。",
        "description_en": "Connects to the mental-health line of the caller's prefecture or designated city.",
        "actions": ["emotional_support"],
        "channels": ["phone"],
        "audience": "all",
        "url": "https://www.mhlw.go.jp/mamorouyokokoro/",
        "hours": "都道府県により異なる",
        "source_url": "https://www.mhlw.go.jp/mamorouyokokoro/",
        "phones": [("0570-064-556", "navi", "都道府県により異なる", "")],
    },
    {
        "slug": "jidou-189",
        "name": "児童相談所虐待対応ダイヤル（189）",
        "name_en": "Child guidance centre line (189)",
        "organization": "cfa",
        "description": "近くの児童相談所につながります。子どもの性的被害や虐待の相談・通告を受け付けます。",
        "description_en": "Connects to the nearest child guidance centre about abuse and sexual harm to children.",
        "actions": ["advice", "investigation"],
        "channels": ["phone"],
        "categories": ["revenge_porn", "csam", "bullying", "other"],
        "audience": "children",
        "url": "https://www.cfa.go.jp/policies/jidougyakutai/gyakutai-ryuui/",
        "hours": "24時間",
        "source_url": "https://www.cfa.go.jp/",
        "phones": [("189", "short", "24時間", "いちはやく")],
    },
    {
        "slug": "emergency-119",
        "name": "救急（119番）",
        "name_en": "Ambulance (119)",
        "organization": "fire",
        "description": "自殺企図やけがなど、命に関わる事態が起きているときの救急通報です。",
        "description_en": "Emergency calls when a suicide attempt or injury is in progress.",
        "actions": ["emotional_support"],
        "channels": ["phone"],
        "audience": "all",
        "url": "https://www.fdma.go.jp/",
        "hours": "24時間",
        "source_url": "https://www.fdma.go.jp/",
        "phones": [("119", "emergency", "24時間", "")],
    },
]

SEED_SLUGS = frozenset(service["slug"] for service in SERVICES)

WEEKDAYS = ["MO", "TU", "WE", "TH", "FR"]
EVERY_DAY = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
ROUND_THE_CLOCK = (EVERY_DAY, "00:00", "23:59", False, False)

# Structured opening hours: (weekdays, opens, closes, closed on holidays, closed 12/29–1/3).
SCHEDULES: dict[str, list[tuple[list[str], str, str, bool, bool]]] = {
    "houterasu": [(WEEKDAYS, "09:00", "21:00", True, True), (["SA"], "09:00", "17:00", True, True)],
    "jinken": [(WEEKDAYS, "08:30", "17:15", True, True)],
    "kodomo-jinken-110": [(WEEKDAYS, "08:30", "17:15", True, True)],
    "ipa-anshin": [
        (WEEKDAYS, "10:00", "12:00", True, True),
        (WEEKDAYS, "13:30", "17:00", True, True),
    ],
    "police-110": [ROUND_THE_CLOCK],
    "kodomo-sos-24": [ROUND_THE_CLOCK],
    "yorisoi": [ROUND_THE_CLOCK],
    "jidou-189": [ROUND_THE_CLOCK],
    "emergency-119": [ROUND_THE_CLOCK],
}


def _has_field(model, name: str) -> bool:
    return any(field.name == name for field in model._meta.fields)


def load_schedules(service, schedule_model) -> None:
    """Give a seed window its structured opening hours."""
    for weekdays, opens, closes, holidays, year_end in SCHEDULES.get(service.slug, []):
        schedule_model.objects.create(
            service=service,
            uuid=uuid.uuid5(IDENTIFIER_NAMESPACE, f"schedule:{service.slug}:{weekdays}:{opens}"),
            weekdays=weekdays,
            opens_at=datetime.time.fromisoformat(opens),
            closes_at=datetime.time.fromisoformat(closes),
            closed_on_holidays=holidays,
            closed_year_end=year_end,
        )


def load_catalogue(organization_model, service_model, phone_model, schedule_model=None) -> int:
    """Create every seed organisation and window that is missing; return how many windows."""
    identified = _has_field(service_model, "uuid")
    organizations = {}
    for slug, name, name_en, url in ORGANIZATIONS:
        defaults: dict[str, Any] = {"name": name, "name_en": name_en, "url": url}
        if identified:
            defaults["uuid"] = uuid.uuid5(IDENTIFIER_NAMESPACE, f"organization:{slug}")
        organizations[slug], _ = organization_model.objects.get_or_create(
            slug=slug, defaults=defaults
        )
    created = 0
    for entry in SERVICES:
        fields = {key: value for key, value in entry.items() if key not in {"slug", "phones"}}
        fields["organization"] = organizations[fields["organization"]]
        fields.setdefault("last_verified", SEED_VERIFIED)
        if identified:
            fields["uuid"] = uuid.uuid5(IDENTIFIER_NAMESPACE, f"service:{entry['slug']}")
            fields["languages"] = ["ja"]
        service, was_created = service_model.objects.get_or_create(
            slug=entry["slug"], defaults=fields
        )
        if was_created:
            created += 1
            phone_model.objects.bulk_create(
                phone_model(
                    service=service, number=number, kind=kind, hours=hours, note=note, position=i
                )
                for i, (number, kind, hours, note) in enumerate(entry["phones"])
            )
            if schedule_model is not None:
                load_schedules(service, schedule_model)
    return created
