"""no-production-secrets: production values in a non-production stack are reported by path, never by value."""

from __future__ import annotations

import base64
import json
from urllib.parse import quote

import pytest
from pulumi.output import Unknown
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE

from ops.analyzer.wire import ProviderRecord
from policies.rules import no_production_secrets as rule
from tests.support.policy import (
    CANARY_API_KEY,
    CANARY_DB_PASSWORD,
    ENV_VAR,
    PROD_ACCOUNT,
    RDS_INSTANCE,
    STAGING_ACCOUNT,
    WEB_SERVICE,
    baseline,
    messages,
    preview_notes,
    run_rule,
    secret,
)

POLICY = "no-production-secrets"
W = 'render:services:WebService "r"'
START = "serviceDetails.envSpecificDetails.startCommand"


def web(**env: str) -> dict:
    props = baseline(WEB_SERVICE)
    props["envVars"] = [{"key": k, "value": v} for k, v in env.items()]
    return props


def check(props, resource_type=WEB_SERVICE, **ctx):
    return messages(run_rule(rule.RULE, resource_type, props, **ctx))


def test_compliant_baseline_passes():
    assert check(baseline(WEB_SERVICE)) == []
    assert check(baseline(RDS_INSTANCE), RDS_INSTANCE) == []


@pytest.mark.parametrize(
    ("value", "what"),
    [
        (CANARY_DB_PASSWORD, "value"),
        (f"  {CANARY_DB_PASSWORD}\n", "value"),
        (f"postgres://kk:{CANARY_DB_PASSWORD}@db.internal:5432/kk", "URL password"),
        (f"https://api.example.com/v1?key={CANARY_API_KEY}", "URL query value"),
        (f"--api-key={CANARY_API_KEY}", "part of the value"),
    ],
)
def test_production_secret_fingerprint(value, what):
    assert check(web(DATABASE_URL=value)) == [
        f"{W}: {what} at envVars[0].value matches a production secret fingerprint"
    ]


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


@pytest.mark.parametrize(
    ("value", "finding"),
    [
        (_b64(CANARY_DB_PASSWORD), "value at envVars[0].value<base64> matches a production secret fingerprint"),
        (
            base64.urlsafe_b64encode(CANARY_API_KEY.encode()).decode().rstrip("="),
            "value at envVars[0].value<base64> matches a production secret fingerprint",
        ),
        (CANARY_DB_PASSWORD.encode().hex(), "value at envVars[0].value<hex> matches a production secret fingerprint"),
        (
            f"--token={_b64(CANARY_API_KEY)}",
            "value at envVars[0].value<base64> matches a production secret fingerprint",
        ),
        (_b64("NODE_ENV=production"), "envVars[0].value<base64> sets NODE_ENV=production"),
        (
            b"https://kitchenkontrol.app/healthz".hex(),
            "envVars[0].value<hex> points at production host kitchenkontrol.app",
        ),
    ],
    ids=["base64", "base64url-unpadded", "hex", "base64-flag", "base64-node-env", "hex-host"],
)
def test_an_encoded_marker_is_decoded(value, finding):
    assert check(web(X=value)) == [f"{W}: {finding}"]


@pytest.mark.parametrize(
    ("value", "what"),
    [
        (f"host=db;password={CANARY_DB_PASSWORD};port=5432", "part of the value"),
        (f"kk:{CANARY_DB_PASSWORD}", "part of the value"),
        (f"a=1&key={CANARY_API_KEY}", "part of the value"),
        (f"{CANARY_API_KEY},fallback", "part of the value"),
        (f"{CANARY_DB_PASSWORD[:6]};{CANARY_DB_PASSWORD[6:]}", "value without separators"),
    ],
    ids=["semicolon", "colon", "ampersand", "comma", "secret-split"],
)
def test_a_marker_split_by_separators_is_found(value, what):
    assert check(web(X=value)) == [f"{W}: {what} at envVars[0].value matches a production secret fingerprint"]


@pytest.mark.parametrize(
    "value",
    [
        _b64("a staging value"),
        bytes(range(200, 220)).hex(),  # hex like a commit sha, decoding to no text
        "c3RhZ2luZw",  # "staging"
        "a=1;b=2&c:3,d",
    ],
)
def test_encoded_or_split_non_production_values_pass(value):
    assert check(web(X=value)) == []


def test_url_encoded_password_is_decoded():
    assert check(web(X=quote("p@ss/" + CANARY_DB_PASSWORD, safe=""))) == []  # different secret: no match
    assert check(web(X=f"postgres://kk:{quote(CANARY_DB_PASSWORD + '/')}@h/kk")) == []  # not the secret
    encoded = "".join(f"%{b:02X}" for b in CANARY_DB_PASSWORD.encode())
    assert check(web(X=encoded)) == [
        f"{W}: URL-decoded value at envVars[0].value matches a production secret fingerprint"
    ]


def test_nested_path_is_named():
    props = baseline(WEB_SERVICE)
    props["serviceDetails"]["envSpecificDetails"]["startCommand"] = f"DB_PASSWORD={CANARY_DB_PASSWORD} npm start"
    path = "serviceDetails.envSpecificDetails.startCommand"
    assert check(props) == [f"{W}: part of the value at {path} matches a production secret fingerprint"]


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("https://kitchenkontrol.app/healthz", "production host kitchenkontrol.app"),
        ("www.kitchenkontrol.app", "production host www.kitchenkontrol.app"),
        ("postgres://kk:pw@db.prod.kitchenkontrol.internal:5432/kk", "production domain prod.kitchenkontrol.internal"),
        ("curl -s http://PROD.kitchenkontrol.internal./x", "production domain prod.kitchenkontrol.internal"),
    ],
)
def test_production_hosts_and_domains(value, reason):
    assert check(web(TARGET=value)) == [f"{W}: envVars[0].value points at {reason}"]


@pytest.mark.parametrize(
    "value",
    [
        "https://staging.kitchenkontrol.app/healthz",  # not an exact production host
        "oncall@kitchenkontrol.app",  # an e-mail address is not a host
        "notprod.kitchenkontrol.internal.example.com",
        "https://kk-staging.onrender.com",
    ],
)
def test_non_production_hosts_pass(value):
    assert check(web(TARGET=value)) == []


def test_allowed_hosts_exempt_a_subdomain_of_a_production_domain():
    config = {"productionDomains": ["kitchenkontrol.app"], "allowedHosts": ["staging.kitchenkontrol.app"]}
    assert check(web(A="https://staging.kitchenkontrol.app"), config=config) == []
    assert check(web(A="https://api.kitchenkontrol.app"), config=config) == [
        f"{W}: envVars[0].value points at production domain kitchenkontrol.app"
    ]


def test_arn_in_production_account():
    props = baseline(RDS_INSTANCE, monitoringRoleArn=f"arn:aws:iam::{PROD_ACCOUNT}:role/rds-monitoring")
    assert check(props, RDS_INSTANCE) == [
        f'{RDS_INSTANCE} "r": monitoringRoleArn holds an ARN in production AWS account {PROD_ACCOUNT}'
    ]
    props = baseline(RDS_INSTANCE, monitoringRoleArn=f"arn:aws:iam::{STAGING_ACCOUNT}:role/rds-monitoring")
    assert check(props, RDS_INSTANCE) == []


def test_aws_provider_bound_to_production_account():
    # Provider inputs arrive JSON-encoded, as the generated SDKs send them.
    provider = {
        "region": "us-east-1",
        "allowedAccountIds": json.dumps([PROD_ACCOUNT]),
        "assumeRole": json.dumps({"roleArn": f"arn:aws:iam::{PROD_ACCOUNT}:role/deploy"}),
    }
    found = check(
        baseline(RDS_INSTANCE),
        RDS_INSTANCE,
        provider_type="pulumi:providers:aws",
        provider_name="aws-prod",
        provider_props=provider,
    )
    where = f'{RDS_INSTANCE} "r" via provider pulumi:providers:aws "aws-prod"'
    assert found == [
        f"{where}: allowedAccountIds<json>[0] is production AWS account {PROD_ACCOUNT}",
        f"{where}: assumeRole<json>.roleArn holds an ARN in production AWS account {PROD_ACCOUNT}",
    ]


@pytest.mark.parametrize(
    ("resource_type", "props", "path"),
    [
        (ENV_VAR, {"serviceId": "srv-1", "envVarKey": "NODE_ENV", "value": "production"}, "value"),
        (ENV_VAR, {"serviceId": "srv-1", "envVarKey": "NODE_ENV", "value": " Production "}, "value"),
        (WEB_SERVICE, web(A="1", B="2", C="3", NODE_ENV="production"), "envVars[3].value"),
        ("render:env-groups:EnvGroup", {"envVars": [{"key": "NODE_ENV", "value": "production"}]}, "envVars[0].value"),
        ("custom:index:Thing", {"environment": {"NODE_ENV": "production"}}, "environment.NODE_ENV"),
    ],
)
def test_node_env_production(resource_type, props, path):
    assert check(props, resource_type) == [f'{resource_type} "r": {path} sets NODE_ENV=production']


def test_node_env_in_a_command():
    props = baseline(WEB_SERVICE)
    props["serviceDetails"]["envSpecificDetails"]["startCommand"] = "NODE_ENV=production node server.js"
    assert check(props) == [f"{W}: serviceDetails.envSpecificDetails.startCommand sets NODE_ENV=production"]


def test_node_env_staging_passes():
    assert check({"serviceId": "s", "envVarKey": "NODE_ENV", "value": "staging"}, ENV_VAR) == []
    assert check({"serviceId": "s", "envVarKey": "APP_MODE", "value": "production"}, ENV_VAR) == []


def test_production_stack_is_not_checked():
    assert check(web(DATABASE_URL=CANARY_DB_PASSWORD), stack="production") == []


def test_secret_wrapped_values_are_checked():
    assert check(web(DATABASE_URL=secret(CANARY_DB_PASSWORD))) == [
        f"{W}: value at envVars[0].value matches a production secret fingerprint"
    ]


def test_unknown_value_is_reported_as_unknown_not_passed():
    verdict = run_rule(rule.RULE, ENV_VAR, {"serviceId": "s", "envVarKey": "NODE_ENV", "value": UNKNOWN_STRING_VALUE})
    assert [f.unknown_path for f in verdict.unknowns] == ["value"]


# --- through the real pack (SDK proxies, secrets unwrapped by the SDK) ------------------


def test_protocol_reports_by_path_and_never_leaks_canaries(analyze):
    props = web(
        NODE_ENV="production",
        DATABASE_URL=secret(f"postgres://kk:{CANARY_DB_PASSWORD}@db.prod.kitchenkontrol.internal/kk"),
        API_KEY=secret(CANARY_API_KEY),
    )
    props["serviceDetails"]["envSpecificDetails"]["startCommand"] = f"KEY={CANARY_API_KEY} npm start"
    diags = analyze(WEB_SERVICE, props, policy=POLICY)
    # Struct fields carry no order, so compare as sets of lines.
    assert sorted(d.message.split("\n", 1)[1] for d in diags) == sorted(
        [
            f"{W}: envVars[0].value sets NODE_ENV=production",
            f"{W}: URL password at envVars[1].value matches a production secret fingerprint",
            f"{W}: envVars[1].value points at production domain prod.kitchenkontrol.internal",
            f"{W}: value at envVars[2].value matches a production secret fingerprint",
            f"{W}: part of the value at {START} matches a production secret fingerprint",
        ]
    )
    assert {d.enforcement_level for d in diags} == {"mandatory"}
    for d in diags:
        for canary in (CANARY_DB_PASSWORD, CANARY_API_KEY):
            assert canary not in d.message and canary.lower() not in d.message.lower()


def test_protocol_provider_inputs_are_checked(analyze):
    provider = ProviderRecord(
        urn="urn:pulumi:staging::kitchen-kontrol::pulumi:providers:aws::aws-prod",
        type="pulumi:providers:aws",
        name="aws-prod",
        inputs={"region": "us-east-1", "allowedAccountIds": json.dumps([PROD_ACCOUNT])},
    )
    diags = analyze(RDS_INSTANCE, baseline(RDS_INSTANCE), provider=provider, policy=POLICY)
    assert (
        len(diags) == 1 and f"allowedAccountIds<json>[0] is production AWS account {PROD_ACCOUNT}" in diags[0].message
    )


def test_protocol_unknown_fails_closed_during_update(analyze):
    props = web(NODE_ENV=Unknown())
    diags = analyze(WEB_SERVICE, props, policy=POLICY)
    assert [(d.enforcement_level, d.message.split("\n", 1)[1]) for d in diags] == [
        ("mandatory", f"{W}: envVars[0].value is unknown during the update, so it cannot be checked; failing closed")
    ]


def test_protocol_unknown_is_one_stack_note_during_preview_and_a_violation_still_its_own(analyze):
    props = web(NODE_ENV="production", OTHER=Unknown())
    diags = analyze(WEB_SERVICE, props, dry_run=True, policy=POLICY)
    # The violation it can see: on the resource, at the rule's level and severity.
    seen = [(d.enforcement_level, d.severity, d.urn.endswith("::r")) for d in diags]
    assert seen == [("mandatory", "critical", True)]
    assert preview_notes(analyze.packs[("staging", True)], [analyze.record(WEB_SERVICE, props)], POLICY) == [
        "no-production-secrets: 1 resource has values known only during the update; the update checks them and "
        "fails closed"
    ]
