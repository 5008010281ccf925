"""The committed Amazon RDS CA bundle is what its README says: certificates only, self-signed roots, the root the
instance's `caCertIdentifier` names present and valid today for the stack's region."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime

import pytest
import yaml
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

from components.rds_ca import BUNDLE_PATH, BUNDLE_SHA256, DEFAULT_CA_IDENTIFIER, bundle_pem, root_common_name
from tests.support.env import ROOT

BLOCK = re.compile(r"-----BEGIN ([A-Z0-9 ]+)-----\n(.*?)-----END \1-----\n", re.S)


@pytest.fixture(scope="module")
def certificates() -> list[x509.Certificate]:
    return x509.load_pem_x509_certificates(BUNDLE_PATH.read_bytes())


def common_name(cert: x509.Certificate) -> str:
    return cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)[0].value


def signed_by_itself(cert: x509.Certificate) -> bool:
    key = cert.public_key()
    if isinstance(key, rsa.RSAPublicKey):
        key.verify(cert.signature, cert.tbs_certificate_bytes, padding.PKCS1v15(), cert.signature_hash_algorithm)
    else:
        assert isinstance(key, ec.EllipticCurvePublicKey)
        key.verify(cert.signature, cert.tbs_certificate_bytes, ec.ECDSA(cert.signature_hash_algorithm))
    return True


def test_the_bytes_are_the_recorded_ones():
    data = BUNDLE_PATH.read_bytes()
    assert hashlib.sha256(data).hexdigest() == BUNDLE_SHA256
    assert BUNDLE_SHA256 in (BUNDLE_PATH.parent / "README.md").read_text()
    assert b"\r" not in data


def test_every_block_is_a_certificate(certificates):
    blocks = BLOCK.findall(bundle_pem())
    assert {kind for kind, _ in blocks} == {"CERTIFICATE"}  # no private key, nothing else
    assert len(blocks) == len(certificates) == 118
    assert "".join(f"-----BEGIN {k}-----\n{b}-----END {k}-----\n" for k, b in blocks) == bundle_pem()


def test_roots_are_self_signed_amazon_rds_cas(certificates):
    roots = [c for c in certificates if c.subject == c.issuer]
    assert len(roots) == 96
    for root in roots:
        assert signed_by_itself(root), common_name(root)
        assert root.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
        assert common_name(root).startswith("Amazon RDS ")


def test_the_expired_ones_are_only_the_retired_generation_and_every_g1_root_is_valid(certificates):
    # rds-ca-2019 and the opt-in regions' first CAs (af-south-1, eu-south-1, me-south-1) ended in 2024-2025;
    # the G1 roots (rds-ca-rsa2048-g1, -rsa4096-g1, -ecc384-g1) every new instance uses run to 2061 and later.
    today = datetime(2026, 12, 6, tzinfo=UTC)
    expired = [common_name(c) for c in certificates if c.not_valid_after_utc < today]
    assert len(expired) == 28
    assert not [name for name in expired if " G1" in name]
    g1_roots = [c for c in certificates if c.subject == c.issuer and common_name(c).endswith(" G1")]
    assert len(g1_roots) >= 3 * 20
    assert all(c.not_valid_before_utc <= today < c.not_valid_after_utc for c in g1_roots)


@pytest.mark.parametrize("stack", ["staging", "production"])
def test_the_root_the_instance_names_is_there_and_valid_for_the_stacks_region(certificates, stack):
    region = yaml.safe_load((ROOT / f"Pulumi.{stack}.yaml").read_text())["config"]["aws:region"]
    wanted = root_common_name(DEFAULT_CA_IDENTIFIER, region)
    assert wanted == f"Amazon RDS {region} Root CA RSA2048 G1"
    (root,) = [c for c in certificates if common_name(c) == wanted]
    assert root.subject == root.issuer and signed_by_itself(root)
    assert isinstance(root.public_key(), rsa.RSAPublicKey) and root.public_key().key_size == 2048
    now = datetime.now(UTC)
    assert root.not_valid_before_utc <= now < root.not_valid_after_utc
    assert root.not_valid_after_utc.year == 2061


def test_an_edited_bundle_is_refused(tmp_path, monkeypatch):
    import components.rds_ca as rds_ca

    edited = tmp_path / "rds-global-bundle.pem"
    edited.write_bytes(BUNDLE_PATH.read_bytes().replace(b"MII", b"MIJ", 1))
    monkeypatch.setattr(rds_ca, "BUNDLE_PATH", edited)
    rds_ca.bundle_pem.cache_clear()
    try:
        with pytest.raises(ValueError, match="SHA-256 .* expected 2c151768"):
            rds_ca.bundle_pem()
    finally:
        monkeypatch.undo()
        rds_ca.bundle_pem.cache_clear()
