"""A Python user's CDK app: the construct from the built wheel, with snake_case props."""
import json
import re
from pathlib import Path

import pytest
from aws_cdk import App, Duration, Stack
from aws_cdk import aws_events as events
from aws_cdk.assertions import Template
from cdk_multi_region_lake_replica import BucketMapping, MultiRegionLakeReplica

README = Path(__file__).resolve().parents[3] / "README.md"


def replica_props(**overrides):
    props = dict(
        source_region="us-east-1",
        target_regions=["us-west-2", "eu-west-1"],
        databases=["sales*", "marketing"],
        exclude_databases=["*_tmp"],
        bucket_mappings=[
            BucketMapping(source_bucket="acme-lake-raw", target_bucket="acme-lake-raw-usw2", target_region="us-west-2"),
        ],
        poll_interval=Duration.minutes(5),
        lookback=Duration.hours(2),
        reconcile_schedule=events.Schedule.rate(Duration.hours(6)),
    )
    props.update(overrides)
    return props


def new_stack():
    return Stack(App(), "LakeReplica", env={"account": "111122223333", "region": "us-west-2"})


def rendered(value):
    """A string property as deployed, with each CloudFormation token (e.g. the bucket's Ref) as "<token>"."""
    if isinstance(value, str):
        return value
    separator, parts = value["Fn::Join"]
    return separator.join(part if isinstance(part, str) else "<token>" for part in parts)


def job_settings(template):
    """The job configuration every handler receives in LAKE_REPLICA_SETTINGS."""
    functions = template.find_resources("AWS::Lambda::Function")
    settings = [
        json.loads(rendered(fn["Properties"]["Environment"]["Variables"]["LAKE_REPLICA_SETTINGS"]))
        for fn in functions.values()
        if "LAKE_REPLICA_SETTINGS" in fn["Properties"].get("Environment", {}).get("Variables", {})
    ]
    assert settings, "no Lambda function carries LAKE_REPLICA_SETTINGS"
    return settings


def test_synthesizes_with_snake_case_props():
    stack = new_stack()
    MultiRegionLakeReplica(stack, "Replica", **replica_props())
    template = Template.from_stack(stack)

    template.has_resource_properties("AWS::Events::Rule", {"ScheduleExpression": "rate(6 hours)"})
    template.resource_count_is("AWS::StepFunctions::StateMachine", 1)
    for settings in job_settings(template):
        assert settings["sourceRegion"] == "us-east-1"
        assert settings["targetRegions"] == ["us-west-2", "eu-west-1"]
        assert settings["databases"] == ["sales*", "marketing"]
        assert settings["excludeDatabases"] == ["*_tmp"]
        assert settings["bucketMappings"] == [
            {"sourceBucket": "acme-lake-raw", "targetBucket": "acme-lake-raw-usw2", "targetRegion": "us-west-2"},
        ]


def test_bad_prop_raises_a_readable_error():
    stack = new_stack()
    with pytest.raises(Exception) as raised:
        MultiRegionLakeReplica(stack, "Replica", **replica_props(target_regions=["us-east-1"]))
    message = str(raised.value)
    assert "Invalid MultiRegionLakeReplica props" in message
    assert "targetRegions" in message
    assert "us-east-1" in message


def readme_examples():
    blocks = re.findall(r"^```python\n(.*?)^```", README.read_text(encoding="utf-8"), re.M | re.S)
    assert blocks, f"no ```python example in {README}"
    return blocks


@pytest.mark.parametrize("index", range(len(readme_examples())))
def test_readme_example_synthesizes(index):
    namespace = {}
    exec(compile(readme_examples()[index], f"README.md python example {index + 1}", "exec"), namespace)
    assembly = namespace["app"].synth()
    assert any(stack.template.get("Resources") for stack in assembly.stacks)
