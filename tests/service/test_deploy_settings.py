"""Deployment settings: ``check --deploy`` run for real is clean with TAIZHANG_HTTPS=1 and DEBUG off; HTTPS turns
on HSTS, secure cookies and the redirect; sessions last one working day; each setting follows its variable."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.test import Client, override_settings
from django.urls import reverse


def run(env: dict, *args: str) -> subprocess.CompletedProcess:
    full = {k: v for k, v in os.environ.items() if not k.startswith("TAIZHANG_")}
    full.update({"DJANGO_SETTINGS_MODULE": "taizhang.service.settings", **env})
    return subprocess.run([sys.executable, *args], env=full, capture_output=True, text=True, timeout=120)


def settings_under(env: dict, *names: str) -> dict:
    code = ("import json, django; django.setup(); from django.conf import settings as s; "
            f"print(json.dumps({{n: str(getattr(s, n, None)) for n in {list(names)!r}}}))")
    proc = run(env, "-c", code)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.mark.slow  # two Django start-ups in subprocesses
def test_check_deploy_is_clean_with_https_on(tmp_path):
    env = {"TAIZHANG_HOME": str(tmp_path), "TAIZHANG_HTTPS": "1", "TAIZHANG_DEBUG": "0"}
    proc = run(env, "-m", "django", "check", "--deploy", "--fail-level", "WARNING")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "System check identified no issues (0 silenced)." in proc.stdout
    # without HTTPS the same check names what is missing (the service may run plain HTTP on an intranet)
    proc = run({**env, "TAIZHANG_HTTPS": "0"}, "-m", "django", "check", "--deploy", "--fail-level", "WARNING")
    assert proc.returncode == 1
    for code in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert code in proc.stderr + proc.stdout


def test_settings_follow_their_variables(tmp_path):
    home = {"TAIZHANG_HOME": str(tmp_path)}
    default = settings_under(home, "SESSION_COOKIE_AGE", "SESSION_EXPIRE_AT_BROWSER_CLOSE", "SECURE_HSTS_SECONDS",
                             "SESSION_COOKIE_SECURE", "SECURE_PROXY_SSL_HEADER", "AXES_FAILURE_LIMIT",
                             "AXES_COOLOFF_TIME", "AXES_LOCKOUT_PARAMETERS", "REST_KNOX")
    assert default["SESSION_COOKIE_AGE"] == str(10 * 3600) and default["SESSION_EXPIRE_AT_BROWSER_CLOSE"] == "True"
    assert default["SECURE_HSTS_SECONDS"] == "0" and default["SESSION_COOKIE_SECURE"] == "False"
    assert default["SECURE_PROXY_SSL_HEADER"] == "None"
    assert default["AXES_FAILURE_LIMIT"] == "10" and default["AXES_COOLOFF_TIME"] == "0:30:00"
    assert "'TOKEN_TTL': datetime.timedelta(days=1)" in default["REST_KNOX"]
    changed = settings_under({**home, "TAIZHANG_SESSION_HOURS": "9", "TAIZHANG_SESSION_BROWSER_CLOSE": "0",
                              "TAIZHANG_HTTPS": "1", "TAIZHANG_HSTS_SECONDS": "3600", "TAIZHANG_BEHIND_PROXY": "1",
                              "TAIZHANG_LOGIN_FAILURE_LIMIT": "5", "TAIZHANG_LOGIN_COOLOFF_MINUTES": "15",
                              "TAIZHANG_LOGIN_LOCK_BY": "account", "TAIZHANG_TOKEN_TTL_HOURS": "120"},
                             "SESSION_COOKIE_AGE", "SESSION_EXPIRE_AT_BROWSER_CLOSE", "SECURE_HSTS_SECONDS",
                             "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_SSL_REDIRECT",
                             "SECURE_PROXY_SSL_HEADER", "AXES_IPWARE_META_PRECEDENCE_ORDER", "AXES_FAILURE_LIMIT",
                             "AXES_COOLOFF_TIME", "AXES_LOCKOUT_PARAMETERS", "REST_KNOX")
    assert changed["SESSION_COOKIE_AGE"] == str(9 * 3600) and changed["SESSION_EXPIRE_AT_BROWSER_CLOSE"] == "False"
    assert changed["SECURE_HSTS_SECONDS"] == "3600" and changed["SECURE_SSL_REDIRECT"] == "True"
    assert changed["SESSION_COOKIE_SECURE"] == changed["CSRF_COOKIE_SECURE"] == "True"
    assert changed["SECURE_PROXY_SSL_HEADER"] == "('HTTP_X_FORWARDED_PROTO', 'https')"
    assert changed["AXES_IPWARE_META_PRECEDENCE_ORDER"] == "('HTTP_X_FORWARDED_FOR', 'REMOTE_ADDR')"
    assert changed["AXES_FAILURE_LIMIT"] == "5" and changed["AXES_COOLOFF_TIME"] == "0:15:00"
    assert changed["AXES_LOCKOUT_PARAMETERS"] == "['username']"
    assert "'TOKEN_TTL': datetime.timedelta(days=5)" in changed["REST_KNOX"]


@pytest.mark.django_db
def test_a_session_lasts_one_working_day_and_ends_with_the_browser(people):
    client = Client()
    assert client.post(reverse("web:login"), {"username": "leader", "password": "pw-leader"}).status_code == 302
    cookie = client.cookies["sessionid"]
    assert not cookie["max-age"] and not cookie["expires"]  # a browser-session cookie
    assert client.session.get_expiry_age() == 10 * 3600  # and the server forgets it after 10 hours


@pytest.mark.django_db
@override_settings(SECURE_SSL_REDIRECT=True, SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True,
                   SECURE_HSTS_PRELOAD=True, SESSION_COOKIE_SECURE=True, CSRF_COOKIE_SECURE=True,
                   SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"))
def test_https_settings_redirect_plain_http_and_send_hsts_and_secure_cookies(people):
    plain = Client().get("/login/")
    assert plain.status_code == 301 and plain.headers["Location"] == "https://testserver/login/"
    proxied = Client(HTTP_X_FORWARDED_PROTO="https")  # a proxy that ended TLS says so
    page = proxied.get("/login/")
    assert page.status_code == 200
    assert page.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert page.cookies["csrftoken"]["secure"]
    resp = proxied.post("/login/", {"username": "leader", "password": "pw-leader",
                                    "csrfmiddlewaretoken": page.cookies["csrftoken"].value})
    assert resp.status_code == 302 and resp.cookies["sessionid"]["secure"]
