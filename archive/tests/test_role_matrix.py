"""Every admin URL × every role × GET and POST: who may use it is stated here, and obeyed.

The URLs come from the resolver (the admin site's own, every model's, and those that
django-reversion, reversion-compare, django-axes and the importer add), so a URL added
later fails `test_every_admin_url_has_a_rule` until RULES below says who may use it.
Article URLs follow `archive.publishing.RULES`; the other models follow the Django
permissions the role groups are given by the migrations.

A denied request must answer 403, 404 or Django's "does not exist" redirect to the
admin index, never a 5xx, and a denied POST must change nothing: no row, no revision,
no log entry. An allowed article POST with valid data must take effect.
"""

from dataclasses import dataclass

import pytest
import reversion
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser, Group
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.test import Client
from django.urls import URLResolver, reverse
from reversion.models import Revision, Version

from archive import publishing
from archive.models import Article
from archive.tests.factories import (
    ArticleFactory,
    ArticleTypeFactory,
    RegionFactory,
    SeriesFactory,
    ThemeFactory,
    TopicFactory,
    user_in_group,
)
from archive.tests.test_admin import article_form
from archive.tests.test_workflow import editing
from authors.models import Author
from authors.tests.factories import AuthorFactory, InstitutionFactory

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "contributor", "editor", "administrator"]
ARTICLE_KINDS = ["own draft", "others' draft", "others' published"]


def admin_urls():
    """{key: (route, model)} for every admin URL; the key is its name, or its route if nameless."""
    by_prefix = {f"{m._meta.app_label}/{m._meta.model_name}/": m for m in admin.site._registry}

    def walk(patterns, prefix, model):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                inner = by_prefix.get(str(pattern.pattern), model)
                yield from walk(pattern.url_patterns, route, inner)
            else:
                yield pattern.name or route, (route, model)

    return dict(walk(admin.site.get_urls(), "", None))


# Rules: may this case (a user, and for article URLs an article) use the URL?


@dataclass
class Case:
    role: str
    user: object
    article: object = None
    kind: str = ""

    def __str__(self):
        return f"{self.role} ({self.kind})" if self.kind else self.role


def staff(case):
    return case.user.is_active and case.user.is_staff


def anyone(case):
    return True


def nobody(case):
    return False


def perm(*names):
    """Django's model permissions: any one of `names` will do."""
    return lambda case: staff(case) and any(case.user.has_perm(name) for name in names)


def article_rule(action, *, on_article=True):
    """The publishing table's answer, for the case's article or for articles in general."""
    return lambda case: publishing.may(case.user, action, case.article if on_article else None)


def both(*rules):
    return lambda case: all(rule(case) for rule in rules)


@dataclass(frozen=True)
class Rule:
    get: object = None  # None: the URL takes no GET (or POST) worth testing
    post: object = None
    per_article: bool = False  # walked once for each kind of article
    post_takes_effect: bool = False  # an allowed POST (with valid data) must change something


def model_rules(app_label, model_name, *, versioned=False):
    """The URLs every registered model has, by its Django permissions."""
    view, add, change, delete = (
        f"{app_label}.{action}_{model_name}" for action in ("view", "add", "change", "delete")
    )
    name = f"{app_label}_{model_name}"
    rules = {
        f"{name}_changelist": Rule(get=perm(view, change)),
        f"{name}_add": Rule(get=perm(add), post=perm(add)),
        f"{name}_change": Rule(get=perm(view, change), post=perm(change)),
        f"{name}_history": Rule(get=perm(view, change)),
        f"{name}_delete": Rule(get=perm(delete), post=perm(delete), post_takes_effect=True),
        f"{app_label}/{model_name}/<path:object_id>/": Rule(get=staff),
    }
    if versioned:  # django-reversion's and reversion-compare's views
        recover = both(perm(add), perm(change))
        rules |= {
            f"{name}_compare": Rule(get=perm(view, change)),
            f"{name}_revision": Rule(get=perm(change), post=perm(change)),
            f"{name}_recoverlist": Rule(get=recover),
            f"{name}_recover": Rule(get=recover, post=recover),
        }
    return rules


ARTICLE_RULES = {
    "archive_article_changelist": Rule(
        get=article_rule("view", on_article=False),
        post=article_rule("publish"),  # the publish / unpublish actions
        per_article=True,
        post_takes_effect=True,
    ),
    "archive_article_add": Rule(
        get=article_rule("add"), post=article_rule("add"), post_takes_effect=True
    ),
    "archive_article_change": Rule(
        get=article_rule("view"),
        post=article_rule("change"),
        per_article=True,
        post_takes_effect=True,
    ),
    "archive_article_history": Rule(get=article_rule("view"), per_article=True),
    "archive_article_compare": Rule(get=article_rule("view"), per_article=True),
    "archive_article_delete": Rule(
        get=article_rule("delete"),
        post=article_rule("delete"),
        per_article=True,
        post_takes_effect=True,
    ),
    "archive_article_revision": Rule(
        get=article_rule("revert"),
        post=article_rule("revert"),
        per_article=True,
        post_takes_effect=True,
    ),
    "archive_article_recoverlist": Rule(get=article_rule("recover")),
    "archive_article_recover": Rule(
        get=article_rule("recover"), post=article_rule("recover"), post_takes_effect=True
    ),
    "archive_article_import": Rule(
        get=both(article_rule("add"), article_rule("change", on_article=False)),
        post=both(article_rule("add"), article_rule("change", on_article=False)),
    ),
    "archive/article/<path:object_id>/": Rule(get=staff, per_article=True),
}

RULES = {
    "index": Rule(get=staff),
    "login": Rule(get=anyone),
    "logout": Rule(post=staff),
    "password_change": Rule(get=staff, post=staff),
    "password_change_done": Rule(get=staff),
    "jsi18n": Rule(get=staff),
    "autocomplete": Rule(get=perm("archive.view_topic")),  # the article form's topics
    "view_on_site": Rule(get=article_rule("view"), per_article=True),  # an article's
    "app_list": Rule(get=lambda case: staff(case) and case.user.has_module_perms("archive")),
    "(?P<url>.*)$": Rule(get=nobody),  # the admin's 404 for any other address
    **ARTICLE_RULES,
    **model_rules("archive", "articletype"),
    **model_rules("archive", "series"),
    **model_rules("archive", "region"),
    **model_rules("archive", "theme"),
    **model_rules("archive", "topic"),
    **model_rules("authors", "author", versioned=True),
    **model_rules("authors", "institution"),
    **model_rules("auth", "user"),
    "auth_user_password_change": Rule(get=perm("auth.change_user"), post=perm("auth.change_user")),
    **model_rules("auth", "group"),
    **model_rules("axes", "accessattempt"),
    **model_rules("axes", "accesslog"),
    **model_rules("axes", "accessfailurelog"),
}
# django-axes' logs are written by logins, never by hand, even by a superuser.
for _name in ["axes_accessattempt_add", "axes_accesslog_add", "axes_accessfailurelog_add"]:
    RULES[_name] = Rule(get=nobody, post=nobody)

ADMIN_URLS = admin_urls()
LOGIN_URL = reverse("admin:login")
INDEX_URL = reverse("admin:index")


def test_every_admin_url_has_a_rule():
    """A URL the admin or a library adds later fails here until RULES says who may use it."""
    assert sorted(set(ADMIN_URLS) - set(RULES)) == [], "admin URLs with no rule"
    assert sorted(set(RULES) - set(ADMIN_URLS)) == [], "rules for URLs that no longer exist"


# The world every URL is tried in


def versioned(obj, field):
    """Two revisions, so there is an earlier one to compare with and revert to."""
    for suffix in ("", " (revised)"):
        with reversion.create_revision():
            setattr(obj, field, getattr(obj, field) + suffix)
            obj.save()
    return obj


def deleted_version(model, obj):
    obj.delete()
    return Version.objects.get_deleted(model).get()


@dataclass
class World:
    users: dict
    articles: dict
    objects: dict
    deleted: dict

    def cases(self, per_article):
        for role in ROLES:
            user = self.users.get(role, AnonymousUser())
            if not per_article:
                yield Case(role, user)
                continue
            for kind in ARTICLE_KINDS:
                yield Case(role, user, Article.objects.get(pk=self.articles[kind].pk), kind)


@pytest.fixture
def world():
    contributor = user_in_group("Contributors", "contributor")
    editor = user_in_group("Editors", "editor")
    articles = {
        "own draft": ArticleFactory(status="draft", published_at=None, created_by=contributor),
        "others' draft": ArticleFactory(status="draft", published_at=None, created_by=editor),
        "others' published": ArticleFactory(created_by=editor),
    }
    for article in articles.values():
        versioned(article, "title")
    attempt = {"username": "someone", "ip_address": "192.0.2.1", "user_agent": "matrix"}
    objects = {
        obj.__class__: obj
        for obj in [
            AccessAttempt.objects.create(**attempt, failures_since_start=1),
            AccessLog.objects.create(**attempt),
            AccessFailureLog.objects.create(**attempt),
            ArticleTypeFactory(name="Unused type"),
            SeriesFactory(),
            RegionFactory(),
            ThemeFactory(),
            TopicFactory(),
            versioned(AuthorFactory(), "name"),
            InstitutionFactory(),
            contributor,
            Group.objects.get(name="Contributors"),
        ]
    }
    return World(
        users={
            "contributor": contributor,
            "editor": editor,
            "administrator": user_in_group("Administrators", "administrator"),
        },
        articles=articles,
        objects=objects,
        deleted={
            Article: deleted_version(Article, versioned(ArticleFactory(), "title")),
            Author: deleted_version(Author, versioned(AuthorFactory(), "name")),
        },
    )


# Requests


def url_for(key, route, model, case, world):
    """A real address for the URL pattern, with the case's article or the model's object."""
    if key == "(?P<url>.*)$":
        return "/admin/no-such-page/"
    if key == "app_list":
        return reverse("admin:app_list", args=["archive"])
    if key == "autocomplete":
        query = "app_label=archive&model_name=article&field_name=topics&term=Topic"
        return f"{reverse('admin:autocomplete')}?{query}"
    if key == "view_on_site":
        content_type = ContentType.objects.get_for_model(Article)
        return reverse("admin:view_on_site", args=[content_type.pk, case.article.pk])
    if key == "auth_user_password_change":
        return reverse(f"admin:{key}", args=[world.users["contributor"].pk])
    obj = case.article if case.article is not None else world.objects.get(model)
    if key.endswith("_recover"):
        return reverse(f"admin:{key}", args=[world.deleted[model].pk])
    if key.endswith("_revision"):
        first = Version.objects.get_for_object(obj).order_by("pk").first()
        return reverse(f"admin:{key}", args=[obj.pk, first.pk])
    if key.endswith("_compare"):
        first, last = Version.objects.get_for_object(obj).order_by("pk")[:2]
        query = f"version_id1={first.pk}&version_id2={last.pk}"
        return f"{reverse(f'admin:{key}', args=[obj.pk])}?{query}"
    if "<path:object_id>" in route:
        if key == route:  # nameless: the old-style address that redirects to the change form
            return "/admin/" + route.replace("<path:object_id>", str(obj.pk))
        return reverse(f"admin:{key}", args=[obj.pk])
    return reverse(f"admin:{key}")


def post_data(key, case, world):
    """What the browser would send: valid forms for the article views, so that an allowed
    POST has an effect to look for."""
    article = case.article
    if key == "archive_article_changelist":
        action = "unpublish" if article.status == Article.Status.PUBLISHED else "publish"
        return {"action": action, "_selected_action": [article.pk]}
    if key == "archive_article_add":
        return article_form(title="Added by the matrix", slug="added-by-the-matrix")
    if key == "archive_article_change":
        return editing(article, title="Changed by the matrix")
    if key == "archive_article_revision":
        first = Version.objects.get_for_object(article).order_by("pk").first().field_dict
        return editing(article, title=first["title"], seen_version=str(first["version"]))
    if key == "archive_article_recover":
        fields = world.deleted[Article].field_dict
        return article_form(
            title=fields["title"],
            slug=fields["slug"],
            article_type=fields.get("article_type_id", fields.get("article_type")),
            seen_version=str(fields["version"]),
        )
    if key.endswith("_delete"):
        return {"post": "yes"}
    return {}


def fingerprint():
    """Everything a POST could change: each admin model's rows, revisions, log entries."""
    models = [*admin.site._registry, Revision, Version, LogEntry]
    return (
        [model._default_manager.count() for model in models],
        list(Article.objects.order_by("pk").values_list("pk", "version", "status")),
        list(world_users().values_list("pk", "password", "is_active")),
    )


def world_users():
    return get_user_model().objects.order_by("pk")


def verdict(key, method, case, allowed, response, changed, takes_effect):
    """What is wrong with this response, or None."""
    status, location = response.status_code, response.get("Location", "")
    if status >= 500:
        return f"server error {status}"
    to_login = status == 302 and location.startswith(LOGIN_URL)
    refused = status in (403, 404, 405) or (status == 302 and location == INDEX_URL)
    if method == "POST":
        # A POST's success may redirect anywhere, the index included: its effect decides.
        refused = status in (403, 404, 405) or to_login
        if changed and not allowed:
            return f"changed the database ({status} {location}) though the rule forbids it"
    if case.role == "anonymous" and key != "login":
        # Django sends a logged-out visitor's logout to the index, which asks for a login.
        bounced = to_login or (key == "logout" and location == INDEX_URL)
        return None if bounced else f"{status} {location}, not the login page"
    if not allowed:
        return None if method == "POST" or refused else f"allowed ({status} {location})"
    if refused and not (key == "login" and status == 302):
        return f"refused ({status} {location}) but the rule allows it"
    if method == "POST" and takes_effect and not changed:
        return f"answered {status} but changed nothing"
    return None


def run_case(key, method, case, world):
    route, model = ADMIN_URLS[key]
    rule = RULES[key]
    allowed = (rule.get if method == "GET" else rule.post)(case)
    client = Client()
    if case.role != "anonymous":
        client.force_login(case.user)
    url = url_for(key, route, model, case, world)
    before = fingerprint()
    data = post_data(key, case, world) if method == "POST" else None
    response = client.post(url, data) if method == "POST" else client.get(url)
    changed = fingerprint() != before
    problem = verdict(key, method, case, allowed, response, changed, rule.post_takes_effect)
    return f"{method} {url} as {case}: {problem}" if problem else None


@pytest.mark.parametrize("key", sorted(set(ADMIN_URLS) & set(RULES)))
def test_role_matrix(key, world):
    rule = RULES[key]
    problems = []
    for case in world.cases(rule.per_article):
        for method, check in (("GET", rule.get), ("POST", rule.post)):
            if check is None:
                continue
            with transaction.atomic():  # each request starts from the same world
                problems.append(run_case(key, method, case, world))
                transaction.set_rollback(True)
    assert not [p for p in problems if p], "\n".join(p for p in problems if p)
