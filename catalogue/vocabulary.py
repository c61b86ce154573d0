"""The domain's stable codes: part of the public contract, used by every app.

Labels may be improved; codes may not change.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _


class Situation(models.TextChoices):
    VICTIM = "victim", _("インターネット上の誹謗中傷やプライバシー侵害等のトラブルにあった")
    FOUND_ILLEGAL = "found_illegal", _("インターネット上の違法・有害情報を見つけた")
    SEEK_SOLUTION = "seek_solution", _("解決策について相談したい")
    WORRIES = "worries", _("悩みや不安について話をしたい")


class Wish(models.TextChoices):
    UNSURE = "unsure", _("どうしたらいいか分からない")
    DELETE = "delete", _("ネット上の書き込み・画像を削除したい")
    DAMAGES = "damages", _("書き込んだ相手に損害賠償を求めたい")
    DANGER = "danger", _("身の危険を感じている／脅迫されている・犯人の捜査、処罰を求めたい")
    EXPERT = "expert", _("ネットトラブルの専門家に相談したい")
    REPORT = "report", _("違法・有害情報を通報したい")
    TALK = "talk", _("悩みや不安について話をしたい")


class Category(models.TextChoices):
    DEFAMATION = "defamation", _("誹謗中傷・名誉毀損・侮辱")
    PRIVACY = "privacy", _("プライバシー侵害（住所・電話番号等の晒し）")
    IMAGE_RIGHTS = "image_rights", _("写真・動画の無断掲載（肖像）")
    REVENGE_PORN = "revenge_porn", _("私事性的画像（リベンジポルノ）")
    BULLYING = "bullying", _("いじめ（いじめ動画・ネットいじめ）")
    THREAT = "threat", _("脅迫・殺害予告・爆破予告")
    DRUGS = "drugs", _("違法薬物の販売")
    OBSCENE = "obscene", _("違法なわいせつ画像")
    CSAM = "csam", _("児童ポルノ")
    WEAPONS = "weapons", _("爆発物・銃砲等の製造")
    CRIME_SOLICITATION = "crime_solicitation", _("殺人・強盗等の請負・仲介・誘引（闇バイト等）")
    SUICIDE_INDUCEMENT = "suicide_inducement", _("自殺の誘引・勧誘")
    FRAUD = "fraud", _("詐欺・悪質商法・架空請求")
    MALWARE_ACCESS = "malware_access", _("ウイルス・不正アクセス・乗っ取り")
    OTHER = "other", _("その他")


ILLEGAL_OR_HARMFUL = frozenset(
    {"drugs", "obscene", "csam", "weapons", "crime_solicitation", "suicide_inducement", "threat"}
)
RIGHTS_INFRINGEMENT = frozenset({"defamation", "privacy", "image_rights"})


class Flag(models.TextChoices):
    IMMINENT_DANGER = "imminent_danger", _("生命・身体に差し迫った危険")
    SUICIDAL = "suicidal", _("相談者自身に希死念慮がある")
    MINOR = "minor", _("当事者が子ども（18歳未満）")
    SCHOOL_RELATED = "school_related", _("学校・同級生が関わる")


class Action(models.TextChoices):
    ADVICE = "advice", _("助言")
    DELETION_REQUEST = "deletion_request", _("削除要請")
    PROVIDER_CONTACT = "provider_contact", _("プロバイダへの連絡")
    POLICE_REPORT = "police_report", _("警察への通報・情報提供")
    LEGAL_AID = "legal_aid", _("法律相談・法的支援")
    EMOTIONAL_SUPPORT = "emotional_support", _("心の相談")
    TECHNICAL_ADVICE = "technical_advice", _("技術的な相談")
    INVESTIGATION = "investigation", _("捜査")


class Audience(models.TextChoices):
    ALL = "all", _("どなたでも")
    CHILDREN = "children", _("子ども本人が相談できる")
    ADULTS = "adults", _("大人")


class Channel(models.TextChoices):
    IN_PERSON = "in_person", _("対面")
    PHONE = "phone", _("電話")
    EMAIL = "email", _("メール")
    CHAT = "chat", _("チャット")
    SNS = "sns", _("SNS")
    WEB_FORM = "web_form", _("Webフォーム")


class Platform(models.TextChoices):
    X = "x", "X"
    INSTAGRAM = "instagram", "Instagram"
    FACEBOOK = "facebook", "Facebook"
    LINE = "line", "LINE"
    TIKTOK = "tiktok", "TikTok"
    YOUTUBE = "youtube", "YouTube"
    BBS = "bbs", _("掲示板")
    BLOG = "blog", _("ブログ")
    GAME = "game", _("ゲーム")
    OTHER = "other", _("その他")


class AgeBand(models.TextChoices):
    UNDER_13 = "under_13", _("13歳未満")
    AGE_13_15 = "13_15", _("13〜15歳")
    AGE_16_18 = "16_18", _("16〜18歳")
    AGE_19_29 = "19_29", _("19〜29歳")
    AGE_30_49 = "30_49", _("30〜49歳")
    AGE_50_64 = "50_64", _("50〜64歳")
    AGE_65_PLUS = "65_plus", _("65歳以上")
    UNKNOWN = "unknown", _("不明")


class Consulter(models.TextChoices):
    SELF = "self", _("本人")
    GUARDIAN = "guardian", _("保護者")
    SCHOOL_STAFF = "school_staff", _("教職員")
    OTHER = "other", _("その他")


@deconstructible
class CodeListValidator:
    """Check that a JSON value is a list of distinct codes of one vocabulary."""

    def __init__(self, choices_path: str):
        self.choices_path = choices_path

    def _choices(self):
        from django.utils.module_loading import import_string

        return import_string(self.choices_path)

    def __call__(self, value):
        choices = self._choices()
        if not isinstance(value, list):
            raise ValidationError(_("コードの一覧で指定してください。"), code="not_a_list")
        unknown = [code for code in value if code not in choices.values]
        if unknown:
            raise ValidationError(
                _("不明なコードです: %(codes)s"),
                code="unknown_code",
                params={"codes": ", ".join(map(str, unknown))},
            )
        if len(set(value)) != len(value):
            raise ValidationError(_("同じコードが重複しています。"), code="duplicate_code")

    def __eq__(self, other):
        return isinstance(other, CodeListValidator) and other.choices_path == self.choices_path


def code_list_validator(choices: type[models.TextChoices]) -> CodeListValidator:
    return CodeListValidator(f"{choices.__module__}.{choices.__qualname__}")
