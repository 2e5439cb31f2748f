"""The client's address as the reverse proxy in front of the portal reports it.

Behind nginx or Caddy every request reaches Django from the proxy's address; the
proxy appends the address it was itself reached from to X-Forwarded-For. That
header is believed only when the request comes from a trusted proxy
(settings.TRUSTED_PROXIES, from DJANGO_TRUSTED_PROXIES), and only from the right:
its left-hand entries are whatever the client chose to write. django-axes counts
failed logins per address found here (AXES_CLIENT_IP_CALLABLE). X-Forwarded-Proto
(settings.SECURE_PROXY_SSL_HEADER) is believed from the same proxies only.

Not django-ipware: it matches its trusted proxies, by string prefix (no networks),
against the addresses written inside X-Forwarded-For, never against the peer that
actually connected (REMOTE_ADDR), and by default believes the left-most entry.
"""

import ipaddress

from django.conf import settings


def _address(value: str):
    """The IP address in `value`, or None; IPv4-mapped IPv6 as plain IPv4."""
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    return getattr(address, "ipv4_mapped", None) or address


def _trusted(address) -> bool:
    return address is not None and any(address in net for net in settings.TRUSTED_PROXIES)


def client_ip(request) -> str | None:
    """REMOTE_ADDR; when that is a trusted proxy, the address it forwarded for,
    walking X-Forwarded-For from the right as long as each hop is a trusted proxy."""
    address = _address(request.META.get("REMOTE_ADDR", ""))
    hops = request.headers.get("x-forwarded-for", "").split(",")
    while _trusted(address) and hops:
        forwarded_for = _address(hops.pop())
        if forwarded_for is None:  # not written by a proxy of ours: believe none of it
            break
        address = forwarded_for
    return str(address) if address is not None else None


def forwarded_proto_from_trusted_proxies(get_response):
    """First in MIDDLEWARE: the scheme header (SECURE_PROXY_SSL_HEADER) of a peer that is
    not a trusted proxy is dropped, so that only our proxy can tell Django "this came over
    HTTPS" (no skipped HTTPS redirect, no https page for a plain-HTTP visitor)."""

    def middleware(request):
        name = (getattr(settings, "SECURE_PROXY_SSL_HEADER", None) or ("",))[0]
        peer = request.META.get("REMOTE_ADDR", "")
        if name in request.META and not _trusted(_address(peer)):
            del request.META[name]
        return get_response(request)

    return middleware
