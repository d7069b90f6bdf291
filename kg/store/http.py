"""How kg speaks HTTP to a SPARQL server: one small client for push, builds and queries.

Only the standard library (``urllib``), with HTTP basic or digest auth. Every failure is
a :class:`ServerError` (or the subclass the caller asks for) that carries the server's
status when it answered, so callers can tell "refused" (no point retrying) from "cannot
be reached".
"""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from typing import Any

from kg.errors import KGError

N_TRIPLES = "application/n-triples"
SPARQL_JSON = "application/sparql-results+json"
FORM = "application/x-www-form-urlencoded"
_URL_EXAMPLE = "e.g. http://127.0.0.1:8890/sparql"


class ServerError(KGError):
    """A SPARQL server refused a request or could not be reached.

    ``status`` is the HTTP status when the server answered, ``None`` when it did not.
    """

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


def check_server_url(url: str, option: str = "URL", error: type[KGError] = ServerError) -> None:
    """Refuse what cannot be a server's URL before any work is done.

    :raises error: *url* is not ``http(s)://host[:port]/…`` (the message names *option*).
    """
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port  # raises for a port that is not a number in 0..65535
    except ValueError as exc:
        raise error(f"{option} {url!r} is not a valid URL ({exc}); {_URL_EXAMPLE}") from exc
    if parts.scheme not in ("http", "https"):
        raise error(f"{option} {url!r} is not an http:// or https:// URL; {_URL_EXAMPLE}")
    if not parts.hostname:
        raise error(f"{option} {url!r} names no host; {_URL_EXAMPLE}")
    if port == 0:
        raise error(f"{option} {url!r}: port 0 is no server's port; {_URL_EXAMPLE}")


def with_query(url: str, params: dict[str, str]) -> str:
    """*url* with *params* added to its query string."""
    separator = "&" if urllib.parse.urlsplit(url).query else "?"
    return url + separator + urllib.parse.urlencode(params)


def _answered(fp: Any, answer: Callable[[], Any]) -> Any:
    """The response to a retry with credentials, closing the challenge (401) response
    *fp* it answers: urllib leaves it open, one socket per request. Without a retry (None)
    *fp* stays open, as urllib's error for the caller still reads it."""
    try:
        retried = answer()
    except BaseException:
        fp.close()  # the error raised is a later response's, not this one's
        raise
    if retried is not None:
        fp.close()
    return retried


class _DigestAuth(urllib.request.HTTPDigestAuthHandler):
    def http_error_401(self, req, fp, code, msg, headers):  # type: ignore[no-untyped-def]
        return _answered(
            fp, lambda: super(_DigestAuth, self).http_error_401(req, fp, code, msg, headers)
        )


class _BasicAuth(urllib.request.HTTPBasicAuthHandler):
    def http_error_401(self, req, fp, code, msg, headers):  # type: ignore[no-untyped-def]
        return _answered(
            fp, lambda: super(_BasicAuth, self).http_error_401(req, fp, code, msg, headers)
        )


class SparqlClient:
    """urllib with basic and digest auth, counting requests, raising *error* on failure."""

    def __init__(
        self,
        user: str | None,
        password: str | None,
        timeout: float,
        error: type[ServerError] = ServerError,
    ) -> None:
        handlers: list[urllib.request.BaseHandler] = []
        self._manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        self._credentials = (user, password or "") if user is not None else None
        if user is not None:
            # digest first (its handler_order is lower): it answers Digest challenges,
            # the basic handler Basic ones
            handlers += [_DigestAuth(self._manager), _BasicAuth(self._manager)]
        self._opener = urllib.request.build_opener(*handlers)
        self._timeout = timeout
        self._error = error
        self.requests = 0

    def request(self, method: str, url: str, body: bytes, headers: dict[str, str]) -> bytes:
        """The body of the server's answer to one request.

        :raises ServerError: (the client's *error* class) with ``status`` when the server
            answered with an error, without when it could not be reached.
        """
        self.requests += 1
        if self._credentials is not None:
            # urllib matches credentials by URL prefix: register this server's root
            parts = urllib.parse.urlsplit(url)
            self._manager.add_password(
                None, f"{parts.scheme}://{parts.netloc}/", *self._credentials
            )
        request = urllib.request.Request(url, data=body, headers=headers, method=method)
        try:
            with self._opener.open(request, timeout=self._timeout) as response:
                data: bytes = response.read()
                return data
        except urllib.error.HTTPError as exc:
            with exc:  # the error holds the server's open response
                detail = exc.read()[:300].decode("utf-8", "replace").strip()
            message = f"{method} {_short(url)}: HTTP {exc.code} {exc.reason}: {detail}"
            raise self._error(message, status=exc.code) from exc
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise self._error(
                f"{method} {_short(url)}: cannot reach the server ({reason})"
            ) from exc
        except ValueError as exc:  # http.client.InvalidURL and urllib's "unknown url type"
            raise self._error(f"{method} {_short(url)}: not a valid URL ({exc})") from exc

    def post_update(self, url: str, update: str) -> None:
        """Send one SPARQL Update request (form-encoded, as every server takes it)."""
        body = urllib.parse.urlencode({"update": update}).encode("utf-8")
        self.request("POST", url, body, {"Content-Type": FORM})

    def post_query(self, url: str, query: str, accept: str = SPARQL_JSON) -> bytes:
        """The server's answer to one SPARQL query, in the media type *accept*."""
        body = urllib.parse.urlencode({"query": query}).encode("utf-8")
        return self.request("POST", url, body, {"Content-Type": FORM, "Accept": accept})


def _short(url: str) -> str:
    return url if len(url) < 120 else url[:117] + "…"
