"""Response headers scored by the Mozilla HTTP Observatory's published table.

The table is "HTTP Observatory Scoring Methodology / Tests and Score Modifiers"
(developer.mozilla.org/en-US/observatory/docs/tests_and_scoring; the scanner's
src/grader/charts.js in mdn/mdn-http-observatory holds the same numbers). Its scanner
downloads certificate lists when installed, so it cannot run here: each rule below is
encoded from the table, under the name the table gives it. Scoring: start at 100,
subtract the penalties; only if that is 90 or more, add the bonuses.

Plain HTTP cannot have HSTS, an HTTPS redirect or Secure cookies, so those tests are
left out there; behind TLS (BEHIND_TLS_PROXY=1 and X-Forwarded-Proto: https) every
test counts.
"""

import re
from html.parser import HTMLParser
from http.cookies import SimpleCookie

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from archive.tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

PRIVATE_REFERRERS = {
    "no-referrer",
    "same-origin",
    "strict-origin",
    "strict-origin-when-cross-origin",
}
UNSAFE_REFERRERS = {
    "origin",
    "origin-when-cross-origin",
    "no-referrer-when-downgrade",
    "unsafe-url",
}
BROAD_SOURCES = {
    "ftp:",
    "http:",
    "https:",
    "*",
    "http://*",
    "http://*.*",
    "https://*",
    "https://*.*",
}
UNSAFE_INLINE = {"'unsafe-inline'", "data:"}
SIX_MONTHS = 15_768_000


def parse_csp(header):
    policy = {}
    for directive in filter(None, (part.strip() for part in header.split(";"))):
        name, *sources = directive.split()
        policy.setdefault(name.lower(), {source.lower() for source in sources})
    return policy


def csp_modifier(headers):
    """Content Security Policy."""
    if "Content-Security-Policy" not in headers:
        return "csp-not-implemented", -25
    csp = parse_csp(headers["Content-Security-Policy"])
    default = csp.get("default-src", {"*"})
    script = csp.get("script-src", default)
    objects = csp.get("object-src", default)
    style = csp.get("style-src", default)
    if script & (BROAD_SOURCES | UNSAFE_INLINE) or objects & BROAD_SOURCES:
        return "csp-implemented-with-unsafe-inline", -20
    if "'unsafe-eval'" in script | style:
        return "csp-implemented-with-unsafe-eval", -10
    if style & (BROAD_SOURCES | UNSAFE_INLINE):
        return "csp-implemented-with-unsafe-inline-in-style-src-only", 0
    form_action = csp.get("form-action", {"*"})
    if default == {"'none'"} and form_action <= {"'none'", "'self'"}:
        return "csp-implemented-with-no-unsafe-default-src-none", 10
    return "csp-implemented-with-no-unsafe", 5


def cookies_modifier(response, tls):
    """Cookies."""
    cookies = SimpleCookie()
    for header in response.headers.get("Set-Cookie", "").split("\n"):
        cookies.load(header)
    cookies.update(response.cookies)
    if not cookies:
        return "cookies-not-found", 0
    for name, morsel in cookies.items():
        session = "session" in name.lower()
        if tls and not morsel["secure"]:
            return (
                ("cookies-session-without-secure-flag", -40)
                if session
                else (
                    "cookies-without-secure-flag",
                    -20,
                )
            )
        if session and not morsel["httponly"]:
            return "cookies-session-without-httponly-flag", -30
        if morsel["samesite"] and morsel["samesite"].lower() not in {"strict", "lax"}:
            return "cookies-samesite-flag-invalid", -20
        if "csrf" in name.lower() and not morsel["samesite"]:
            return "cookies-anticsrf-without-samesite-flag", -20
    if all(morsel["samesite"] for morsel in cookies.values()):
        return "cookies-secure-with-httponly-sessions-and-samesite", 5
    return "cookies-secure-with-httponly-sessions", 0


def cors_modifier(headers):
    """Cross-origin Resource Sharing (CORS)."""
    origin = headers.get("Access-Control-Allow-Origin")
    if origin is None:
        return "cross-origin-resource-sharing-not-implemented", 0
    if origin != "*" and headers.get("Access-Control-Allow-Credentials", "").lower() == "true":
        return "cross-origin-resource-sharing-implemented-with-universal-access", -50
    return "cross-origin-resource-sharing-implemented-with-public-access", 0


def referrer_modifier(headers):
    """Referrer Policy: the last value a browser understands applies."""
    values = [v.strip().lower() for v in headers.get("Referrer-Policy", "").split(",") if v]
    known = [v for v in values if v in PRIVATE_REFERRERS | UNSAFE_REFERRERS]
    if not values:
        return "referrer-policy-not-implemented", 0
    if not known:
        return "referrer-policy-header-invalid", -5
    if known[-1] in PRIVATE_REFERRERS:
        return "referrer-policy-private", 5
    return "referrer-policy-unsafe", -5


def hsts_modifier(headers):
    """HTTP Strict Transport Security (HSTS). Preloading (+5) needs the browsers' list."""
    match = re.search(r"max-age=(\d+)", headers.get("Strict-Transport-Security", ""))
    if not match:
        return "hsts-not-implemented", -20
    if int(match.group(1)) < SIX_MONTHS:
        return "hsts-implemented-max-age-less-than-six-months", -10
    return "hsts-implemented-max-age-at-least-six-months", 0


class ScriptSources(HTMLParser):
    def __init__(self):
        super().__init__()
        self.scripts = []

    def handle_starttag(self, tag, attrs):
        if tag == "script" and dict(attrs).get("src"):
            self.scripts.append(dict(attrs))


def sri_modifier(response):
    """Subresource Integrity."""
    if not response["Content-Type"].startswith("text/html"):
        return "sri-not-implemented-response-not-html", 0
    parser = ScriptSources()
    parser.feed(response.content.decode())
    if not parser.scripts:
        return "sri-not-implemented-but-no-scripts-loaded", 0
    external = [s for s in parser.scripts if re.match(r"^(https?:)?//", s["src"])]
    if any(s["src"].startswith("http:") for s in external):
        return "sri-not-implemented-and-external-scripts-not-loaded-securely", -50
    if external and not all("integrity" in s for s in external):
        return "sri-not-implemented-but-external-scripts-loaded-securely", -5
    if external:
        return "sri-implemented-and-external-scripts-loaded-securely", 5
    return "sri-not-implemented-but-all-scripts-loaded-from-secure-origin", 0


def xcto_modifier(headers):
    """X-Content-Type-Options."""
    if "X-Content-Type-Options" not in headers:
        return "x-content-type-options-not-implemented", -5
    if headers["X-Content-Type-Options"].strip().lower() != "nosniff":
        return "x-content-type-options-header-invalid", -5
    return "x-content-type-options-nosniff", 0


def xfo_modifier(headers):
    """X-Frame-Options: the CSP's frame-ancestors does the job and earns the bonus."""
    if "frame-ancestors" in parse_csp(headers.get("Content-Security-Policy", "")):
        return "x-frame-options-implemented-via-csp", 5
    value = headers.get("X-Frame-Options", "").strip().upper()
    if not value:
        return "x-frame-options-not-implemented", -20
    if value in {"DENY", "SAMEORIGIN"}:
        return "x-frame-options-sameorigin-or-deny", 0
    return "x-frame-options-header-invalid", -20


def isolation_modifier(headers, header, strong, weak):
    """Cross Origin Resource, Opener and Embedder Policies share one shape."""
    slug = header.lower()
    value = headers.get(header)
    if value is None:
        return f"{slug}-not-implemented", 0
    value = value.split(";")[0].strip().lower()
    if value in strong:
        return f"{slug}-implemented-with-{value}", 10
    if value in weak:
        return f"{slug}-implemented-with-{value}", 0
    return f"{slug}-header-invalid", -5


def observatory_score(response, tls, redirect=None):
    """(score, {test: (result, modifier)}) for one response, as the table scores it."""
    headers = response.headers
    results = {
        "csp": csp_modifier(headers),
        "cookies": cookies_modifier(response, tls),
        "cors": cors_modifier(headers),
        "referrer": referrer_modifier(headers),
        "sri": sri_modifier(response),
        "xcto": xcto_modifier(headers),
        "xfo": xfo_modifier(headers),
        "corp": isolation_modifier(
            headers, "Cross-Origin-Resource-Policy", {"same-origin", "same-site"}, {"cross-origin"}
        ),
        "coop": isolation_modifier(
            headers,
            "Cross-Origin-Opener-Policy",
            {"same-origin", "same-origin-allow-popups", "noopener-allow-popups"},
            {"unsafe-none"},
        ),
        "coep": isolation_modifier(
            headers,
            "Cross-Origin-Embedder-Policy",
            {"require-corp", "credentialless"},
            {"unsafe-none"},
        ),
    }
    if tls:
        results["hsts"] = hsts_modifier(headers)
        location = redirect.headers.get("Location", "") if redirect else ""
        results["redirection"] = (
            ("redirection-to-https", 0)
            if redirect is not None
            and redirect.status_code in (301, 302, 307, 308)
            and location.startswith("https://testserver/")
            else ("redirection-missing", -20)
        )
    penalties = sum(m for _, m in results.values() if m < 0)
    bonuses = sum(m for _, m in results.values() if m > 0)
    score = 100 + penalties
    return (score + bonuses if score >= 90 else score), results


TLS = {
    "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
    "SECURE_SSL_REDIRECT": True,
    "SECURE_HSTS_SECONDS": 31_536_000,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
    "SECURE_HSTS_PRELOAD": True,
}
PAGES = ["/", "/search/?q=india", "/admin/login/"]


@pytest.fixture
def archive():
    ArticleFactory(title="India and the Quad")


@pytest.mark.parametrize("path", PAGES)
def test_plain_http_scores_at_least_100(client, archive, path):
    score, results = observatory_score(client.get(path), tls=False)
    assert score >= 100, results


@pytest.mark.parametrize("path", PAGES)
def test_behind_tls_the_site_scores_at_least_110(archive, path):
    with override_settings(**TLS):
        client = Client()  # its middleware reads the TLS settings when first used
        redirect = client.get(path)
        response = client.get(path, headers={"X-Forwarded-Proto": "https"})
    assert response.status_code == 200
    score, results = observatory_score(response, tls=True, redirect=redirect)
    assert score >= 110, results


def test_the_policy_allows_no_inline_script_or_style_and_no_framing(client, archive):
    csp = parse_csp(client.get("/").headers["Content-Security-Policy"])
    assert csp["default-src"] == {"'none'"}
    assert csp["script-src"] == {"'self'"}
    assert csp["style-src"] == {"'self'"}
    assert csp["object-src"] == {"'none'"}
    assert csp["base-uri"] <= {"'none'", "'self'"}
    assert csp["frame-ancestors"] == {"'none'"}
    assert csp["form-action"] == {"'self'"}


@pytest.mark.parametrize(
    "url",
    ["/", "/feed/", reverse("archive:api_search"), "/sitemap.xml", "/no-such-page/"],
)
def test_every_response_carries_the_isolation_headers(client, archive, url):
    headers = client.get(url).headers
    assert "camera=()" in headers["Permissions-Policy"]
    assert headers["Cross-Origin-Resource-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "Content-Security-Policy" in headers


def test_no_template_holds_inline_script_or_style():
    """Inline code would need 'unsafe-inline'; JSON-LD is data and is allowed."""
    from pathlib import Path

    from django.conf import settings

    offenders = []
    for template in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        text = template.read_text()
        for pattern in (r"<style", r"\sstyle=", r"\son[a-z]+=", r"javascript:"):
            if re.search(pattern, text):
                offenders.append((template.name, pattern))
        for tag in re.findall(r"<script[^>]*>", text):
            if "src=" not in tag and "application/ld+json" not in tag:
                offenders.append((template.name, tag))
    assert offenders == []
