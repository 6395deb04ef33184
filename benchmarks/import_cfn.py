"""Benchmark of `tiered import cloudformation` (timings printed, never asserted).

    .venv/bin/python benchmarks/import_cfn.py [--resources 2000] [--runs 7] [--keep FILE]

Generates a realistic template of about ``--resources`` resources (a VPC over three
zones; per application unit a security group with ingress from its caller, instances in
the private subnets, recovery alarms; Auto Scaling groups behind load balancers; RDS and
EFS), written in YAML with short-form tags. Then reports:

* in process: loading the template with positions, and the whole import, next to a bare
  ``yaml.load`` with PyYAML's CSafeLoader (taught the short-form tags) of the same file;
* whole processes, median of ``--runs``: ``tiered import cloudformation BIG.yaml -o OUT``
  next to ``python -c "<the imports>; yaml.load(BIG, CSafeLoader)"``, and their ratio (the
  goal: at most 2×); and ``tiered validate BIG.yaml`` (the import, then validation,
  placement and the rules) next to the import (the goal: at most 2× of it).
"""

from __future__ import annotations

import argparse
import gc
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PYTHON = sys.executable
TIERED = str(Path(PYTHON).parent / "tiered")
IMPORTS = "import pydantic, networkx, yaml, typer"
#: The yardstick's loader: PyYAML's CSafeLoader taught CloudFormation's short-form tags
#: (each tagged node built as a plain value, the cheapest a template can be read).
LOADER = (
    "class L(yaml.CSafeLoader): pass\n"
    "def t(loader, suffix, node):\n"
    "    if isinstance(node, yaml.ScalarNode): return loader.construct_scalar(node)\n"
    "    if isinstance(node, yaml.SequenceNode): return loader.construct_sequence(node)\n"
    "    return loader.construct_mapping(node)\n"
    "L.add_multi_constructor('!', t)\n"
)
ZONES = ("a", "b", "c")


def template_text(resources: int = 2000) -> str:
    """A template of about ``resources`` resources, YAML with short-form tags."""
    out = [
        'AWSTemplateFormatVersion: "2010-09-09"',
        "Description: generated for the import benchmark",
        "Parameters:",
        "  InstanceType: {Type: String, Default: t3.micro}",
        "  LatestAmiId:",
        "    Type: AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>",
        "    Default: /aws/service/ami-amazon-linux-latest/al2023-ami-kernel-6.1-x86_64",
        "Resources:",
        "  Vpc:",
        "    Type: AWS::EC2::VPC",
        "    Properties: {CidrBlock: 10.0.0.0/16, EnableDnsHostnames: true}",
    ]
    count = 1
    for index, zone in enumerate(ZONES):
        out += [
            f"  Subnet{index}:",
            "    Type: AWS::EC2::Subnet",
            "    Properties:",
            "      VpcId: !Ref Vpc",
            f"      CidrBlock: 10.0.{index}.0/20",
            f"      AvailabilityZone: !Sub '${{AWS::Region}}{zone}'",
        ]
        count += 1
    unit = 0
    previous = None
    while count < resources:
        group = f"Unit{unit}Sg"
        ingress = (
            f"        - {{IpProtocol: tcp, FromPort: 8080, ToPort: 8080, "
            f"SourceSecurityGroupId: !GetAtt {previous}.GroupId}}"
            if previous
            else "        - {IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 0.0.0.0/0}"
        )
        out += [
            f"  {group}:",
            "    Type: AWS::EC2::SecurityGroup",
            "    Properties:",
            f"      GroupDescription: unit {unit}",
            "      VpcId: !Ref Vpc",
            "      SecurityGroupIngress:",
            ingress,
            "      Tags:",
            "        - {Key: tiered:software, Value: tomcat}",
        ]
        count += 1
        for replica in range(3):
            name = f"Unit{unit}Server{replica + 1}"
            out += [
                f"  {name}:",
                "    Type: AWS::EC2::Instance",
                "    Properties:",
                "      ImageId: !Ref LatestAmiId",
                "      InstanceType: !Ref InstanceType",
                f"      SubnetId: !Ref Subnet{replica % 3}",
                f"      SecurityGroupIds: [!GetAtt {group}.GroupId]",
                "      Tags:",
                f"        - {{Key: Name, Value: !Sub '${{AWS::StackName}}-unit{unit}-{replica}'}}",
                f"  {name}Alarm:",
                "    Type: AWS::CloudWatch::Alarm",
                "    Properties:",
                "      MetricName: StatusCheckFailed_System",
                "      Namespace: AWS/EC2",
                "      Statistic: Maximum",
                "      Period: 60",
                "      EvaluationPeriods: 2",
                "      Threshold: 0",
                "      ComparisonOperator: GreaterThanThreshold",
                f"      Dimensions: [{{Name: InstanceId, Value: !Ref {name}}}]",
            ]
            count += 2
        if unit % 10 == 9:
            out += [
                f"  Unit{unit}Db:",
                "    Type: AWS::RDS::DBInstance",
                "    Properties:",
                "      Engine: postgres",
                "      DBInstanceClass: db.t3.micro",
                "      MultiAZ: true",
                f"      VPCSecurityGroups: [!GetAtt {group}.GroupId]",
            ]
            count += 1
        previous = group
        unit += 1
    return "\n".join(out) + "\n"


def median_process(argv: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.run(argv, capture_output=True, check=False, cwd=ROOT)
        times.append(time.perf_counter() - start)
        if proc.returncode not in (0, 1):
            raise SystemExit(f"{' '.join(argv)} failed:\n{proc.stderr.decode()[-2000:]}")
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--resources", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--keep", help="also write the generated template here")
    args = parser.parse_args()
    text = template_text(args.resources)
    with tempfile.TemporaryDirectory() as folder:
        big = Path(folder) / "big.yaml"
        big.write_text(text)
        if args.keep:
            Path(args.keep).write_text(text)
        from tiered.importers.cloudformation.assemble import import_template
        from tiered.importers.cloudformation.options import ImportOptions
        from tiered.importers.cloudformation.source import load_template
        from tiered.importers.cloudformation.writer import write_topology

        scope: dict[str, object] = {"yaml": yaml}
        exec(LOADER, scope)
        gc.disable()
        start = time.perf_counter()
        yaml.load(text, Loader=scope["L"])  # type: ignore[arg-type]
        parsed = time.perf_counter()
        loaded = load_template(str(big))
        positioned = time.perf_counter()
        imported = import_template(str(big), ImportOptions())
        written = write_topology(imported)
        done = time.perf_counter()
        gc.enable()
        resources = len(loaded.data["Resources"])
        services = len(imported.drafts)
        print(
            f"template: {resources:,} resources, {len(text) / 1024:.0f} KiB → {services} services"
        )
        print(f"  yaml.load (CSafeLoader)             {1000 * (parsed - start):8.0f} ms")
        print(f"  load with positions (tiered)        {1000 * (positioned - parsed):8.0f} ms")
        print(f"  whole import + written file         {1000 * (done - positioned):8.0f} ms")
        print(f"  ({len(written.splitlines())} lines written)")
        out = Path(folder) / "out.yaml"
        importing = median_process(
            [TIERED, "import", "cloudformation", str(big), "-o", str(out)], args.runs
        )
        baseline = median_process(
            [
                PYTHON,
                "-c",
                f"{IMPORTS}\n{LOADER}yaml.load(open({str(big)!r}), Loader=L)",
            ],
            args.runs,
        )
        validating = median_process([TIERED, "validate", str(big)], args.runs)
        print(f"whole process, median of {args.runs}:")
        print(f"  tiered import cloudformation        {1000 * importing:8.0f} ms")
        print(f"  imports + CSafeLoader parse         {1000 * baseline:8.0f} ms")
        print(f"  ratio                               {importing / baseline:8.2f}×")
        print(f"  tiered validate (the template)      {1000 * validating:8.0f} ms")
        print(f"  ratio to the import                 {validating / importing:8.2f}×")


if __name__ == "__main__":
    main()
