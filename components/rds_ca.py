"""Amazon RDS's CA bundle: what the app's database clients verify the server with.

Every RDS instance's certificate is issued by an Amazon RDS CA that no operating system or Node.js trusts.
`components/data/rds-global-bundle.pem` is AWS's global bundle (every region's roots), committed as data
(provenance and SHA-256 in `components/data/README.md`); the web service gets it as a Render secret file
and `DATABASE_URL` names it (`sslmode=verify-full&sslrootcert=...`). Standard library only: reading the
bundle here imports no cryptography; tests/test_rds_ca.py parses every certificate.
"""

from __future__ import annotations

import base64
import hashlib
import re
from functools import cache
from pathlib import Path

BUNDLE_PATH = Path(__file__).resolve().parent / "data" / "rds-global-bundle.pem"
# The SHA-256 of the public bundle (components/data/README.md), not a secret.
BUNDLE_SHA256 = "2c151768edd48e9ef6719de74fdcbdebe290d1e87bc02ce9014ea6eea557d2a0"  # pragma: allowlist secret
# The file name on the service: Render mounts secret files at /etc/secrets/<name>.
BUNDLE_FILE_NAME = "rds-global-bundle.pem"

# The CA the instance is created with (`caCertIdentifier`) and the root it names, per region.
DEFAULT_CA_IDENTIFIER = "rds-ca-rsa2048-g1"
_ROOT_NAMES = {
    "rds-ca-rsa2048-g1": "Amazon RDS {region} Root CA RSA2048 G1",
    "rds-ca-rsa4096-g1": "Amazon RDS {region} Root CA RSA4096 G1",
    "rds-ca-ecc384-g1": "Amazon RDS {region} Root CA ECC384 G1",
}
_PEM_BLOCK = re.compile(r"-----BEGIN CERTIFICATE-----\n[A-Za-z0-9+/=\n]+-----END CERTIFICATE-----\n")


def root_common_name(ca_identifier: str, region: str) -> str:
    """The subject CN of the root `ca_identifier` names in `region` (AWS's naming of the G1 CAs)."""
    if ca_identifier not in _ROOT_NAMES:
        raise ValueError(f"ca_identifier: expected one of {', '.join(sorted(_ROOT_NAMES))}, got {ca_identifier!r}")
    return _ROOT_NAMES[ca_identifier].format(region=region)


@cache
def bundle_pem() -> str:
    """The bundle's text, refused when its bytes are not the ones recorded (a truncated or edited file)."""
    data = BUNDLE_PATH.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != BUNDLE_SHA256:
        raise ValueError(f"{BUNDLE_PATH.name}: SHA-256 {digest}, expected {BUNDLE_SHA256} (components/data/README.md)")
    text = data.decode("ascii")
    if _PEM_BLOCK.sub("", text).strip():
        raise ValueError(f"{BUNDLE_PATH.name}: expected only PEM certificate blocks")
    return text


def bundle_has_root(common_name: str) -> bool:
    """Whether a certificate of the bundle carries `common_name` (its subject's or issuer's CN, as DER bytes)."""
    needle = common_name.encode("utf-8")
    blocks = _PEM_BLOCK.findall(bundle_pem())
    return any(needle in base64.b64decode("".join(block.splitlines()[1:-1])) for block in blocks)


def secret_file_path(name: str) -> str:
    """Where Render mounts the secret file `name` on the service's instances."""
    return f"/etc/secrets/{name}"
