"""ops.analyzer: wire encoding, process lifecycle, failures, and the benchmark hook (bench/)."""

from __future__ import annotations

import pytest
from pulumi.output import Unknown
from pulumi.runtime import rpc

from bench.analyzer_round_trip import bench_round_trip
from ops.analyzer import client, wire
from ops.analyzer.client import AnalyzerError, PolicyAnalyzer
from ops.analyzer.wire import ResourceRecord, encode_value


def test_encoding_constants_are_the_sdks():
    assert wire.UNKNOWN_SENTINEL == rpc.UNKNOWN
    assert wire.SECRET_SIG_KEY == rpc._special_sig_key
    assert wire.SECRET_SIG == rpc._special_secret_sig


def test_encode_value_as_the_engine_does():
    wrapped = {rpc._special_sig_key: rpc._special_secret_sig, "value": ["a", Unknown()]}
    assert encode_value(
        {"__provider": "pickled", "a": Unknown(), "n": 20, "none": None, "s": wrapped, "l": ({"__x": 1, "y": True},)}
    ) == {
        "a": rpc.UNKNOWN,
        "n": 20.0,
        "s": {rpc._special_sig_key: rpc._special_secret_sig, "value": ["a", rpc.UNKNOWN]},
        "l": [{"y": True}],
    }


def test_encode_value_error_never_shows_the_value():
    with pytest.raises(TypeError) as err:
        encode_value({"x": b"CANARYbytes"})
    assert "CANARY" not in str(err.value) and "bytes" in str(err.value)


def test_context_manager_always_ends_the_process():
    pack = PolicyAnalyzer(project="kk", stack="staging", dry_run=True)
    with pytest.raises(RuntimeError, match="boom"), pack:
        pack.info()
        proc = pack._proc
        raise RuntimeError("boom")
    assert proc.poll() is not None  # terminated and reaped
    assert pack._proc is None and pack._channel is None


def test_close_before_the_port_arrives_is_safe():
    pack = PolicyAnalyzer(project="kk", stack="staging", dry_run=True).start()
    proc = pack._proc
    pack.close()
    assert proc.poll() is not None


def test_pack_that_fails_to_start_reports_its_stderr(tmp_path):
    (tmp_path / "__main__.py").write_text("raise SystemExit('pack is broken')\n")
    with PolicyAnalyzer(project="kk", stack="staging", dry_run=False, pack_dir=tmp_path) as pack:
        with pytest.raises(AnalyzerError, match="policy pack exited .* before serving"):
            pack.info()


def test_missing_interpreter_is_a_clear_error():
    with pytest.raises(AnalyzerError, match="cannot start the policy pack with /nonexistent/python"):
        PolicyAnalyzer(project="kk", stack="staging", dry_run=False, python="/nonexistent/python").start()


def test_analyze_many_keeps_order(packs):
    pack = packs[("staging", False)]
    records = [
        ResourceRecord(
            urn=f"urn:x::{i}", type="aws:rds/instance:Instance", name=f"db{i}", inputs={"storageEncrypted": bool(i % 2)}
        )
        for i in range(6)
    ]
    results = pack.analyze_many(records, window=3)
    flagged = [any(d.policy_name == "rds-instance-storage-encrypted" for d in r) for r in results]
    assert flagged == [True, False, True, False, True, False]
    assert all(d.urn == f"urn:x::{i}" for i, r in enumerate(results) for d in r)


def test_bench_round_trip_reports_per_resource_time(packs):
    result = bench_round_trip(20, analyzer=packs[("staging", False)])
    assert result.resources == 20
    assert 0 < result.ms_per_resource < 100 and 0 < result.sequential_ms_per_resource < 100


# What a developer's or CI's shell may hold; canary values made up from the names.
CREDENTIAL_NAMES = (
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_PROFILE",
    "RENDER_APIKEY",
    "SENTRY_AUTH_TOKEN",
    "SENTRY_TOKEN",
    "UPTIMEROBOT_API_KEY",
    "PULUMI_ACCESS_TOKEN",
    "PULUMI_CONFIG_PASSPHRASE",
    "GITHUB_TOKEN",
)
CREDENTIALS = {name: "CANARY" + name.title().replace("_", "") for name in CREDENTIAL_NAMES}
CONFIG_CANARY = "CANARYconfig" + "Value7f3a"
PRODUCTION_CANARY = "CANARYprod" + "Value55d1"


def broken_pack(tmp_path, dump):
    """A pack that records the environment it was given, talks a lot on stderr, then dies."""
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "__main__.py").write_text(
        "import json, os, sys\n"
        f"open({str(dump)!r}, 'w').write(json.dumps(dict(os.environ)))\n"
        "for i in range(3000):\n"
        f"    print('{CONFIG_CANARY}{PRODUCTION_CANARY} line', i, 'password={PRODUCTION_CANARY}', file=sys.stderr)\n"
        f"print('Traceback: no login with {CONFIG_CANARY} at postgres://u:{PRODUCTION_CANARY}@db', file=sys.stderr)\n"
        "raise SystemExit(3)\n"
    )
    return pack


def test_the_pack_gets_no_credentials_and_its_stderr_is_capped_and_redacted(tmp_path, monkeypatch):
    import hashlib
    import json

    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    dump = tmp_path / "env.json"
    policy_config = {
        "no-production-secrets": {
            "productionSecretFingerprints": [hashlib.sha256(PRODUCTION_CANARY.encode()).hexdigest()]
        }
    }
    pack = PolicyAnalyzer(
        project="kk",
        stack="staging",
        dry_run=False,
        pack_dir=broken_pack(tmp_path, dump),
        policy_config=policy_config,
        program_config={"kk:dbPassword": CONFIG_CANARY, "aws:region": "us-east-1"},
        config_secret_keys=["kk:dbPassword"],
    )
    with pack, pytest.raises(AnalyzerError, match=r"exited \(code 3\) before serving") as caught:
        pack.info()

    environment = json.loads(dump.read_text())
    assert not set(CREDENTIALS) & set(environment), sorted(environment)
    assert not any(value in json.dumps(environment) for value in CREDENTIALS.values())
    assert environment["PULUMI_STACK"] == "staging" and "PATH" in environment

    message = str(caught.value)
    assert len(message) <= client.PACK_ERROR_LIMIT + 100
    assert message.endswith("Traceback: no login with [secret] at [redacted: production secret]")
    for canary in (CONFIG_CANARY, PRODUCTION_CANARY):  # not even a piece cut off by the cap
        assert not any(canary[i : i + 6] in message for i in range(len(canary) - 5)), canary
