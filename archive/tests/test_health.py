"""Probes a load balancer relies on: honest, uncached, and reachable by its plain-http IP."""

import json

import pytest
from django.db import OperationalError, connection
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def production_hosts(settings):
    settings.ALLOWED_HOSTS = ["archive.example.org"]
    settings.SECURE_SSL_REDIRECT = True
    return settings


def test_liveness_answers_with_a_small_uncached_json_body(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store"
    assert json.loads(response.content) == {"status": "ok", "checks": {"process": "ok"}}


def test_readiness_names_each_check(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    body = json.loads(response.content)
    checks = {"database": "ok", "cache": "ok", "search": "built on first search"}
    assert body == {"status": "ok", "checks": checks}


def test_head_gets_the_status_without_a_body(client):
    for path in ("/healthz", "/readyz"):
        response = client.head(path)
        assert response.status_code == 200
        assert response.content == b""


def test_probes_answer_a_balancer_addressing_the_node_by_ip_over_http(production_hosts):
    balancer = Client(HTTP_HOST="10.0.3.7:8000")
    for path in ("/healthz", "/readyz"):
        response = balancer.get(path)
        assert response.status_code == 200, path  # not 400 for the host, not 301 to https


def test_other_pages_keep_the_host_check_and_the_https_redirect(production_hosts):
    assert Client(HTTP_HOST="10.0.3.7:8000").get("/").status_code == 400
    response = Client(HTTP_HOST="archive.example.org").get("/")
    assert response.status_code == 301
    assert response["Location"].startswith("https://archive.example.org/")


def test_readiness_fails_with_503_when_the_database_is_gone(client):
    def refuse(execute, sql, params, many, context):
        raise OperationalError("connection refused")

    with connection.execute_wrapper(refuse):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response["Cache-Control"] == "no-store"
    body = json.loads(response.content)
    checks = {"database": "unavailable", "cache": "ok", "search": "unknown"}
    assert body == {"status": "unavailable", "checks": checks}


def test_readiness_fails_with_503_when_the_cache_is_gone(client, monkeypatch):
    from django.core.cache import cache

    def broken(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(cache, "get", broken)
    response = client.get("/readyz")
    assert response.status_code == 503
    checks = {"database": "ok", "cache": "unavailable", "search": "built on first search"}
    assert json.loads(response.content)["checks"] == checks


def test_readiness_reads_the_database_and_writes_nothing(client, django_assert_num_queries):
    with django_assert_num_queries(1) as queries:
        assert client.get("/readyz").status_code == 200
    assert queries.captured_queries[0]["sql"].strip().upper() == "SELECT 1"


def test_probes_refuse_other_methods(client):
    response = client.post("/readyz")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
