"""The async Crossref REST client: one DOI, many DOIs in list requests, and search.

>>> async with CrossrefClient(CrossrefSettings(mailto="editor@example.org")) as client:
...     outcomes = await client.works(["10.1371/journal.pone.0033693", "not a doi"])

Every answer is judged before it is believed: a 404 with Crossref's own "Resource not found."
is a verdict (after asking which agency registered the DOI), while a timeout, a dropped
connection, a 429, a 5xx, an HTML page or garbage is silence, retried and, when retries run
out, reported as ``unverified``: never as ``not-found``. Each call waits at most
``settings.wait`` seconds for the registry, retries included; what is unanswered by then is
``unverified`` too. Redirects are followed only to registry hosts (``redirects``).
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping
from dataclasses import replace
from datetime import date
from types import TracebackType
from typing import Any, Self, TypeVar

import httpx

from refs.crossref import _envelope
from refs.crossref.batching import list_url, plan_batches, work_url
from refs.crossref.deadline import wait_allowed
from refs.crossref.limits import (
    DEFAULT_LIMITS,
    LATE_TRIES,
    LateForSlot,
    Limiter,
    LimiterFactory,
    RequestKind,
    RequestLimiter,
    SendBy,
    parse_rate_limit,
    parse_retry_after,
)
from refs.crossref.notices import MAX_ROWS, NoticePage, notice_params
from refs.crossref.outcome import ClientStats, Outcome, OutcomeTally
from refs.crossref.redirects import MAX_REDIRECTS, RedirectPolicy, RedirectRefused
from refs.crossref.retry import RetryPolicy, is_retryable, retrying
from refs.crossref.settings import CrossrefSettings, user_agent
from refs.doi import normalize_doi
from refs.errors import (
    DOINotFound,
    InvalidDOI,
    RateLimited,
    RegistryError,
    RegistryUnavailable,
    RegistryUnreachable,
)
from refs.work import SearchHit, Work

__all__ = ["CrossrefClient"]

T = TypeVar("T")
OnRetry = Callable[[str, float, str], None]
"""``on_retry(url, delay, reason)``: a request to ``url`` is asked again in ``delay`` seconds,
because of ``reason`` (a timeout, a 429, a 503...)."""
_CSL = "application/vnd.citationstyles.csl+json"
_NOT_REGISTERED = frozenset({"unknown", "none", ""})
"""Agency ids meaning no registration agency knows the DOI."""


class CrossrefClient:
    """Asks Crossref (or whatever ``settings.base_url`` points at) about DOIs.

    ``transport`` replaces the network (tests pass ``httpx.MockTransport``); ``sleep`` replaces
    :func:`asyncio.sleep` for backoff and pacing, so tests never wait. ``on_retry`` hears of
    every retry before its wait (a shell can say what it is waiting for). ``limiters`` makes
    the limiter of each kind of request (default: :class:`Limiter`, this client's own budget);
    several processes of one contact pass one that shares a budget through their database.
    """

    def __init__(
        self,
        settings: CrossrefSettings | None = None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        on_retry: OnRetry | None = None,
        limiters: LimiterFactory | None = None,
    ) -> None:
        self.settings = settings or CrossrefSettings()
        self.stats = ClientStats()
        self._sleep = sleep
        self._on_retry = on_retry
        self._redirects = RedirectPolicy.for_registry(
            (self.settings.base_url, self.settings.doi_url), self.settings.registry_hosts
        )
        self._jitter = random.Random().random
        self._policy = RetryPolicy(self.settings.max_retries, self.settings.retry_budget)
        make = limiters or (lambda _kind, start: Limiter(start, sleep=sleep))
        self._limiters: dict[RequestKind, RequestLimiter] = {
            kind: make(kind, start) for kind, start in DEFAULT_LIMITS.items()
        }
        self._http = httpx.AsyncClient(
            transport=transport,
            timeout=httpx.Timeout(self.settings.timeout),
            headers={"User-Agent": user_agent(self.settings), "Accept": "application/json"},
            follow_redirects=False,  # followed in _send, to registry hosts only
        )

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    # --- public calls ------------------------------------------------------------------

    async def work(self, doi: str) -> Work:
        """The registry's record of one DOI.

        :raises InvalidDOI: the text is not a DOI.
        :raises DOINotFound: the registry said there is no such DOI.
        :raises RegistryUnavailable: no answer to trust, after retries.
        """
        key = normalize_doi(doi)
        url = work_url(self.settings.api, key)
        work, _source = await self._within_wait(self._single(key), url)
        return work

    async def works(
        self, dois: Iterable[str], *, progress: Callable[[int], None] | None = None
    ) -> list[Outcome]:
        """One Outcome per DOI asked, in order; each distinct DOI is asked once.

        DOIs go out in list requests of up to ``batch_size``; those a list answer leaves out
        (it only finds Crossref DOIs) are asked one by one, which gives the not-found verdict
        or the route to another agency. ``progress(n)`` hears of ``n`` more DOIs done.
        """
        asked = list(dois)
        tally = OutcomeTally(progress)
        keys: list[str] = []
        for text in asked:
            try:
                keys.append(normalize_doi(text))
            except InvalidDOI as exc:
                key = f"\0invalid:{text}"
                keys.append(key)
                if key not in tally.outcomes:
                    tally.add(Outcome(text.strip(), "invalid", reason=exc.reason), key=key)
        unique = list(dict.fromkeys(k for k in keys if k not in tally.outcomes))
        batches, lone = plan_batches(unique, self.settings)
        allowed = wait_allowed(self.settings.wait)
        try:
            async with asyncio.timeout(allowed):
                async with asyncio.TaskGroup() as group:
                    for batch in batches:
                        group.create_task(self._resolve_batch(batch, tally))
                    for doi in lone:
                        group.create_task(self._resolve_single(doi, tally))
        except TimeoutError:
            # Silence is not a verdict: what the wait left unanswered is unverified.
            tally.add_many(Outcome(doi, "unverified", reason=_waited(allowed))
                           for doi in unique if doi not in tally.outcomes)
        return [tally.outcomes[key] for key in keys]

    async def search(self, bibliographic: str, *, rows: int = 5) -> list[SearchHit]:
        """Works matching a free-text reference, best first, with Crossref's scores."""
        if not bibliographic.strip():
            raise ValueError("nothing to search for: the reference text is empty")
        url = f"{self.settings.api}/works"
        params = {"query.bibliographic": bibliographic, "rows": str(rows)}
        hits = await self._within_wait(self._fetch(
            url, kind="list", counter="search_requests", read=_envelope.read_hits, params=params
        ), url)
        if hits is None:
            raise RegistryUnavailable("the search route answered 404", url=url, status=404)
        return hits

    async def notices(self, since: date, *, rows: int = MAX_ROWS) -> AsyncIterator[NoticePage]:
        """The registry's update notices indexed on or after ``since``, a page at a time.

        Pages come in the registry's cursor order until one comes back short (the last).
        Each page is one list request, waited for as any other call.

        :raises RegistryUnavailable: a page could not be had, after retries: the walk is
            incomplete, and what it would have found is unknown.
        """
        url = f"{self.settings.api}/works"
        cursor = "*"
        seen = 0
        while True:
            params = notice_params(since, rows=rows, cursor=cursor)
            page = await self._within_wait(self._fetch(
                url, kind="list", counter="notice_requests", read=_envelope.read_notices,
                params=params), url)
            if page is None:
                raise RegistryUnavailable("the list route answered 404", url=url, status=404)
            yield page
            seen += len(page.notices)
            if len(page.notices) < rows or seen >= page.total or page.next_cursor is None:
                return
            cursor = page.next_cursor

    async def _within_wait(self, call: Awaitable[T], url: str) -> T:
        """``await call``, or RegistryUnavailable once ``settings.wait`` (or the enclosing
        ``registry_deadline``) has passed."""
        allowed = wait_allowed(self.settings.wait)
        try:
            async with asyncio.timeout(allowed):
                return await call
        except TimeoutError as exc:
            raise RegistryUnavailable(_waited(allowed), url=url) from exc

    # --- resolution --------------------------------------------------------------------

    async def _resolve_batch(self, batch: list[str], tally: OutcomeTally) -> None:
        url, params = list_url(batch, self.settings)
        source = str(httpx.URL(url, params=params))
        try:
            works = await self._fetch(
                url, kind="list", counter="list_requests", read=_envelope.read_works, params=params
            )
        except RegistryUnavailable as exc:
            if is_retryable(exc):  # retries ran out: the registry is silent on all of them
                for doi in batch:
                    tally.add(Outcome(doi, "unverified", reason=exc.reason))
                return
            works = None  # refused (a 4xx): each DOI is asked on its own below
        found = {work.doi: work for work in works or () if work.doi}
        tally.add_many(
            Outcome(doi, "found", work=found[doi], source=source) for doi in batch if doi in found
        )
        async with asyncio.TaskGroup() as group:
            for doi in batch:
                if doi not in found:
                    group.create_task(self._resolve_single(doi, tally))

    async def _resolve_single(self, doi: str, tally: OutcomeTally) -> None:
        try:
            work, source = await self._single(doi)
        except DOINotFound as exc:
            source = work_url(self.settings.api, doi)
            tally.add(Outcome(doi, "not-found", reason=str(exc), source=source))
        except RegistryError as exc:
            tally.add(Outcome(doi, "unverified", reason=str(exc)))
        else:
            tally.add(Outcome(doi, "found", work=work, source=source))

    async def _single(self, doi: str) -> tuple[Work, str]:
        url = work_url(self.settings.api, doi)
        work = await self._fetch(
            url, kind="single", counter="single_requests", read=_envelope.read_work
        )
        if work is not None:
            return work, url
        return await self._after_not_found(doi, url)

    async def _after_not_found(self, doi: str, url: str) -> tuple[Work, str]:
        """Crossref has no record: ask who registered the DOI before calling it missing."""
        agency_url = f"{url}/agency"
        agency = await self._fetch(
            agency_url, kind="single", counter="agency_requests", read=_envelope.agency_of
        )
        if agency is None or agency in _NOT_REGISTERED:
            raise DOINotFound(doi)
        if agency == "crossref":
            raise RegistryUnavailable(
                "Crossref registered this DOI but its API has no record of it", url=url
            )
        return await self._negotiate(doi, agency)

    async def _negotiate(self, doi: str, agency: str) -> tuple[Work, str]:
        """Read a non-Crossref DOI as CSL-JSON through the DOI resolver."""
        url = work_url(self.settings.resolver, doi, prefix="")
        work = await self._fetch(
            url,
            kind="resolver",
            counter="content_negotiation_requests",
            read=_envelope.read_csl,
            accept=_CSL,
            polite=False,
        )
        if work is None:
            raise RegistryUnavailable(
                f"registered with {agency}, but the resolver has no CSL-JSON for it",
                url=url,
                status=404,
            )
        return (work if work.doi else replace(work, doi=doi)), url

    # --- one request, judged and retried -------------------------------------------------

    async def _fetch(
        self,
        url: str,
        *,
        kind: RequestKind,
        counter: str,
        read: Callable[..., T],
        params: Mapping[str, str] | None = None,
        accept: str | None = None,
        polite: bool = True,
    ) -> T | None:
        """GET ``url`` until it answers; ``None`` when the registry says 404 Not Found."""
        limiter = self._limiters[kind]
        query = dict(params or {})
        if polite and self.settings.mailto:
            query["mailto"] = self.settings.mailto
        headers = {"Accept": accept} if accept else None

        async def attempt() -> T | None:
            response = await self._send_in_slot(limiter, counter, url, query, headers)
            await limiter.adapt(parse_rate_limit(response.headers))
            body = self._judge(response, url)
            return None if body is _NOT_FOUND else read(body, url=url)

        def on_retry(exc: RegistryUnavailable, delay: float) -> None:
            self.stats.retries += 1
            if exc.status == 429:
                limiter.hold(delay)  # the whole kind waits, not just this request
            if self._on_retry is not None:
                self._on_retry(exc.url or url, delay, exc.reason)

        return await retrying(
            attempt, policy=self._policy, sleep=self._sleep, jitter=self._jitter, on_retry=on_retry
        )

    async def _send_in_slot(
        self, limiter: RequestLimiter, counter: str, url: str, query: Mapping[str, str],
        headers: Mapping[str, str] | None,
    ) -> httpx.Response:
        """Send within one of ``limiter``'s slots, by the time it gives: a request that would
        leave later (this process fell behind) is kept back and takes a new slot."""
        tries = 0
        while True:
            try:
                async with limiter.slot() as send_by:
                    self.stats.requests += 1
                    setattr(self.stats, counter, getattr(self.stats, counter) + 1)
                    by = send_by if tries < LATE_TRIES else None  # starved: late, not never
                    try:
                        response = await self._send(url, query, headers, by)
                    finally:
                        self.stats.late += by.missed if by is not None else 0
                    self.stats.answered += 1
                    return response
            except LateForSlot:  # a limiter that cannot renew: a new slot
                self.stats.requests -= 1  # nothing left
                setattr(self.stats, counter, getattr(self.stats, counter) - 1)
                self.stats.late += 1
                tries += 1

    async def _send(
        self, url: str, query: Mapping[str, str], headers: Mapping[str, str] | None,
        send_by: SendBy | None = None,
    ) -> httpx.Response:
        try:
            response = await self._http.get(
                url, params=query, headers=headers,
                extensions={"trace": send_by.trace} if send_by is not None else None)
            return await self._follow(response, url)
        except httpx.TimeoutException as exc:
            raise RegistryUnavailable(
                f"no answer within {self.settings.timeout:g}s ({type(exc).__name__})", url=url
            ) from exc
        except httpx.ConnectError as exc:
            raise RegistryUnreachable(
                f"cannot connect to the registry ({type(exc).__name__}: {exc})", url=url
            ) from exc
        except httpx.RequestError as exc:
            raise RegistryUnavailable(
                f"the connection failed ({type(exc).__name__}: {exc})", url=url
            ) from exc

    async def _follow(self, response: httpx.Response, url: str) -> httpx.Response:
        """Follow ``response``'s redirects while they lead to registry hosts."""
        hops = 0
        while (target := response.next_request) is not None:
            await response.aclose()
            refusal = self._redirects.refusal(target.url)
            if refusal is not None:
                raise RedirectRefused(refusal, url=url, status=response.status_code)
            if hops == MAX_REDIRECTS:
                raise RedirectRefused(f"more than {MAX_REDIRECTS} redirects", url=url,
                                      status=response.status_code)
            response = await self._http.send(target)
            hops += 1
        return response

    def _judge(self, response: httpx.Response, url: str) -> Any:
        status = response.status_code
        if status == 200:
            return _envelope.parse_body(response.content, url=url, status=status)
        content_type = response.headers.get("content-type", "")
        if status == 404 and "html" not in content_type.lower():
            return _NOT_FOUND  # Crossref's own text/plain "Resource not found."
        retry_after = parse_retry_after(response.headers.get("retry-after"))
        if status == 429:
            self.stats.rate_limited += 1
            raise RateLimited(
                "the registry answered 429 Too Many Requests",
                url=url,
                status=status,
                retry_after=retry_after,
            )
        what = "an HTML page" if "html" in content_type.lower() else "no usable answer"
        raise RegistryUnavailable(
            f"the registry answered HTTP {status} with {what}",
            url=url,
            status=status,
            retry_after=retry_after,
        )


def _waited(allowed: float) -> str:
    return f"no answer from the registry within the {allowed:.3g}s allowed"


_NOT_FOUND: Any = object()
"""What :meth:`CrossrefClient._judge` returns for the registry's own 404."""
