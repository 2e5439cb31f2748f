"""Failed logins lock the attacker's address, not the staff: the client's address is
the one the trusted reverse proxy reports, and an account is never locked from
everywhere by someone else's failures."""

import ipaddress

import pytest
from django.contrib.auth.models import User
from django.test import RequestFactory

from portal.proxies import client_ip

pytestmark = pytest.mark.django_db

PROXY = "127.0.0.1"  # the documented set-up: nginx or Caddy on the app host
ATTACKER, NURSE, DOCTOR = "203.0.113.66", "198.51.100.7", "198.51.100.8"
PASSWORD = "the-right-password-1"


@pytest.fixture
def staff():
    for name in ("nurse", "doctor"):
        User.objects.create_user(name, password=PASSWORD, is_staff=True)


def log_in(client, username, password, address, via_proxy=True, language="en", **headers):
    """A login POST from `address`: through the proxy (which appends the address it
    was reached from to X-Forwarded-For), or straight from it."""
    if via_proxy:
        forwarded = headers.pop("HTTP_X_FORWARDED_FOR", None)
        headers["HTTP_X_FORWARDED_FOR"] = f"{forwarded}, {address}" if forwarded else address
        address = PROXY
    client.logout()
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        HTTP_ACCEPT_LANGUAGE=language,
        **headers,
    )


def fail_five_times(client, username, address, **headers):
    for _attempt in range(5):
        response = log_in(client, username, "wrong", address, **headers)
        assert response.status_code in (200, 429)


def logged_in(response) -> bool:
    return response.status_code == 302 and response["Location"] == "/admin/"


def test_five_failures_from_one_address_lock_that_address_for_every_account(client, staff):
    fail_five_times(client, "nurse", ATTACKER)
    for username in ("nurse", "doctor"):
        response = log_in(client, username, PASSWORD, ATTACKER)
        assert response.status_code == 429
        assert "_auth_user_id" not in client.session


def test_five_failures_elsewhere_do_not_lock_out_staff_at_their_own_address(client, staff):
    fail_five_times(client, "nurse", ATTACKER)
    assert logged_in(log_in(client, "doctor", PASSWORD, DOCTOR))


def test_an_attacker_cannot_lock_a_named_account_out_from_everywhere(client, staff):
    """The hospital's choice: the reviewer at her own desk still gets in."""
    fail_five_times(client, "nurse", ATTACKER)
    assert logged_in(log_in(client, "nurse", PASSWORD, NURSE))


@pytest.mark.parametrize(
    ("language", "message"),
    [("fr", "sont bloquées pendant une heure"), ("en", "are blocked for an hour")],
)
def test_the_lockout_message_is_in_the_staff_members_language(client, staff, language, message):
    fail_five_times(client, "nurse", ATTACKER)
    response = log_in(client, "nurse", PASSWORD, ATTACKER, language=language)
    assert response.status_code == 429
    assert message in response.content.decode()


def test_a_client_cannot_escape_the_lockout_by_writing_its_own_forwarded_for(client, staff):
    """Through the proxy, the left of X-Forwarded-For is what the client wrote."""
    for attempt in range(5):
        spoofed = f"192.0.2.{attempt + 1}"
        log_in(client, "nurse", "wrong", ATTACKER, HTTP_X_FORWARDED_FOR=spoofed)
    response = log_in(client, "nurse", PASSWORD, ATTACKER, HTTP_X_FORWARDED_FOR="192.0.2.99")
    assert response.status_code == 429


def test_forwarded_for_from_an_untrusted_address_is_ignored(client, staff):
    """A client reaching gunicorn without the proxy is its own address, whatever it
    claims, and cannot pass for a member of staff's address either."""
    for _attempt in range(5):
        log_in(client, "nurse", "wrong", ATTACKER, via_proxy=False, HTTP_X_FORWARDED_FOR=NURSE)
    locked = log_in(client, "doctor", PASSWORD, ATTACKER, via_proxy=False)
    assert locked.status_code == 429
    assert logged_in(log_in(client, "nurse", PASSWORD, NURSE))


def request_from(remote_addr, forwarded_for=None):
    headers = {"HTTP_X_FORWARDED_FOR": forwarded_for} if forwarded_for is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote_addr, **headers)


@pytest.mark.parametrize(
    ("remote_addr", "forwarded_for", "expected"),
    [
        ("198.51.100.7", None, "198.51.100.7"),  # no proxy
        ("198.51.100.7", "192.0.2.1", "198.51.100.7"),  # an untrusted peer's header
        ("127.0.0.1", None, "127.0.0.1"),  # the proxy itself
        ("127.0.0.1", "198.51.100.7", "198.51.100.7"),
        ("127.0.0.1", "192.0.2.1, 198.51.100.7", "198.51.100.7"),  # client's own header
        ("127.0.0.1", "198.51.100.7, 10.0.0.5", "198.51.100.7"),  # load balancer, then proxy
        ("127.0.0.1", "10.0.0.9, 10.0.0.5", "10.0.0.9"),  # a client inside the network
        ("127.0.0.1", "nonsense", "127.0.0.1"),
        ("127.0.0.1", "198.51.100.7, nonsense", "127.0.0.1"),
        ("::1", "2001:db8::7", "2001:db8::7"),
        ("::ffff:127.0.0.1", "::ffff:198.51.100.7", "198.51.100.7"),
    ],
)
def test_the_client_address_is_read_from_trusted_proxies_only(
    settings, remote_addr, forwarded_for, expected
):
    settings.TRUSTED_PROXIES = [
        ipaddress.ip_network(net) for net in ("127.0.0.1", "::1", "10.0.0.5/32")
    ]
    assert client_ip(request_from(remote_addr, forwarded_for)) == expected


def test_trusted_proxies_come_from_the_environment_as_addresses_or_networks():
    import subprocess
    import sys

    code = "from django.conf import settings; print(settings.TRUSTED_PROXIES)"
    env = {"DJANGO_SETTINGS_MODULE": "portal.settings", "PATH": "/usr/bin:/bin"}
    run = [sys.executable, "-c", f"import django; django.setup(); {code}"]
    given = subprocess.run(
        run, env=env | {"DJANGO_TRUSTED_PROXIES": "10.1.2.3, 192.168.0.0/16"},
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert "IPv4Network('10.1.2.3/32'), IPv4Network('192.168.0.0/16')" in given.stdout
    wrong = subprocess.run(
        run, env=env | {"DJANGO_TRUSTED_PROXIES": "10.1.2.300"}, capture_output=True, text=True
    )
    assert wrong.returncode != 0
    assert "DJANGO_TRUSTED_PROXIES: '10.1.2.300' does not appear to be" in wrong.stderr


@pytest.mark.parametrize(
    ("remote_addr", "answer"),
    [
        ("127.0.0.1", 200),  # our reverse proxy says the visitor came over HTTPS
        ("203.0.113.9", 301),  # anyone else: the header is ignored, the visitor is redirected
    ],
)
def test_x_forwarded_proto_is_believed_from_trusted_proxies_only(
    client, settings, remote_addr, answer
):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    response = client.get(
        "/en/", REMOTE_ADDR=remote_addr, HTTP_X_FORWARDED_PROTO="https", HTTP_HOST="localhost"
    )
    assert response.status_code == answer
    if answer == 301:
        assert response["Location"] == "https://localhost/en/"
    else:
        assert '<link rel="canonical" href="https://localhost/en/"' in response.content.decode()
