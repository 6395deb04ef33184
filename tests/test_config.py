"""The config renderer and its delivery: goldens, every file checked against the plan, and
``cloud-init schema`` (Debian's cloud-init) on the user data of every instance of every example,
as CloudFormation delivers it."""

from __future__ import annotations

import base64
import gzip
import re
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import ALL_TOPOLOGIES, ROOT, run_tiered
from tests.golden_support import check_goldens
from tests.test_cloudformation_helpers import RENDERABLE, large_topology, plan_of, render
from tiered.exporters.base import ExportOptions
from tiered.pipeline import Result, plan_file
from tiered.placement.plan import Plan
from tiered.renderers.config import ConfigRenderer
from tiered.renderers.config.cloudinit import BOOT_LOG, MAX_USER_DATA
from tiered.renderers.config.model import BOOT_SCRIPT
from tiered.software import SOFTWARE

GOLDEN = ROOT / "tests" / "golden"
IDS = {"ids": lambda p: Path(p).stem}


def config_files(plan: Plan) -> dict[str, str]:
    return {
        k: str(v) for k, v in ConfigRenderer().export(Result.of_plan(plan), ExportOptions()).items()
    }


def instance_file(files: dict[str, str], instance: str, path: str) -> str:
    return files[f"config/{instance}{path}"]


def user_data(plan: Plan) -> dict[str, str]:
    """Each instance's user data as CloudFormation has it, sample values for the stack's."""
    found: dict[str, str] = {}
    for text in render(plan).values():
        template = yaml.safe_load(text)
        for logical, resource in template["Resources"].items():
            if resource["Type"] != "AWS::EC2::Instance":
                continue
            body, variables = resource["Properties"]["UserData"]["Fn::Base64"]["Fn::Sub"]
            found[logical] = _substitute(body, variables)
    return found


def _substitute(body: str, variables: dict[str, Any]) -> str:
    """What Fn::Sub makes of ``body``: variables and pseudo parameters filled in, ``${!x}``
    written ``${x}``; anything else left would be a template error."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name.startswith("!"):
            return "${" + name[1:] + "}"
        assert name in variables or name.startswith("AWS::"), name
        return f"sample-{name.replace('::', '-')}"

    return re.sub(r"\$\{([^}]*)\}", value, body)


# --- goldens -------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ALL_TOPOLOGIES, **IDS)
def test_config_golden(path: Path) -> None:
    files = config_files(plan_file(str(path)))
    folder = GOLDEN / path.stem
    check_goldens(folder, files, "config")


# --- the files against the plan ------------------------------------------------------------


@pytest.mark.parametrize("path", ALL_TOPOLOGIES, **IDS)
def test_every_instance_gets_the_files_of_its_software(path: Path) -> None:
    plan = plan_file(str(path))
    files = config_files(plan)
    for instance in plan.instances:
        service = plan.services[instance.service]
        owned = {name for name in files if name.startswith(f"config/{instance.name}/")}
        assert owned, instance.name
        for config in SOFTWARE[service.software].config_files:
            config = config.format(service=service.name)
            if service.software == "nginx" and service.name not in plan.entry_services:
                config = f"/etc/tiered/{service.name}.env"  # not a proxy: an application
            assert f"config/{instance.name}{config}" in owned, (instance.name, config)
        if plan.provider == "aws":
            assert f"config/{instance.name}/usr/local/sbin/tiered-boot" in owned


@pytest.mark.parametrize("path", ALL_TOPOLOGIES, **IDS)
def test_zookeeper_ensembles_are_the_planned_members(path: Path) -> None:
    plan = plan_file(str(path))
    files = config_files(plan)
    for service in plan.services.values():
        if service.software != "zookeeper":
            continue
        members = plan.instances_of(service.name)
        expected = [f"server.{m.ordinal}={m.ip}:2888:3888" for m in members]
        for member in members:
            text = instance_file(files, member.name, "/etc/zookeeper/zoo.cfg")
            assert [line for line in text.splitlines() if line.startswith("server.")] == expected
            assert f"clientPort={service.port}" in text.splitlines()
            assert instance_file(files, member.name, "/var/lib/zookeeper/myid") == (
                f"{member.ordinal}\n"
            )


def test_solr_joins_the_ensemble_it_depends_on() -> None:
    plan = plan_file("topology.yaml")
    files = config_files(plan)
    ensemble = ",".join(f"{m.ip}:2181" for m in plan.instances_of("zookeeper"))
    for member in plan.instances_of("solr"):
        text = instance_file(files, member.name, "/etc/default/solr.in.sh")
        assert f'ZK_HOST="{ensemble}/solr"' in text.splitlines()
        assert f'SOLR_HOST="{member.ip}"' in text.splitlines()


def test_application_environment_names_every_dependency() -> None:
    plan = plan_file("topology.yaml")
    files = config_files(plan)
    zookeeper = ",".join(f"{m.ip}:2181" for m in plan.instances_of("zookeeper"))
    brokers = ",".join(f"tcp://{m.ip}:61616" for m in plan.instances_of("activemq"))
    solr = ",".join(f"http://{m.ip}:8983/solr" for m in plan.instances_of("solr"))
    for member in plan.instances_of("integrate"):
        lines = instance_file(files, member.name, "/etc/tiered/integrate.env").splitlines()
        assert f'ZOOKEEPER_CONNECT="{zookeeper}"' in lines
        assert f'ACTIVEMQ_URL="failover:({brokers})"' in lines
        assert f'SOLR_URLS="{solr}"' in lines
        assert 'DB_HOST="${DatabaseAddressDb}"' in lines
        assert 'DB_CREDENTIALS_ARN="${DatabaseSecretArnDb}"' in lines
        assert 'FILES_MOUNT="/mnt/files"' in lines
        assert f'TIERED_ADDRESS="{member.ip}"' in lines


def test_activemq_pair_shares_its_kahadb_on_the_file_system() -> None:
    plan = plan_file("topology.yaml")
    files = config_files(plan)
    texts = {
        instance_file(files, m.name, "/etc/activemq/activemq.xml")
        for m in plan.instances_of("activemq")
    }
    assert len(texts) == 1  # master and slave start from the same file
    assert 'directory="/mnt/files/activemq/activemq/kahadb"' in texts.pop()


def test_nginx_runs_as_the_distributions_account() -> None:
    aws = config_files(plan_file("topology.yaml"))
    assert "user nginx;" in instance_file(aws, "nginx-1", "/etc/nginx/nginx.conf")
    generic = config_files(plan_file("examples/onprem-generic.yaml"))
    assert "user www-data;" in instance_file(generic, "lb-1", "/etc/nginx/nginx.conf")
    keepalived = instance_file(generic, "lb-1", "/etc/keepalived/keepalived.conf")
    assert "priority 150" in keepalived  # lb-1 is the planned master
    assert not any(name.endswith("tiered-boot") for name in generic)


def test_a_broker_pair_without_shared_storage_is_refused(tmp_path: Path) -> None:
    text = (
        (ROOT / "topology.yaml")
        .read_text()
        .replace("        depends_on: [files]\n\n  data:", "\n  data:")
    )
    assert text != (ROOT / "topology.yaml").read_text()
    source = tmp_path / "topology.yaml"
    source.write_text(text)
    out = tmp_path / "out"
    result = run_tiered("render", "config", str(source), "--out", str(out))
    assert result.returncode == 2, result.stderr
    assert "no shared file system" in result.stderr and "Traceback" not in result.stderr
    assert not out.exists()


@pytest.mark.parametrize("path", RENDERABLE, **IDS)
def test_boot_scripts_are_valid_shell(path: Path, tmp_path: Path) -> None:
    """`sh -n` (dash, a POSIX shell like Amazon Linux's /bin/sh target) parses every script."""
    files = config_files(plan_file(str(path)))
    scripts = [name for name in files if name.endswith("/usr/local/sbin/tiered-boot")]
    assert scripts
    for name in scripts:
        script = tmp_path / "boot.sh"
        script.write_text(files[name])
        result = subprocess.run(
            ["dash", "-n", str(script)], capture_output=True, text=True, timeout=30, check=False
        )
        assert result.returncode == 0, f"{name}: {result.stderr}"


def test_cli_writes_the_instance_trees(tmp_path: Path) -> None:
    result = run_tiered("render", "config", "topology.yaml", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    myid = tmp_path / "config" / "zookeeper-2" / "var" / "lib" / "zookeeper" / "myid"
    assert myid.read_text() == "2\n"


# --- delivery ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", RENDERABLE, **IDS)
def test_every_instance_boots_from_its_configuration(path: Path) -> None:
    plan = plan_file(str(path))
    data = user_data(plan)
    files = config_files(plan)
    assert len(data) == plan.instance_count
    for instance in plan.instances:
        logical = "Instance" + "".join(p[:1].upper() + p[1:] for p in instance.name.split("-"))
        text = data[logical]
        assert len(text.encode()) <= MAX_USER_DATA
        document = yaml.safe_load(text)
        written = {f["path"] for f in document["write_files"]}
        prefix = f"config/{instance.name}"
        expected = {n[len(prefix) :] for n in files if n.startswith(prefix + "/")}
        assert expected == written, instance.name
        assert "packages" not in document  # the boot script installs them, signalling tool first
        script = next(f["content"] for f in document["write_files"] if f["path"] == BOOT_SCRIPT)
        first_install = script.index("dnf install")
        assert script[first_install:].startswith(
            "dnf install -y --setopt=retries=10 --setopt=timeout=30 aws-cfn-bootstrap"
        )
        # the only step before the failure trap is the signalling tool's own install
        before_trap = script[: script.index("trap finish EXIT")]
        assert re.findall(r'\nstep "([^"]*)"', before_trap) == ["installing the signalling tool"]
        assert f"--resource {logical} " in script
        assert document["runcmd"] == [["sh", "-c", f"{BOOT_SCRIPT} > {BOOT_LOG} 2>&1"]]
        service = plan.services[instance.service]
        shared = [d for d in service.depends_on if plan.services[d].kind == "filesystem"]
        assert [m[1] for m in document.get("mounts", [])] == [f"/mnt/{d}" for d in shared]
        for mount in document.get("mounts", []):
            assert mount[2] == "efs" and {"tls", "_netdev"} <= set(mount[3].split(","))
        # no secret travels in user data: no key material, no password
        assert "PRIVATE KEY-----" not in text and "password" not in text.lower()
        download = SOFTWARE[service.software].download
        if download is not None and service.name not in plan.entry_services:
            assert f'"{download.checksum}  $work/' in text
            assert f"{download.algorithm}sum -c -" in text


def test_each_role_reads_exactly_what_its_boot_needs() -> None:
    template = yaml.safe_load(
        render(plan_file("topology.yaml"))["cloudformation/toro-integrate-ha.yaml"]
    )
    resources = template["Resources"]
    policies = {k: v for k, v in resources.items() if v["Type"] == "AWS::IAM::Policy"}
    assert sorted(policies) == [
        "BootPolicyArtifactIntegrate",
        "BootPolicySecretDb",
        "BootPolicyTlsCertificate",
    ]
    secret = policies["BootPolicySecretDb"]["Properties"]
    assert secret["Roles"] == [{"Ref": "InstanceRoleIntegrate"}]  # the db's only reader
    assert secret["PolicyDocument"]["Statement"] == [
        {
            "Action": "secretsmanager:GetSecretValue",
            "Effect": "Allow",
            "Resource": {"Fn::GetAtt": ["DatabaseDb", "MasterUserSecret.SecretArn"]},
        }
    ]
    tls = policies["BootPolicyTlsCertificate"]
    assert tls["Condition"] == "HasTlsCertificate"  # no grant at all when nothing is given
    assert tls["Properties"]["Roles"] == [{"Ref": "InstanceRoleNginx"}]
    artifact = policies["BootPolicyArtifactIntegrate"]
    assert artifact["Condition"] == "ArtifactInS3Integrate"
    assert artifact["Properties"]["Roles"] == [{"Ref": "InstanceRoleIntegrate"}]
    profiles = {
        name: r["Properties"]["IamInstanceProfile"]["Ref"]
        for name, r in resources.items()
        if r["Type"] == "AWS::EC2::Instance"
    }
    assert profiles["InstanceZookeeper1"] == "InstanceProfile"  # reads nothing: shared role
    assert profiles["InstanceIntegrate1"] == "InstanceProfileIntegrate"
    assert profiles["InstanceNginx2"] == "InstanceProfileNginx"
    # the wait for a signal adds up what the boot does: 180 s to the script, 375 s for the
    # signalling tool (5 tries of 60 + 15 s), 120 s + 60 s per package, the bounded waits
    # (downloads 600 s, mounts 300 s, the ZooKeeper quorum 600 s), the probe's 300 s
    timeouts = {
        name: resource["CreationPolicy"]["ResourceSignal"]["Timeout"]
        for name, resource in resources.items()
        if resource["Type"] == "AWS::EC2::Instance"
    }
    assert timeouts["InstanceNginx1"] == "PT18M"  # 180 + 375 + 180 + 300 = 1035 s
    assert timeouts["InstanceZookeeper2"] == "PT28M"  # + a download: 1635 s
    assert timeouts["InstanceSolr3"] == "PT45M"  # 3 packages, download, mount, quorum: 2655 s
    assert timeouts["InstanceIntegrate1"] == "PT34M"  # 2 packages, artifact, mount: 1995 s
    outputs = template["Outputs"]
    assert outputs["DatabaseSecretArnDb"]["Value"] == {
        "Fn::GetAtt": ["DatabaseDb", "MasterUserSecret.SecretArn"]
    }
    assert outputs["DatabaseEndpointDb"]["Value"] == {
        "Fn::GetAtt": ["DatabaseDb", "Endpoint.Address"]
    }
    assert "SELF-SIGNED" in outputs["TlsCertificate"]["Value"]["Fn::If"][2]


def test_user_data_too_large_for_plain_text_is_compressed() -> None:
    plan = plan_of(large_topology())
    data = user_data(plan)
    proxy = yaml.safe_load(data["InstanceProxy1"])
    packed = [f for f in proxy["write_files"] if f.get("encoding") == "gz+b64"]
    assert [f["path"] for f in packed] == ["/etc/nginx/nginx.conf"]
    conf = gzip.decompress(base64.b64decode(packed[0]["content"])).decode()
    assert conf.count("server 10.") == 260


@pytest.mark.slow
def test_cloud_init_accepts_every_user_data(tmp_path: Path) -> None:
    """`cloud-init schema --config-file` on every instance of every example (and the nested
    stacks of a large topology), run a few at a time."""
    documents: list[Path] = []
    plans = [plan_file(str(p)) for p in RENDERABLE] + [plan_of(large_topology(20))]
    for plan in plans:
        for logical, text in user_data(plan).items():
            target = tmp_path / plan.name / f"{logical}.yaml"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)
            documents.append(target)

    def check(document: Path) -> tuple[Path, subprocess.CompletedProcess[str]]:
        result = subprocess.run(
            ["cloud-init", "schema", "--config-file", str(document)],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        return document, result

    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(pool.map(check, documents))
    failures = [
        f"{doc}: {res.stdout}{res.stderr}"
        for doc, res in results
        if res.returncode != 0 or "Valid cloud-config" not in res.stdout
    ]
    assert failures == []
    assert len(results) > 100


def test_cloud_init_refuses_what_it_should(tmp_path: Path) -> None:
    """The schema check is live: a value of the wrong type is reported."""
    text = user_data(plan_file("topology.yaml"))["InstanceZookeeper1"]
    broken = tmp_path / "broken.yaml"
    broken.write_text(text.replace("    defer: true", "    defer: 7", 1))
    result = subprocess.run(
        ["cloud-init", "schema", "--config-file", str(broken)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "write_files.0.defer: 7 is not of type 'boolean'" in result.stdout + result.stderr
