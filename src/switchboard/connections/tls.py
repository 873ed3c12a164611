"""TLS for one agent: the client certificate its config gives (mutual TLS) and the CA that
signs its server certificate when that is a private one; and TLS failures in words."""

from __future__ import annotations

import ssl
from pathlib import Path

import httpx

from switchboard.config import AgentSettings
from switchboard.connections.owner import CallError

CERT_HINT = (
    "Give certFile and keyFile (PEM) under the agent's 'auth' entry for its mutual TLS scheme."
)
CA_HINT = "If a private CA signs the agent's certificate, give its PEM as 'caFile' in its entry."


def client_certificate(settings: AgentSettings) -> tuple[str, str] | None:
    """The (certificate, key) paths of the first `auth` entry that gives a certificate."""
    for credentials in settings.auth.values():
        if credentials.cert_file:
            return credentials.cert_file, credentials.key_file or credentials.cert_file
    return None


def agent_tls(settings: AgentSettings) -> ssl.SSLContext | None:
    """The TLS context for the agent's own origin, None when the defaults do (no client
    certificate, no private CA); CallError when a file cannot be used."""
    certificate = client_certificate(settings)
    if certificate is None and not settings.ca_file:
        return None
    try:
        if settings.ca_file:
            context = ssl.create_default_context(cafile=str(Path(settings.ca_file).expanduser()))
        else:
            context = httpx.create_ssl_context()
        if certificate is not None:
            cert, key = (str(Path(path).expanduser()) for path in certificate)
            context.load_cert_chain(cert, key)
    except (OSError, ssl.SSLError) as exc:
        raise CallError(
            f"The TLS files for agent {settings.name!r} cannot be used: {_reason(exc)}.",
            "certFile and keyFile must be a PEM certificate and its unencrypted private key; "
            "caFile a PEM with the CA certificates.",
        ) from exc
    return context


def _reason(exc: OSError | ssl.SSLError) -> str:
    if isinstance(exc, ssl.SSLError):
        return exc.reason or str(exc)
    return exc.strerror or str(exc)


def tls_failure(exc: httpx.TransportError) -> tuple[str, str] | None:
    """What went wrong in a TLS handshake, and what to do; None when it was not TLS."""
    text = str(exc).upper()
    if "CERTIFICATE_VERIFY_FAILED" in text:
        return "its TLS certificate is not trusted", CA_HINT
    if "CERTIFICATE_REQUIRED" in text:
        return "it asks for a client certificate (mutual TLS)", CERT_HINT
    if any(alert in text for alert in ("UNKNOWN_CA", "BAD_CERTIFICATE", "CERTIFICATE_UNKNOWN")):
        return "it refused the client certificate", CERT_HINT
    if "HANDSHAKE_FAILURE" in text or "SSL" in text:
        return f"the TLS handshake failed ({exc})", CERT_HINT
    if isinstance(exc, httpx.RemoteProtocolError | httpx.ReadError) and _over_https(exc):
        # TLS 1.3 checks the client's certificate after the handshake: a server that will not
        # take it often just closes the connection, without an alert that would say why.
        return (
            "it closed the connection before answering, as an agent that requires a client "
            "certificate does when it gets none it trusts",
            f"{CERT_HINT} Else check that the agent is running and the URL is right.",
        )
    return None


def _over_https(exc: httpx.TransportError) -> bool:
    try:
        return exc.request.url.scheme == "https"
    except RuntimeError:  # an error raised without its request
        return False
