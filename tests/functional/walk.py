"""Walk every page a role can reach, in a real browser, and record what the browser saw.

Shared by the functional suite (``live_server``) and the deployed tests (gunicorn with
DEBUG=false): the walk starts at the home page, follows every link and every GET form of this
origin once per route, and adds the pages a role must always reach. Everything the pages ask
for is recorded: each request (to find any other origin), each answer of 500 or more, each
console error and uncaught script error, and each Content-Security-Policy violation the
document reports.
"""

from collections import deque
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.urls import Resolver404, resolve

# Routes that download a file or change state when followed; the walk never opens them.
NOT_WALKED = {
    "logout",
    "set_language",
    "healthz",
    "csp-report",
    "cases:export",
    "cases:audit-export",
    "stats:export",
    "schema",
    "stats-csv",
    "stats-xlsx",
}

# The pages each role must reach. The walk finds them from the menu and the pages it links to;
# listing them makes a menu or link that disappears fail the walk rather than shrink it.
MUST_REACH = {
    "counsellor": {
        "home",
        "triage:triage",
        "catalogue:list",
        "catalogue:detail",
        "followups:week",
        "followups:settings",
        "cases:list",
        "cases:new",
        "cases:detail",
        "cases:edit",
        "cases:slip",
        "api-docs",
    },
    "supervisor": {
        "home",
        "triage:triage",
        "catalogue:list",
        "followups:week",
        "cases:list",
        "cases:detail",
        "cases:slip",
        "stats:dashboard",
        "stats:national",
        "cases:audit",
        "api-docs",
    },
    "admin": {
        "home",
        "admin:index",
        "admin:catalogue_service_changelist",
        "admin:catalogue_service_change",
        "admin:catalogue_evidenceitem_changelist",
        "admin:cases_case_changelist",
        "api-docs",
    },
}

# The admin site is not crawled (its every model and action would be); these are its pages
# that the walk opens, and the change form of the first row of the catalogue list.
ADMIN_PAGES = [
    "/admin/",
    "/admin/catalogue/service/",
    "/admin/catalogue/evidenceitem/",
    "/admin/cases/case/",
]
ADMIN_FOLLOW = {"admin:catalogue_service_changelist": "admin:catalogue_service_change"}
# Pages no menu or page links to, opened by address.
ALWAYS = ["/api/v1/docs/"]
UNLINKED: dict[str, list[str]] = {}
# Pages whose content arrives after the load event: the walk waits for it before moving on.
LOADED_WHEN = {"api-docs": ".swagger-ui .opblock"}

# Every violation the document sees reaches Python at once, wherever the page goes next.
VIOLATION_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__tsunaguViolation({
    directive: event.effectiveDirective,
    blocked: event.blockedURI,
    page: event.documentURI,
    source: event.sourceFile,
    line: event.lineNumber,
  });
});
"""

LINKS_AND_GET_FORMS = """
() => {
  const urls = Array.from(document.querySelectorAll("a[href]"), (a) => a.href);
  for (const form of document.querySelectorAll("form")) {
    if ((form.getAttribute("method") || "get").toLowerCase() !== "get") continue;
    const url = new URL(form.action, document.baseURI);
    url.search = new URLSearchParams(new FormData(form)).toString();
    urls.push(url.href);
  }
  return urls;
}
"""


@dataclass
class Walk:
    """What one role's walk visited and what went wrong on the way."""

    origin: str
    visited: dict[str, str] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    server_errors: list[str] = field(default_factory=list)
    bad_pages: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    violations: list[dict] = field(default_factory=list)
    inaccessible: list[str] = field(default_factory=list)

    def watch(self, context) -> None:
        """Record every request, answer, console error and violation of the context's pages."""
        context.expose_function("__tsunaguViolation", lambda v: self.violations.append(v))
        context.add_init_script(VIOLATION_LISTENER)
        context.on("request", self._request)
        context.on("response", self._response)
        context.on("requestfailed", lambda r: self.failed.setdefault(r.url, r.failure or ""))
        context.on("console", self._console)
        context.on("weberror", lambda error: self.console_errors.append(str(error.error)))

    def _request(self, request) -> None:
        url = request.url
        self.requests.append(url)
        if urlsplit(url).scheme in {"data", "blob", "about"}:
            return
        if origin_of(url) != self.origin:
            self.foreign.append(url)

    def _response(self, response) -> None:
        if response.status >= 500:
            self.server_errors.append(f"{response.status} {response.url}")

    def _console(self, message) -> None:
        if message.type == "error":
            self.console_errors.append(f"{message.text} ({message.location.get('url', '')})")

    def problems(self) -> list[str]:
        """Say everything that went wrong, one line each; empty when the walk was clean."""
        return [
            *(f"page did not answer 200: {line}" for line in self.bad_pages),
            *(f"server error: {line}" for line in self.server_errors),
            *(f"request to another origin: {url}" for url in self.foreign),
            *(f"console error: {line}" for line in self.console_errors),
            *(f"CSP violation: {violation}" for violation in self.violations),
            *(f"accessibility: {line}" for line in self.inaccessible),
        ]


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def route_of(url: str) -> str | None:
    """Name the route of a path of this site, or None for a path no route matches."""
    try:
        match = resolve(urlsplit(url).path)
    except Resolver404:
        return None
    return match.view_name


def sign_in(page, base_url: str, username: str, password: str) -> None:
    """Sign in through the login form, as a person would."""
    page.goto(base_url + "/login/")
    page.get_by_label("ユーザー名").fill(username)
    page.get_by_label("パスワード").fill(password)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_url(base_url + "/")


def walk_site(
    browser,
    base_url: str,
    username: str,
    password: str,
    role: str,
    check_page=None,
) -> Walk:
    """Sign in as the user and open every page they can reach, recording what the browser saw.

    ``check_page(page)``, when given, runs on each page and returns lines of problems (the
    functional suite's axe-core run).
    """
    walk = Walk(origin=origin_of(base_url))
    context = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo")
    context.set_default_timeout(20_000)
    try:
        walk.watch(context)
        page = context.new_page()
        sign_in(page, base_url, username, password)
        paths = ["/", *ALWAYS, *UNLINKED.get(role, [])]
        queue = deque(base_url + path for path in paths)
        while queue:
            url = queue.popleft()
            route = route_of(url)
            if route is None or route in walk.visited or route in NOT_WALKED:
                continue
            walk.visited[route] = url
            response = page.goto(url)
            if response is None or response.status != 200:
                status = response.status if response else "no response"
                walk.bad_pages.append(f"{status} {url}")
                continue
            if route in LOADED_WHEN:
                page.locator(LOADED_WHEN[route]).first.wait_for()
            if check_page is not None:
                walk.inaccessible.extend(f"{route}: {line}" for line in check_page(page))
            if route.startswith("admin:"):
                follow = ADMIN_FOLLOW.get(route)
                if follow:
                    queue.extend(
                        link
                        for link in page.eval_on_selector_all(
                            "#result_list a[href]", "links => links.map(a => a.href)"
                        )
                        if route_of(link) == follow
                    )
                continue
            for link in page.evaluate(LINKS_AND_GET_FORMS):
                if origin_of(link) != walk.origin or route_of(link) in walk.visited:
                    continue
                queue.append(link)
                if route_of(link) == "admin:index":
                    queue.extend(base_url + path for path in ADMIN_PAGES)
    finally:
        context.close()
    return walk
