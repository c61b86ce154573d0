"""Digests reach an SMTP server through the real broker and worker of the deployed stack."""

import datetime
import email
import email.policy
import re
import time
from pathlib import Path

from tests.deployed.stack import manage

# The demo users with a desk; each has something due in the demo data, so each gets a digest.
DEMO_RECIPIENTS = {"counsellor@example.jp", "school@example.jp", "supervisor@example.jp"}
MESSAGE_ID = re.compile(r"<digest\.\d+\.(\d{8})@")
TOKYO = datetime.timezone(datetime.timedelta(hours=9))


def digests(mail_dir: Path) -> dict[tuple[str, str], email.message.EmailMessage]:
    """Return the digests in the sink by recipient and week (the period in the Message-ID)."""
    found = {}
    for path in mail_dir.glob("*.eml"):
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        period = MESSAGE_ID.match(message["Message-ID"] or "")
        if period:
            found[(str(message["To"]), period.group(1))] = message
    return found


def test_the_worker_delivers_the_demo_users_digests_to_the_smtp_server(stack):
    mail_dir = Path(stack["PROD_MAIL_DIR"])
    # Each digest is sent once per user and week, so ask for a week that has none yet: the
    # week after the latest in the sink (the worker sends the current one when it starts).
    weeks = {week for _to, week in digests(mail_dir)}
    latest = max(weeks) if weeks else datetime.date.today().strftime("%Y%m%d")
    week = datetime.datetime.strptime(latest, "%Y%m%d").date() + datetime.timedelta(days=7)
    monday = week - datetime.timedelta(days=week.weekday())
    at = datetime.datetime.combine(monday + datetime.timedelta(days=2), datetime.time(12), TOKYO)

    done = manage("sendreminders", "--queue", "--at", at.isoformat())

    assert done.returncode == 0, done.stderr
    assert "queued" in done.stdout
    wanted = {(to, f"{monday:%Y%m%d}") for to in DEMO_RECIPIENTS}
    deadline = time.monotonic() + 60
    while not wanted <= digests(mail_dir).keys() and time.monotonic() < deadline:
        time.sleep(0.5)
    arrived = digests(mail_dir)
    assert wanted <= arrived.keys(), f"{done.stdout.strip()}; in the sink: {sorted(arrived)}"
    for key in wanted:
        body = arrived[key].get_body(preferencelist=("plain",)).get_content()
        assert stack["SITE_URL"] in body, "the digest links to the deployed address"
