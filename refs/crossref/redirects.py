"""Which redirects the client follows: only to the registries' own hosts (issue 16).

Crossref answers 301 for aliased DOIs, and doi.org sends a content-negotiated request on to
the registration agency's metadata service. A resolver (or a proxy) that redirected anywhere
else would make whoever runs the client fetch that address and store the answer: a reviewer
submitting a crafted DOI could have the service read an internal page. So a redirect is
followed only when

* its scheme is ``http`` or ``https``,
* its host is one of the registry hosts (``CrossrefSettings.registry_hosts``, plus the hosts
  of the configured ``base_url`` and ``doi_url``), compared without case, and
* its host is not a private, loopback, link-local or otherwise non-public address (an IP
  literal, or ``localhost``), unless it is the host and port of the configured ``base_url``
  or ``doi_url`` itself (a local mirror or the tests' stand-in): another port of the same
  machine is another service.

Names on the list are trusted as configured: they are not looked up here, so that deciding
costs no DNS request.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass

import httpx

from refs.crossref.settings import DEFAULT_REGISTRY_HOSTS
from refs.errors import RegistryUnavailable

__all__ = ["DEFAULT_REGISTRY_HOSTS", "MAX_REDIRECTS", "RedirectPolicy", "RedirectRefused"]

MAX_REDIRECTS = 5
"""Hops followed at most: an aliased DOI takes one, content negotiation two."""


def _is_internal(host: str) -> bool:
    """An address no public registry has: private, loopback, link-local, reserved..."""
    name = host.strip("[]").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return not address.is_global or address.is_multicast


def _origin(url: httpx.URL) -> tuple[str, int | None]:
    default = {"http": 80, "https": 443}.get(url.scheme)
    return url.host.lower(), url.port or default


@dataclass(frozen=True, slots=True)
class RedirectPolicy:
    """``refusal(url)`` says why a redirect to ``url`` is not followed, or ``None``."""

    registry_hosts: frozenset[str]
    configured: frozenset[tuple[str, int | None]]
    """The (host, port) of the configured base and resolver URLs: allowed whatever their
    address."""

    @classmethod
    def for_registry(cls, urls: Iterable[str], hosts: Iterable[str]) -> RedirectPolicy:
        """The policy for a client asking ``urls`` (its base and resolver) with ``hosts``."""
        configured = frozenset(_origin(httpx.URL(url)) for url in urls)
        listed = frozenset(host.strip().lower() for host in hosts if host.strip())
        return cls(registry_hosts=listed | {host for host, _ in configured},
                   configured=configured)

    def refusal(self, url: httpx.URL) -> str | None:
        if url.scheme not in ("http", "https"):
            return f"a redirect to a {url.scheme or 'schemeless'} URL is not followed"
        host = url.host.lower()
        if host not in self.registry_hosts:
            return (f"a redirect to {host or 'no host'}, which is not a registry host, "
                    "is not followed")
        if _origin(url) not in self.configured and _is_internal(host):
            return f"a redirect to the internal address {host} is not followed"
        return None


class RedirectRefused(RegistryUnavailable):
    """The registry redirected where the policy does not follow: no answer, not retried."""
