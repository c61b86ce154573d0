"""The weekly check that each window's web site still answers.

HEAD first (GET when a server refuses HEAD), redirects followed and reported, a timeout on
every request, one request at a time per host and a few hosts at once. A failure to connect
anywhere at all means this server cannot reach out, not that every site is down: the run
says so once and leaves the windows as they were. The result is shown to admins and never
changes what is suggested.
"""

import logging
import socket
import urllib.error
import urllib.request
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from catalogue.models import LinkCheckRun, LinkStatus, Service

logger = logging.getLogger(__name__)

USER_AGENT = "Tsunagu-link-check/1.0 (+consultation desk catalogue)"
OFFLINE_MESSAGE = "このサーバーからどのサイトにも接続できませんでした。ネットワークの設定を確認してください（窓口の状態は変更していません）。"


@dataclass(frozen=True)
class LinkResult:
    status: str
    detail: str
    # Whether any server answered at all: what tells "the site is down" from "we are offline".
    answered: bool


def _request(url: str, method: str, timeout: float):
    request = urllib.request.Request(url, method=method, headers={"User-Agent": USER_AGENT})
    return urllib.request.urlopen(request, timeout=timeout)


def check_url(url: str, *, timeout: float) -> LinkResult:
    """Check one address: HEAD, then GET if the server will not answer HEAD."""
    if urlsplit(url).scheme not in ("http", "https"):
        return LinkResult(LinkStatus.BROKEN, "http/https 以外のアドレスです", answered=False)
    for method in ("HEAD", "GET"):
        try:
            with _request(url, method, timeout) as response:
                final = response.url
        except urllib.error.HTTPError as error:
            if method == "HEAD" and error.code in (403, 405, 501):
                continue
            return LinkResult(LinkStatus.BROKEN, f"HTTP {error.code}", answered=True)
        except TimeoutError:
            return LinkResult(LinkStatus.DOWN, f"{timeout:g}秒以内に応答がありません", False)
        except urllib.error.URLError as error:
            if isinstance(error.reason, TimeoutError | socket.timeout):
                return LinkResult(LinkStatus.DOWN, f"{timeout:g}秒以内に応答がありません", False)
            return LinkResult(LinkStatus.DOWN, f"接続できません（{error.reason}）", False)
        except (OSError, ValueError) as error:
            return LinkResult(LinkStatus.DOWN, f"接続できません（{error}）", False)
        if final != url:
            return LinkResult(LinkStatus.REDIRECTED, f"転送先: {final}"[:300], answered=True)
        return LinkResult(LinkStatus.OK, "", answered=True)
    return LinkResult(LinkStatus.BROKEN, "HEAD と GET のどちらにも応答しません", answered=True)


def _check_host(urls: list[str], timeout: float) -> dict[str, LinkResult]:
    return {url: check_url(url, timeout=timeout) for url in urls}


def link_check_run() -> LinkCheckRun:
    """Check every active window's site and record what was found."""
    run = LinkCheckRun.objects.create(started_at=timezone.now())
    windows = list(Service.objects.active().exclude(url="").values_list("id", "url"))
    by_host: dict[str, list[str]] = defaultdict(list)
    for url in {url for _id, url in windows}:
        by_host[urlsplit(url).netloc.lower()].append(url)
    timeout = settings.LINK_CHECK_TIMEOUT_SECONDS
    results: dict[str, LinkResult] = {}
    with ThreadPoolExecutor(max_workers=settings.LINK_CHECK_CONCURRENCY) as pool:
        for found in pool.map(lambda urls: _check_host(urls, timeout), by_host.values()):
            results.update(found)
    now = timezone.now()
    with transaction.atomic():
        if results and not any(result.answered for result in results.values()):
            logger.warning("link check: no site answered; this server cannot reach out")
            run.offline, run.message = True, OFFLINE_MESSAGE
        else:
            for service_id, url in windows:
                result = results[url]
                # An update, not a save: the check is not an editorial change to the window.
                Service.objects.filter(pk=service_id).update(
                    link_status=result.status, link_detail=result.detail, link_checked_at=now
                )
            run.failed = sum(
                1
                for _id, url in windows
                if results[url].status in (LinkStatus.BROKEN, LinkStatus.DOWN)
            )
            run.message = f"{len(windows)}件を確認し、{run.failed}件に問題がありました。"
        run.checked = len(windows)
        run.finished_at = now
        run.save()
    return run
