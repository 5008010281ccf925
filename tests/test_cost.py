"""The monthly cost estimate: from the price table in the repo, never guessed."""

from __future__ import annotations

import copy
import re
import typing

import pytest

from ops.plan.cost import PRICES_PATH, estimate, load_prices
from stacks.settings import DatabaseSettings, RenderSettings


def rows(staging_document):
    return copy.deepcopy(staging_document["resources"])


def find(resources, type_):
    return next(r for r in resources if r["type"] == type_)


def test_staging_costs_rds_hours_gp3_storage_and_the_render_plan(staging_document):
    cost = staging_document["cost"]
    items = {i["key"]: i["monthly"] for i in cost["items"]}
    assert items == {
        "cloudwatch-alarms": 0.0,  # 3 alarms, within the free 10
        "rds-instance:kitchen-kontrol-staging-db-instance": 11.68,  # db.t4g.micro: 730 h x $0.016
        "rds-storage:kitchen-kontrol-staging-db-instance": 2.30,  # 20 GB gp3 x $0.115
        "render:kitchen-kontrol-staging-web-service": 7.0,  # starter x 1
        "render-notifications": 0.0,  # e-mail on every plan; webhooks (a paid plan) are not used
        "sentry": 0.0,
        "uptimerobot": 0.0,
    }
    assert cost["monthly"] == staging_document["summary"]["monthlyCost"] == 20.98
    assert cost["complete"] is True
    assert any("webhooks" in note and "Professional" in note for note in cost["notes"])
    assert cost["prices"] == {"file": "ops/prices.json", "retrieved": load_prices()["retrieved"]}


def test_the_estimate_is_in_the_plan_summary(cli_plans):
    summary = [line for line in cli_plans["staging"].stdout.splitlines() if line.startswith("Cost: ")]
    assert summary == [
        "Cost: ~$20.98/month estimated (AWS RDS $13.98, Render $7.00, free tiers $0.00; prices of "
        f"{load_prices()['retrieved']})"
    ]


def test_production_plan_is_priced_too(cli_plans):
    # db.t4g.small 730 h x $0.032 + 50 GB x $0.115 + 2 standard instances x $25
    assert "Cost: ~$79.11/month estimated" in cli_plans["production"].stdout


def test_the_table_names_its_sources_and_date():
    prices = load_prices()
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", prices["retrieved"])
    for section in ("aws", "render", "sentry", "uptimerobot"):
        assert prices[section]["source"].startswith("https://"), section
    assert "Refresh" in prices["about"] and "estimate" in prices["about"]
    assert PRICES_PATH.name in (PRICES_PATH.parent.parent / "docs" / "plan.md").read_text()


def test_every_render_plan_and_the_default_instance_class_have_a_price():
    prices = load_prices()
    plans = typing.get_args(RenderSettings.model_fields["plan"].annotation)
    assert set(plans) <= set(prices["render"]["instanceMonth"])
    default_class = DatabaseSettings.model_fields["instance_class"].default
    assert default_class in prices["aws"]["regions"]["us-east-1"]["rdsPostgresInstanceHour"]


def test_multi_az_doubles_instance_and_storage(staging_document):
    resources = rows(staging_document)
    find(resources, "aws:rds/instance:Instance")["inputs"]["multiAz"] = True
    items = {i["key"]: i["monthly"] for i in estimate(resources, "us-east-1")["items"]}
    assert items["rds-instance:kitchen-kontrol-staging-db-instance"] == 23.36
    assert items["rds-storage:kitchen-kontrol-staging-db-instance"] == 4.60


@pytest.mark.parametrize(
    ("change", "region", "unpriced"),
    [
        (
            lambda r: find(r, "aws:rds/instance:Instance")["inputs"].update(instanceClass="db.r7g.16xlarge"),
            "us-east-1",
            "instance class db.r7g.16xlarge is not in ops/prices.json",
        ),
        (lambda r: None, "ap-south-2", "no prices for aws:region 'ap-south-2'"),
        (
            lambda r: find(r, "aws:rds/instance:Instance")["inputs"].update(storageType="io2"),
            "us-east-1",
            "storage 20 GB io2 is not priced",
        ),
    ],
)
def test_what_the_table_cannot_price_is_listed_not_guessed(staging_document, change, region, unpriced):
    resources = rows(staging_document)
    change(resources)
    cost = estimate(resources, region)
    assert cost["complete"] is False
    assert any(unpriced in line for line in cost["unpriced"]), cost["unpriced"]


def test_free_tier_limits_are_noted(staging_document):
    resources = rows(staging_document)
    find(resources, "pulumi-python:dynamic/uptimerobot:Monitor")["inputs"]["interval"] = 60
    notes = estimate(resources, "us-east-1")["notes"]
    assert any(
        n.startswith("Sentry: the Developer plan has 1 user; this stack puts 2 organization member(s)") for n in notes
    )
    assert any(n.startswith("UptimeRobot: checks more often than every 300 s need a paid plan") for n in notes)
