"""The team's backend for real, here: an S3 API on loopback (moto's server mode), and `concurrent-up` on it.

`pulumi login s3://BUCKET?endpoint=http://127.0.0.1:PORT&s3ForcePathStyle=true&region=us-east-1`: the CLI's
blob driver (gocloud.dev s3blob on the AWS SDK v2) takes `endpoint` and `region` (gocloud.dev/aws
V2ConfigFromURLParams) and `s3ForcePathStyle` or `use_path_style` (s3blob); moto answers path-style only on
an IP. The stack's secrets provider is `awskms://alias/…` with the same `endpoint` and `region`, against
moto's KMS. The credentials are moto's dummies, and every call goes to 127.0.0.1.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ops.rehearsal.apis import local_apis
from ops.rehearsal.engine import Engine
from ops.rehearsal.faults.scenario import COMMAND_SECONDS, FAULT_ENV, HOLD_SECONDS, LOCKED, FaultRun, Outcome
from ops.rehearsal.lifecycle import REHEARSAL_VALUES, Rehearsal
from ops.shared import recovery
from ops.shared.errors import UsageError

BUCKET = "kk-rehearsal-state"
KEY_ALIAS = "alias/kk-rehearsal"
REGION = "us-east-1"
DUMMY_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_REGION": REGION}
LOCKS = ".pulumi/locks/"


@dataclass(frozen=True)
class LoopbackAws:
    endpoint: str
    s3: object  # boto3 clients, for what the CLI left in the bucket
    kms_key: str

    @property
    def backend_url(self) -> str:
        # moto sends no response checksums: without `response_checksum_validation=when_required` the SDK warns
        # on every read. The CLI adds `request_checksum_calculation=when_required` itself.
        return (
            f"s3://{BUCKET}?endpoint={self.endpoint}&s3ForcePathStyle=true&region={REGION}"
            "&response_checksum_validation=when_required"
        )

    @property
    def secrets_provider(self) -> str:
        return f"awskms://{KEY_ALIAS}?endpoint={self.endpoint}&region={REGION}"

    def keys(self, prefix: str) -> list[str]:
        listing = self.s3.list_objects_v2(Bucket=BUCKET, Prefix=prefix)
        return sorted(item["Key"] for item in listing.get("Contents", []))


@contextmanager
def loopback_aws() -> Iterator[LoopbackAws]:
    """moto's S3 and KMS on 127.0.0.1, a port of its own, one bucket and one key (with an alias)."""
    try:
        import boto3
        from moto.server import ThreadedMotoServer
    except ImportError:
        raise UsageError("--faults needs moto's server mode: make .venv/.installed (requirements-dev.txt)") from None
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request on the rehearsal's output
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        clients = {
            name: boto3.client(
                name,
                endpoint_url=endpoint,
                region_name=REGION,
                aws_access_key_id=DUMMY_CREDENTIALS["AWS_ACCESS_KEY_ID"],
                aws_secret_access_key=DUMMY_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
            )
            for name in ("s3", "kms")
        }
        clients["s3"].create_bucket(Bucket=BUCKET)
        key = clients["kms"].create_key(Description="kitchen-kontrol rehearsal state secrets")["KeyMetadata"]["KeyId"]
        clients["kms"].create_alias(AliasName=KEY_ALIAS, TargetKeyId=key)
        yield LoopbackAws(endpoint=endpoint, s3=clients["s3"], kms_key=key)
    finally:
        server.stop()


def concurrent_up(engine: Engine, stack: str, directory: Path, expected: int, outcome: Outcome) -> None:
    """A fresh stack on the S3 backend (its own fakes); two `up`s of it at once: the second starts the
    moment the first one's lock is in the bucket, while the UptimeRobot fake holds the first one mid-update.
    `expected`: how many resources the lifecycle's `up` of the same config made."""
    outcome.backend = "s3"
    with loopback_aws() as aws, local_apis(stack, REHEARSAL_VALUES["oncallContacts"]) as apis:
        rehearsal = Rehearsal(engine, stack, directory, {**apis.env, **FAULT_ENV, **DUMMY_CREDENTIALS})
        session = rehearsal.session
        session.backend_url = aws.backend_url
        run = FaultRun(session=session, stack=stack, apis=apis, directory=directory)
        run.command(outcome, "login", ["login", aws.backend_url])
        init = run.command(
            outcome,
            "stack init (awskms)",
            ["stack", "init", stack, "--secrets-provider", aws.secrets_provider],
        )
        if not init.ok:
            outcome.notes.pop()
            outcome.notes.append(f"awskms against moto's KMS failed: {init.output.strip()[-300:]}")
            passphrase = ["stack", "init", stack, "--secrets-provider", "passphrase"]
            run.command(outcome, "stack init (passphrase)", passphrase)
        for planned in rehearsal.setup()[1:]:
            run.command(outcome, planned.step.name, planned.step.args)
        hold = apis.uptimerobot.inject("POST", "/v3/alert-contacts", "timeout", commit=True, delay=HOLD_SECONDS)
        first = run.start(recovery.apply(stack), "concurrent-up-first")
        try:
            locked = _wait_for(lambda: aws.keys(LOCKS), first)
            outcome.check(bool(locked), "the first `up` never wrote its lock to the bucket")
            second = run.start(recovery.apply(stack), "concurrent-up-second")
            second.wait()
            loser = second.step("second up (refused)", expect_success=False)
        finally:
            hold.released.set()
        first.wait()
        winner = first.step("first up", expect_success=True)
        outcome.commands += [winner, loser]
        outcome.exit_code = loser.exit_code
        outcome.check(winner.ok, f"the first `up` failed (exit {winner.exit_code})")
        outcome.check(loser.exit_code != 0 and LOCKED in loser.output, "the second `up` did not fail on the lock")
        outcome.check(hold.reached.is_set(), "the first `up` never reached the held create")
        run.converged(outcome)
        count = outcome.state.get("resources")
        outcome.check(count == expected, f"the state holds {count} resources, the lifecycle's `up` made {expected}")
        outcome.state["encryptedWith"] = "awskms" if init.ok else "passphrase"
        outcome.state["locksLeft"] = aws.keys(LOCKS)
        outcome.state["bucket"] = aws.keys(".pulumi/stacks/")
        outcome.check(not outcome.state["locksLeft"], f"locks left in the bucket: {outcome.state['locksLeft']}")
        if init.ok:  # the secrets decrypt through moto's KMS; the value itself is dropped at once
            args = ["stack", "output", "-s", stack, "databaseUrl", "--show-secrets"]
            shown = run.command(outcome, "stack output --show-secrets (KMS decrypt)", args)
            decrypted, shown.output = shown.output.startswith("postgresql://"), ""
            outcome.check(decrypted, "the secret output did not decrypt through KMS")


def _wait_for(found, running, seconds: float = COMMAND_SECONDS):
    """`found()` once truthy, or None when `running` ended or the time is up (checked every 50 ms)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and running.process.poll() is None:
        value = found()
        if value:
            return value
        time.sleep(0.05)
    return None
