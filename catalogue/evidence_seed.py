"""The evidence-preservation checklist a fresh install ships; admins edit it afterwards."""

ITEMS = [
    (
        "always",
        "問題の投稿・画像のURL（アドレス）を控える",
        "Note the URL (address) of the post or image",
    ),
    (
        "always",
        "投稿された日時と、見つけた日時を控える",
        "Note the date and time of the post and when you found it",
    ),
    (
        "always",
        "投稿者のアカウント名・IDを控える",
        "Note the poster's account name or ID",
    ),
    (
        "always",
        "URL・日時・アカウント名が一緒に写るスクリーンショットを撮り、印刷して保管する",
        "Take screenshots that show the URL, the date and time and the account name, "
        "and keep a printed copy",
    ),
    (
        "always",
        "相手に連絡したり自分で消したりする前に、まず記録する",
        "Record it all before contacting the poster or deleting anything yourself",
    ),
    (
        "deletion",
        "X・Instagram・YouTubeなど指定された大規模プラットフォームは、削除の申出から7日以内に"
        "回答する義務があります。申出をした日を控えましょう",
        "A designated large platform (X, Instagram, YouTube and others) must answer a deletion "
        "request within 7 days: note the day you sent it",
    ),
    (
        "disclosure",
        "投稿者を特定する手続（発信者情報開示）は急ぎましょう。プロバイダのアクセスログは"
        "数か月（3〜6か月ほど）しか残りません",
        "A request to identify the poster cannot wait: providers keep access logs only for a "
        "few months (about 3 to 6)",
    ),
    (
        "csam",
        "画像や動画をコピー・保存・転送しない（持っているだけで罪になることがあります）",
        "Do not copy, save or forward the image or video (holding it can itself be a crime)",
    ),
    (
        "csam",
        "見つけた場所のURLと日時だけを控える",
        "Note only the URL where it was found and the date and time",
    ),
    (
        "csam",
        "警察、インターネット・ホットラインセンター、セーフラインに通報する",
        "Report it to the police, the Internet Hotline Center and Safeline",
    ),
    (
        "csam",
        "子どもを責めない。児童相談所（189）にも相談できます",
        "Do not blame the child; the child guidance centre (189) can help too",
    ),
]


def load_items(item_model) -> int:
    """Create the checklist if it is empty; return how many items were created."""
    if item_model.objects.exists():
        return 0
    item_model.objects.bulk_create(
        item_model(applies=applies, text=text, text_en=text_en, position=index * 10)
        for index, (applies, text, text_en) in enumerate(ITEMS, start=1)
    )
    return len(ITEMS)
