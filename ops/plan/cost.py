"""Monthly cost estimate of a plan, from the list prices in `ops/prices.json`.

An estimate, not a bill: on-demand list prices for what the plan declares (RDS instance hours
and gp3 storage, the Render instance type, the free Render static site, the free tiers of Sentry,
UptimeRobot and CloudWatch alarms). Anything the table cannot price is listed as unpriced, never guessed.
"""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any, Iterable, Mapping

# Beside the commands, not in plan/: plans and PR comments name this file (`prices.file`) for whoever refreshes it.
PRICES_PATH = Path(__file__).resolve().parents[1] / "prices.json"
CENT = Decimal("0.01")

RDS_INSTANCE = "aws:rds/instance:Instance"
RENDER_SERVICE = "render:services:WebService"
RENDER_STATIC_SITE = "render:services:StaticSite"
SENTRY_PROJECT = "sentry:index/sentryProject:SentryProject"
SENTRY_MEMBER = "pulumi-python:dynamic/sentry:TeamMembership"
UPTIME_MONITOR = "pulumi-python:dynamic/uptimerobot:Monitor"
ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
RENDER_NOTIFICATIONS = "pulumi-python:dynamic/render:NotificationOverride"
CHATBOT = "aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration"


def load_prices(path: Path = PRICES_PATH) -> dict[str, Any]:
    return json.loads(path.read_text(), parse_float=Decimal)


def money(value: Decimal | int) -> float:
    return float(Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP))


def usd(value: float) -> str:
    return f"${value:,.2f}"


def signed_usd(value: float) -> str:
    return f"{'+' if value >= 0 else '-'}${abs(value):,.2f}"


def estimate(
    resources: Iterable[Mapping[str, Any]], region: str | None, prices: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """`resources`: plan-document rows (type, name, inputs). Returns the `cost` section of the document."""
    prices = prices or load_prices()
    resources = list(resources)
    items: list[dict[str, Any]] = []
    unpriced: list[str] = []
    notes: list[str] = []
    aws = prices["aws"]["regions"].get(region or "")
    hours = Decimal(prices["hoursPerMonth"])

    def item(key: str, service: str, description: str, monthly: Decimal) -> None:
        items.append({"key": key, "service": service, "description": description, "monthly": money(monthly)})

    for r in _of(resources, RDS_INSTANCE):
        inputs = r["inputs"]
        if aws is None:
            unpriced.append(f"RDS {r['name']}: no prices for aws:region {region!r} in ops/prices.json")
            continue
        factor = Decimal(aws["multiAzFactor"]) if inputs.get("multiAz") is True else Decimal(1)
        az = "Multi-AZ" if factor > 1 else "Single-AZ"
        klass = inputs.get("instanceClass")
        rate = aws["rdsPostgresInstanceHour"].get(klass) if isinstance(klass, str) else None
        if rate is None:
            unpriced.append(f"RDS {r['name']}: instance class {klass} is not in ops/prices.json")
        else:
            item(
                f"rds-instance:{r['name']}",
                "AWS RDS",
                f"{klass} {az}, {hours} h at ${rate}/h",
                Decimal(rate) * hours * factor,
            )
        storage, kind = inputs.get("allocatedStorage"), inputs.get("storageType")
        if kind != "gp3" or not isinstance(storage, (int, float)):
            unpriced.append(f"RDS {r['name']}: storage {storage} GB {kind} is not priced (gp3 only)")
        else:
            gb = Decimal(int(storage))
            rate = aws["rdsGp3GbMonth"]
            item(f"rds-storage:{r['name']}", "AWS RDS", f"gp3 {gb} GB at ${rate}/GB-month", gb * rate * factor)
            if isinstance(inputs.get("maxAllocatedStorage"), (int, float)) and inputs["maxAllocatedStorage"] > storage:
                notes.append(
                    f"RDS {r['name']}: storage autoscaling may grow to {int(inputs['maxAllocatedStorage'])} GB "
                    f"(up to {usd(money(Decimal(int(inputs['maxAllocatedStorage'])) * rate * factor))}/month)"
                )

    render = prices["render"]["instanceMonth"]
    for r in _of(resources, RENDER_SERVICE):
        details = r["inputs"].get("serviceDetails") or {}
        plan, count = details.get("plan"), details.get("numInstances", 1)
        if plan not in render or not isinstance(count, (int, float)):
            unpriced.append(f"Render {r['name']}: instance type {plan} x {count} is not in ops/prices.json")
            continue
        item(
            f"render:{r['name']}",
            "Render",
            f"{plan} x {int(count)} instance(s) at ${render[plan]}/month",
            Decimal(render[plan]) * int(count),
        )

    static_site = prices["render"]["staticSite"]
    for r in _of(resources, RENDER_STATIC_SITE):
        item(f"render:{r['name']}", "Render", "static site (free on every plan)", static_site["month"])
    if _of(resources, RENDER_STATIC_SITE):
        notes.append("Render: the static site's outbound bandwidth counts toward the workspace's included bandwidth")

    sentry = prices["sentry"]
    if _of(resources, SENTRY_PROJECT):
        item(
            "sentry",
            "Sentry",
            f"{sentry['plan']} plan (free): {sentry['errorsPerMonth']:,} errors/month",
            sentry["month"],
        )
        members = len(_of(resources, SENTRY_MEMBER))
        if members >= sentry["users"]:
            notes.append(
                f"Sentry: the {sentry['plan']} plan has {sentry['users']} user; this stack puts {members} "
                "organization member(s) on its team, which needs a paid plan (not priced)"
            )

    uptime = prices["uptimerobot"]
    monitors = _of(resources, UPTIME_MONITOR)
    if monitors:
        item(
            "uptimerobot",
            "UptimeRobot",
            f"{uptime['plan']} plan: {len(monitors)} of {uptime['monitors']} monitors",
            uptime["month"],
        )
        fast = [m["name"] for m in monitors if _below(m["inputs"].get("interval"), uptime["minimumIntervalSeconds"])]
        if fast:
            notes.append(
                f"UptimeRobot: checks more often than every {uptime['minimumIntervalSeconds']} s need a paid plan "
                f"(not priced): {', '.join(fast)}"
            )

    if _of(resources, RENDER_NOTIFICATIONS):
        notifications = prices["render"]["notifications"]
        item(
            "render-notifications",
            "Render",
            "failure notifications by e-mail (every plan)",
            notifications["emailMonth"],
        )
        notes.append(
            f"Render: per-event webhooks (deploy_ended, server_failed, service_suspended) need the "
            f"{notifications['webhooksNeedPlan']} workspace plan (not used, not priced)"
        )
    if _of(resources, CHATBOT) and "awsChatbot" in prices:
        item("aws-chatbot", "AWS Chatbot", "CloudWatch alarms to Slack (no charge)", prices["awsChatbot"]["month"])

    alarms = _of(resources, ALARM)
    if alarms and aws is not None:
        billable = max(0, len(alarms) - int(aws["cloudwatchFreeAlarms"]))
        item(
            "cloudwatch-alarms",
            "AWS CloudWatch",
            f"{len(alarms)} alarm(s); the first {aws['cloudwatchFreeAlarms']} per account are free",
            billable * aws["cloudwatchAlarmMonth"],
        )

    items.sort(key=lambda i: i["key"])
    return {
        "currency": prices["currency"],
        "monthly": money(sum((Decimal(str(i["monthly"])) for i in items), Decimal(0))),
        "complete": not unpriced,
        "items": items,
        "unpriced": sorted(unpriced),
        "notes": sorted(notes),
        "prices": {"file": "ops/prices.json", "retrieved": prices["retrieved"]},
    }


def _of(resources: list[Mapping[str, Any]], type_: str) -> list[Mapping[str, Any]]:
    return [r for r in resources if r["type"] == type_]


def _below(value: Any, minimum: Any) -> bool:
    return isinstance(value, (int, float)) and value < minimum
