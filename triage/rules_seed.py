"""The flyer's mapping as the default suggestion rules a fresh install ships.

Each entry: conditions, the window's slug (or ``desk_local``), weight, urgency, reasons.
Within one flyer row, windows keep the flyer's order through descending weights.
"""

ILLEGAL = [
    "drugs",
    "obscene",
    "csam",
    "weapons",
    "crime_solicitation",
    "suicide_inducement",
    "threat",
]

RULES = [
    # Life first: 110/119 and the suicide lines (safety rules).
    {
        "name": "差し迫った危険と希死念慮 → 119番",
        "flags": ["suicidal", "imminent_danger"],
        "service": "emergency-119",
        "weight": 100,
        "urgency": 1,
        "safety": True,
        "reason": "差し迫った命の危険は119番・110番",
        "reason_en": "Imminent danger to life: call 119 and 110",
    },
    {
        "name": "差し迫った危険と希死念慮 → 110番",
        "flags": ["suicidal", "imminent_danger"],
        "service": "police-110",
        "weight": 99,
        "urgency": 1,
        "safety": True,
        "reason": "差し迫った命の危険は119番・110番",
        "reason_en": "Imminent danger to life: call 119 and 110",
    },
    {
        "name": "差し迫った危険 → 110番",
        "flags": ["imminent_danger"],
        "service": "police-110",
        "weight": 98,
        "urgency": 1,
        "safety": True,
        "reason": "差し迫った危険は110番",
        "reason_en": "Imminent danger: call 110",
    },
    {
        "name": "脅迫と身の危険 → 110番",
        "categories": ["threat"],
        "wishes": ["danger"],
        "service": "police-110",
        "weight": 98,
        "urgency": 1,
        "safety": True,
        "reason": "差し迫った危険は110番",
        "reason_en": "Imminent danger: call 110",
    },
    {
        "name": "希死念慮 → まもろうよこころ",
        "flags": ["suicidal"],
        "service": "mamorouyo-kokoro",
        "weight": 97,
        "urgency": 2,
        "safety": True,
        "reason": "命に関わる悩みを最優先",
        "reason_en": "Thoughts of suicide come first",
    },
    {
        "name": "希死念慮 → よりそいホットライン",
        "flags": ["suicidal"],
        "service": "yorisoi",
        "weight": 96,
        "urgency": 2,
        "safety": True,
        "reason": "命に関わる悩みを最優先",
        "reason_en": "Thoughts of suicide come first",
    },
    {
        "name": "希死念慮 → こころの健康相談統一ダイヤル",
        "flags": ["suicidal"],
        "service": "kokoro-dial",
        "weight": 95,
        "urgency": 2,
        "safety": True,
        "reason": "命に関わる悩みを最優先",
        "reason_en": "Thoughts of suicide come first",
    },
    # The flyer's rows.
    {
        "name": "悩みや不安 → まもろうよこころ",
        "situations": ["worries"],
        "service": "mamorouyo-kokoro",
        "weight": 60,
        "reason": "悩みや不安を話せる窓口",
        "reason_en": "A place to talk about worries",
    },
    {
        "name": "話を聞いてほしい → まもろうよこころ",
        "wishes": ["talk"],
        "service": "mamorouyo-kokoro",
        "weight": 60,
        "reason": "悩みや不安を話せる窓口",
        "reason_en": "A place to talk about worries",
    },
    {
        "name": "被害・分からない → 違法・有害情報相談センター",
        "situations": ["victim"],
        "wishes": ["unsure"],
        "service": "ihaho",
        "weight": 60,
        "reason": "まず専門家から迅速な助言",
        "reason_en": "Quick advice from experts first",
    },
    {
        "name": "専門家に相談 → 違法・有害情報相談センター",
        "situations": ["victim", "seek_solution"],
        "wishes": ["expert"],
        "service": "ihaho",
        "weight": 60,
        "reason": "ネットトラブルの専門家による迅速な助言",
        "reason_en": "Quick advice from net-trouble experts",
    },
    {
        "name": "削除したい → 違法・有害情報相談センター",
        "situations": ["victim"],
        "wishes": ["delete"],
        "service": "ihaho",
        "weight": 59,
        "reason": "自分で行う削除依頼の助言",
        "reason_en": "Advice on requesting deletion yourself",
    },
    {
        "name": "削除したい → 人権相談（法務局）",
        "situations": ["victim"],
        "wishes": ["delete"],
        "service": "jinken",
        "weight": 58,
        "reason": "法務局による削除要請",
        "reason_en": "The Legal Affairs Bureau can ask providers to delete",
    },
    {
        "name": "削除したい → 誹謗中傷ホットライン",
        "situations": ["victim"],
        "wishes": ["delete"],
        "service": "bullying-hotline",
        "weight": 57,
        "reason": "プロバイダへの連絡",
        "reason_en": "Contacts providers under their terms",
    },
    {
        "name": "削除したい → セーフライン",
        "situations": ["victim"],
        "wishes": ["delete"],
        "service": "safeline",
        "weight": 56,
        "reason": "迅速な削除の要請",
        "reason_en": "Quick deletion requests",
    },
    {
        "name": "損害賠償 → 弁護士",
        "situations": ["victim"],
        "wishes": ["damages"],
        "service": "lawyer",
        "weight": 59,
        "reason": "損害賠償・発信者情報開示は弁護士へ",
        "reason_en": "Damages and sender disclosure: a lawyer",
    },
    {
        "name": "損害賠償 → 法テラス",
        "situations": ["victim"],
        "wishes": ["damages"],
        "service": "houterasu",
        "weight": 58,
        "reason": "費用の立替は法テラス",
        "reason_en": "Houterasu can advance legal fees",
    },
    {
        "name": "身の危険・処罰 → 警察",
        "situations": ["victim"],
        "wishes": ["danger"],
        "service": "police-cyber",
        "weight": 65,
        "reason": "身の危険・脅迫・捜査や処罰は警察へ",
        "reason_en": "Danger, threats, investigation and punishment: the police",
    },
    {
        "name": "違法・有害情報の通報 → インターネット・ホットラインセンター",
        "situations": ["found_illegal"],
        "wishes": ["report"],
        "or_no_wish": True,
        "categories": ILLEGAL,
        "or_no_category": True,
        "service": "internet-hotline-center",
        "weight": 60,
        "reason": "警察への情報提供とサイトへの削除依頼",
        "reason_en": "Informs the police and asks the site to delete",
    },
    {
        "name": "違法・有害情報の通報 → セーフライン",
        "situations": ["found_illegal"],
        "wishes": ["report"],
        "or_no_wish": True,
        "categories": ILLEGAL,
        "or_no_category": True,
        "service": "safeline",
        "weight": 59,
        "reason": "迅速な削除の要請",
        "reason_en": "Quick deletion requests",
    },
    {
        "name": "他人への権利侵害を見つけた → 違法・有害情報相談センター",
        "situations": ["found_illegal"],
        "categories": ["defamation", "privacy", "image_rights"],
        "category_mode": "only",
        "service": "ihaho",
        "weight": 60,
        "reason": "権利侵害情報は本人・関係者からの相談で対応",
        "reason_en": "Rights infringements are handled on a consultation by the person or those close",
    },
    {
        "name": "他人への権利侵害を見つけた → 人権相談（法務局）",
        "situations": ["found_illegal"],
        "categories": ["defamation", "privacy", "image_rights"],
        "category_mode": "only",
        "service": "jinken",
        "weight": 59,
        "reason": "権利侵害情報は本人・関係者からの相談で対応",
        "reason_en": "Rights infringements are handled on a consultation by the person or those close",
    },
    {
        "name": "解決策の相談 → 違法・有害情報相談センター",
        "situations": ["seek_solution"],
        "service": "ihaho",
        "weight": 58,
        "reason": "専門家の助言",
        "reason_en": "Expert advice",
    },
    {
        "name": "解決策の相談 → 法テラス",
        "situations": ["seek_solution"],
        "service": "houterasu",
        "weight": 57,
        "reason": "法的トラブルの総合案内所",
        "reason_en": "One-stop guide to legal trouble",
    },
    {
        "name": "ウイルス・不正アクセス → IPA",
        "categories": ["malware_access"],
        "service": "ipa-anshin",
        "weight": 62,
        "reason": "ウイルス・不正アクセスの技術的な相談",
        "reason_en": "Technical advice on malware and unauthorised access",
    },
    {
        "name": "リベンジポルノ・いじめ動画の削除 → セーフライン",
        "categories": ["revenge_porn", "bullying"],
        "wishes": ["delete"],
        "service": "safeline",
        "weight": 90,
        "reason": "リベンジポルノ・いじめ動画の削除要請",
        "reason_en": "Deletion requests for revenge porn and bullying videos",
    },
    {
        "name": "詐欺 → 消費者ホットライン",
        "categories": ["fraud"],
        "service": "consumer-188",
        "weight": 61,
        "reason": "消費生活センターにつながる",
        "reason_en": "Connects to the consumer affairs centre",
    },
    {
        "name": "リベンジポルノ → ワンストップ支援センター",
        "categories": ["revenge_porn"],
        "service": "one-stop-8891",
        "weight": 55,
        "reason": "性的な画像の被害は性暴力被害の相談窓口も",
        "reason_en": "Sexual-image abuse: the sexual-violence support centres too",
    },
    {
        "name": "子ども → こどもの人権110番",
        "flags": ["minor"],
        "service": "kodomo-jinken-110",
        "weight": 54,
        "reason": "子ども専用の窓口",
        "reason_en": "A line for children",
    },
    {
        "name": "子ども → 24時間子供SOSダイヤル",
        "flags": ["minor"],
        "service": "kodomo-sos-24",
        "weight": 53,
        "reason": "子ども専用の窓口",
        "reason_en": "A line for children",
    },
    {
        "name": "子どもの性的被害 → 児童相談所",
        "flags": ["minor"],
        "categories": ["revenge_porn", "csam"],
        "service": "jidou-189",
        "weight": 56,
        "reason": "子どもの性的被害は児童相談所にも",
        "reason_en": "Sexual harm to a child: the child guidance centre too",
    },
    {
        "name": "学校が関わる → 学校の相談窓口",
        "flags": ["school_related"],
        "desk_kind": "school",
        "desk_local": True,
        "weight": 64,
        "reason": "学校の相談窓口",
        "reason_en": "The school's own counselling room",
    },
]

# Added after the first release (migration 0003): 児童ポルノ is a crime against the child, so the
# police are suggested whatever the wishes. The engine reads `revenge_porn` with `minor` as `csam`.
CHILD_SEXUAL_IMAGE_RULES = [
    {
        "name": "子どもの性的な画像（児童ポルノ） → 警察",
        "flags": ["minor"],
        "categories": ["csam"],
        "service": "police-cyber",
        "weight": 95,
        "reason": "18歳未満の性的な画像は児童ポルノ（子どもへの犯罪）: 希望にかかわらず警察へ",
        "reason_en": "A sexual image of anyone under 18 is child pornography, a crime against "
        "the child: the police, whatever the wishes",
    },
    {
        "name": "子どもの性的な画像（児童ポルノ） → セーフライン",
        "flags": ["minor"],
        "categories": ["csam"],
        "service": "safeline",
        "weight": 92,
        "reason": "児童ポルノの削除要請",
        "reason_en": "Deletion requests for child pornography",
    },
    {
        "name": "子どもの性的な画像（児童ポルノ） → インターネット・ホットラインセンター",
        "flags": ["minor"],
        "categories": ["csam"],
        "service": "internet-hotline-center",
        "weight": 91,
        "reason": "児童ポルノの通報（警察への情報提供とサイトへの削除依頼）",
        "reason_en": "Report child pornography: informs the police and asks the site to delete",
    },
    {
        "name": "子どもの性的な画像（児童ポルノ） → 児童相談所",
        "flags": ["minor"],
        "categories": ["csam"],
        "service": "jidou-189",
        "weight": 90,
        "reason": "子どもの性的被害は児童相談所にも",
        "reason_en": "Sexual harm to a child: the child guidance centre too",
    },
]


def load_rules(rule_model, service_model) -> int:
    """Create the default rules if there are none yet; return how many were created."""
    if rule_model.objects.exists():
        return 0
    services = dict(service_model.objects.values_list("slug", "id"))
    rules = []
    for entry in RULES:
        entry = dict(entry)
        slug = entry.pop("service", None)
        safety = entry.pop("safety", False)
        rules.append(
            rule_model(
                **entry,
                service_id=services[slug] if slug else None,
                is_safety=safety,
            )
        )
    rule_model.objects.bulk_create(rules)
    return len(rules)


def add_rules(rule_model, service_model, entries) -> int:
    """Create the rules of a later release that are not there yet (by name)."""
    services = dict(service_model.objects.values_list("slug", "id"))
    existing = set(rule_model.objects.values_list("name", flat=True))
    created = 0
    for entry in entries:
        entry = dict(entry)
        slug = entry.pop("service")
        if entry["name"] in existing or slug not in services:
            continue
        rule_model.objects.create(**entry, service_id=services[slug])
        created += 1
    return created
