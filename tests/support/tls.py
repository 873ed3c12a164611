"""Certificates for TLS tests, made with `cryptography`: a private CA, a server certificate
for 127.0.0.1 signed by it, a client certificate it signs, and a stranger's client
certificate it does not; and a raw TLS server that tells whether a client presented one."""

from __future__ import annotations

import contextlib
import datetime
import ipaddress
import socket
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

LOOPBACK = ipaddress.ip_address("127.0.0.1")


@dataclass(frozen=True)
class Pem:
    """A certificate and its key, as PEM files."""

    cert: Path
    key: Path


@dataclass(frozen=True)
class Certificates:
    """The CA (its certificate's PEM), the server's pair, the client's, a stranger's."""

    ca: Path
    server: Pem
    client: Pem
    stranger: Pem


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _issue(
    subject: str,
    key: ec.EllipticCurvePrivateKey,
    issuer: tuple[x509.Name, ec.EllipticCurvePrivateKey] | None,
    *,
    ca: bool = False,
    server: bool = False,
) -> x509.Certificate:
    """A certificate for `subject`'s `key`, signed by `issuer` (self-signed when None)."""
    now = datetime.datetime.now(datetime.UTC)
    issuer_name, signer = issuer or (_name(subject), key)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if server:
        names = x509.SubjectAlternativeName([x509.IPAddress(LOOPBACK)])
        builder = builder.add_extension(names, critical=False)
    return builder.sign(signer, hashes.SHA256())


def _write(folder: Path, stem: str, cert: x509.Certificate, key: ec.EllipticCurvePrivateKey) -> Pem:
    pem = Pem(folder / f"{stem}.crt", folder / f"{stem}.key")
    pem.cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    pem.key.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return pem


def make_certificates(folder: Path) -> Certificates:
    """A fresh CA and the certificates it signs (and one it does not), written to `folder`."""
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_cert = _issue("Switchboard test CA", ca_key, None, ca=True)
    pairs = {}
    for stem, signed in (("server", True), ("client", True), ("stranger", False)):
        key = ec.generate_private_key(ec.SECP256R1())
        issuer = (ca_cert.subject, ca_key) if signed else None
        cert = _issue(f"test {stem}", key, issuer, server=stem == "server")
        pairs[stem] = _write(folder, stem, cert, key)
    ca = _write(folder, "ca", ca_cert, ca_key).cert
    return Certificates(ca, pairs["server"], pairs["client"], pairs["stranger"])


def server_context(certs: Certificates, require_client: bool = True) -> ssl.SSLContext:
    """The server side: its certificate; client certificates checked against the CA."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH, cafile=str(certs.ca))
    context.load_cert_chain(str(certs.server.cert), str(certs.server.key))
    context.verify_mode = ssl.CERT_REQUIRED if require_client else ssl.CERT_OPTIONAL
    return context


@contextlib.contextmanager
def peer_reporting_server(certs: Certificates) -> Iterator[tuple[str, list[str]]]:
    """An HTTPS server that answers `{}` to any request and notes, per connection, the
    subject of the client certificate presented ("" when none): its base URL and the list."""
    context = server_context(certs, require_client=False)
    seen: list[str] = []
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    stop = threading.Event()

    def answer(raw: socket.socket) -> None:
        with contextlib.suppress(OSError), context.wrap_socket(raw, server_side=True) as tls:
            peer = tls.getpeercert() or {}
            seen.append(" ".join(v for field in peer.get("subject", ()) for _, v in field))
            tls.recv(65536)
            tls.sendall(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n")
            tls.sendall(b"content-length: 2\r\nconnection: close\r\n\r\n{}")

    def serve() -> None:
        while not stop.is_set():
            try:
                raw, _ = listener.accept()
            except TimeoutError:
                continue
            raw.settimeout(5)
            answer(raw)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{listener.getsockname()[1]}", seen
    finally:
        stop.set()
        thread.join(5)
        listener.close()
