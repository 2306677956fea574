"""Errors from every layer are problem+json: gunicorn alone (the app's limits answer below gunicorn's),
and the compose proxy (Debian's nginx with docker/nginx.conf.template) in front of it."""

from __future__ import annotations

import http
import json
import re

import pytest

from tests.deploy_support import free_port, wait_for
from tests.serving import NGINX_TEMPLATE, Nginx, nginx_binary, parse_response, raw_request, start_gunicorn

PROBLEM = "application/problem+json"
needs_nginx = pytest.mark.skipif(nginx_binary() is None,
                                 reason="Debian's nginx is not installed (apt-get install nginx-light)")


def request(target: str = "/healthz", headers: str = "") -> bytes:
    return f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n{headers}\r\n".encode()


def problem_of(raw: bytes, status: int) -> dict:
    code, headers, body = parse_response(raw)
    assert (code, headers.get("content-type")) == (status, PROBLEM), raw[:300]
    problem = json.loads(body)
    assert problem["status"] == status and problem["type"] == "about:blank" and problem["detail"]
    return problem


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    root = tmp_path_factory.mktemp("proxy")
    server = start_gunicorn({"DATABASE_URL": f"sqlite:///{root / 'db.sqlite3'}", "TRUSTED_PROXIES": "1"}, root)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def proxy(api):
    if nginx_binary() is None:
        pytest.skip("Debian's nginx is not installed (apt-get install nginx-light)")
    with Nginx(f"127.0.0.1:{api.port}") as nginx:
        yield nginx


def test_gunicorn_alone_long_request_target_is_414_problem(api):
    problem_of(raw_request(api.port, request("/" + "a" * 5000)), 414)


def test_gunicorn_alone_long_header_is_431_problem(api):
    problem_of(raw_request(api.port, request(headers=f"X-Padding: {'b' * 9000}\r\n")), 431)


def test_gunicorn_alone_many_headers_is_431_problem(api):
    many = "".join(f"X-Extra-{n}: 1\r\n" for n in range(150))
    problem_of(raw_request(api.port, request(headers=many)), 431)


def test_proxy_template_error_pages_are_problems_of_their_status():
    pages = re.findall(r"location = /_proxy_problems/(\d+) \{ internal; return (\d+) '(.*)\\n'; \}",
                       NGINX_TEMPLATE.read_text())
    assert len(pages) >= 11
    for name, status, body in pages:
        problem = json.loads(body)
        assert int(name) == int(status) == problem["status"]
        assert problem["title"] == http.HTTPStatus(problem["status"]).phrase  # as the app's problem()


@needs_nginx
def test_proxy_config_passes_nginx_test():
    nginx = Nginx("127.0.0.1:1")
    try:
        checked = nginx.check()
    finally:
        nginx.stop()  # removes its directory
    assert checked.returncode == 0, checked.stderr


def test_proxy_long_request_line_is_414_problem_from_nginx(proxy):
    raw = raw_request(proxy.port, request("/" + "a" * 9000))
    assert "line" in problem_of(raw, 414)["detail"] and b"Server: nginx" in raw


def test_proxy_long_header_is_431_problem_from_nginx(proxy):
    raw = raw_request(proxy.port, request(headers=f"X-Padding: {'b' * 9000}\r\n"))
    assert "8 KiB" in problem_of(raw, 431)["detail"]


def test_proxy_malformed_request_is_400_problem(proxy):
    problem_of(raw_request(proxy.port, b"NOT HTTP AT ALL\r\n\r\n"), 400)


def test_proxy_body_over_max_content_length_is_413_problem_before_upstream(proxy):
    head = b"POST /api/v1/actors HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
    problem_of(raw_request(proxy.port, head + b"Content-Length: 4194305\r\n\r\n"), 413)


def test_proxy_passes_the_apps_own_problems_unchanged(proxy):
    problem = problem_of(raw_request(proxy.port, request("/no-such-page")), 404)
    assert problem["instance"] == "/no-such-page"  # written by the app, not by nginx


def test_proxy_forwards_the_client_not_what_it_claims(proxy, api):
    # The request id marks this request's access line (a query would be a 400: /healthz takes none).
    raw = raw_request(proxy.port, request("/healthz", "X-Forwarded-For: 203.0.113.9\r\nX-Request-ID: probe-xff\r\n"))
    assert parse_response(raw)[0] == 200

    def logged():  # gunicorn writes the access line after the answer
        lines = [json.loads(line) for line in api.stdout.read_text().splitlines() if "probe-xff" in line]
        return [entry for entry in lines if entry.get("request_id") == "probe-xff"]

    assert [line["remote_addr"] for line in wait_for(logged, 10, "the access log line")] == ["127.0.0.1"]


@needs_nginx
def test_proxy_with_api_down_is_502_problem():
    with Nginx(f"127.0.0.1:{free_port()}") as nginx:
        problem_of(raw_request(nginx.port, request()), 502)
