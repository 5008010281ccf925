"""Certificates made by openssl for the TLS tests: a local CA, leaves for 127.0.0.1 and localhost, self-signed ones."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

_CA_CONFIG = """
[ca]
default_ca = local
[local]
dir = {dir}
database = {dir}/index.txt
new_certs_dir = {dir}
serial = {dir}/serial
default_md = sha256
policy = anything
unique_subject = no
[anything]
commonName = supplied
[leaf]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, DNS:localhost
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
"""


@dataclass
class CertFactory:
    dir: Path
    openssl: str

    def _run(self, *args: str) -> None:
        subprocess.run([self.openssl, *args], check=True, capture_output=True, cwd=self.dir)

    def _req(self, mode: str, key: Path, out: Path, subject: str, *extra: str) -> None:
        """`openssl req` with a new P-256 key: a CSR (`-new`) or a self-signed certificate (`-x509`)."""
        self._run(
            "req",
            mode,
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(out),
            "-subj",
            subject,
            *extra,
        )

    def _key_csr(self, name: str) -> tuple[Path, Path]:
        key, csr = self.dir / f"{name}.key", self.dir / f"{name}.csr"
        self._req("-new", key, csr, f"/CN={name}")
        return key, csr

    def ca(self) -> tuple[Path, Path]:
        """A local certificate authority (cert, key), made once per factory."""
        cert, key = self.dir / "ca.pem", self.dir / "ca.key"
        if not cert.exists():
            self._req(
                "-x509",
                key,
                cert,
                "/CN=verify test CA",
                "-days",
                "30",
                "-addext",
                "basicConstraints=critical,CA:TRUE",
                "-addext",
                "keyUsage=critical,keyCertSign,cRLSign",
            )
            (self.dir / "index.txt").write_text("")
            (self.dir / "serial").write_text("1000\n")
            (self.dir / "ca.cnf").write_text(_CA_CONFIG.format(dir=self.dir))
        return cert, key

    def leaf(self, name: str, *, start: str | None = None, end: str | None = None, days: int = 90) -> tuple[Path, Path]:
        """A server cert for 127.0.0.1 signed by the CA; `start`/`end` as YYYYMMDDHHMMSSZ."""
        ca_cert, ca_key = self.ca()
        key, csr = self._key_csr(name)
        cert = self.dir / f"{name}.pem"
        validity = ["-startdate", start, "-enddate", end] if start and end else ["-days", str(days)]
        self._run(
            "ca",
            "-batch",
            "-config",
            str(self.dir / "ca.cnf"),
            "-cert",
            str(ca_cert),
            "-keyfile",
            str(ca_key),
            "-in",
            str(csr),
            "-out",
            str(cert),
            "-extensions",
            "leaf",
            "-notext",
            *validity,
        )
        return cert, key

    def self_signed(self, name: str) -> tuple[Path, Path]:
        cert, key = self.dir / f"{name}.pem", self.dir / f"{name}.key"
        self._req("-x509", key, cert, f"/CN={name}", "-days", "30", "-addext", "subjectAltName=IP:127.0.0.1")
        return cert, key
