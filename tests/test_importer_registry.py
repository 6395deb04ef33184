"""Importers are plugins: the registry, its built-in table, options passed with each read,
and a third-party importer that `tiered validate` reads through."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tiered.importers import read_foreign, registry
from tiered.importers.base import Importer
from tiered.importers.cloudformation import CloudFormationImporter
from tiered.importers.options import ImportOptions
from tiered.loading.loader import Loaded, SourceMap

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "tests" / "fixtures" / "cfn-samples"


class RackList(Importer):
    """A toy format: ``rackfile`` on the first line, then ``SERVICE COUNT ZONE...``."""

    name = "racklist"
    description = "a list of services and the racks they run in"

    def sniff(self, source: str | bytes) -> bool:
        head = source if isinstance(source, bytes) else Path(source).read_bytes()
        return head.startswith(b"rackfile\n")

    def read(self, path: str, options: ImportOptions) -> Loaded:
        source = SourceMap(path)
        services = {}
        zones: list[str] = []
        lines = Path(path).read_text().splitlines()
        for number, line in enumerate(lines[1:], start=2):
            name, count, *where = line.split()
            services[name] = {"count": int(count), "failover": "active-active", "zones": where}
            zones += [z for z in where if z not in zones]
            source.keys[("tiers", "app", "services", name)] = (number, 1)
        data = {
            "version": 1,
            "name": options.parameters.get("Name", "racks"),
            "provider": "generic",
            "zones": zones,
            "network": {"cidr": "10.0.0.0/16"},
            "tiers": {"app": {"role": "application", "services": services}},
        }
        return Loaded(data, source, [])


@pytest.fixture
def racklist() -> object:
    registry.register(RackList())
    yield
    registry.unregister("racklist")


def test_built_in_importers_are_registered_in_pyproject_exactly() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["entry-points"][registry.GROUP] == registry.BUILT_IN


def test_cloudformation_is_the_first_importer_and_loads_by_name() -> None:
    importer = registry.get("cloudformation")
    assert isinstance(importer, CloudFormationImporter)
    assert importer.name == "cloudformation" and importer.description
    assert importer.sniff(b'AWSTemplateFormatVersion: "2010-09-09"\nResources: {}\n')
    assert not importer.sniff(b"version: 1\ntiers: {}\n")
    with pytest.raises(registry.UnknownImporter, match="not a format") as error:
        registry.get("cloudformatoin")
    assert error.value.hint == "did you mean 'cloudformation'?"


def test_a_topology_is_claimed_by_no_importer(tmp_path: Path) -> None:
    topology = tmp_path / "topology.yaml"
    topology.write_text("version: 1\nname: x\ntiers: {}\n")
    assert read_foreign(str(topology)) is None
    assert read_foreign(str(tmp_path / "missing.yaml")) is None


def test_options_are_passed_with_each_read_not_kept(tmp_path: Path) -> None:
    sample = str(SAMPLES / "AutoScalingMultiAZWithNotifications.yaml")
    given = ImportOptions(
        parameters={"Subnets": "subnet-1,subnet-2"},
        zones={"subnet-1": "us-west-2a", "subnet-2": "us-west-2b"},
    )
    with_zones = read_foreign(sample, given)
    without = read_foreign(sample)
    assert with_zones is not None and without is not None
    assert with_zones.data["zones"] == ["us-west-2a", "us-west-2b"]
    assert without.data["region"] == "us-east-1"  # nothing of the first read stayed


def test_validate_reads_through_a_registered_importer(racklist: object, tmp_path: Path) -> None:
    from tiered.cli.main import app

    racks = tmp_path / "racks.txt"
    racks.write_text("rackfile\napi 2 rack-a\nworker 3 rack-a rack-b\n")
    result = CliRunner().invoke(app, ["validate", str(racks)])
    assert result.exit_code == 1, result.output
    assert f"{racks}:2:1: TR002 api: all 2 replicas are in rack-a" in result.output
    assert "2 services, 5 instances" in result.output
    assert "racklist" in registry.names()


def test_from_names_a_registered_importer_and_passes_the_options(
    racklist: object, tmp_path: Path
) -> None:
    from tiered.cli.main import app

    racks = tmp_path / "racks.txt"
    racks.write_text("not a header\nweb 2 rack-a rack-b\n")
    runner = CliRunner()
    result = runner.invoke(app, ["--from", "racklist", "--param", "Name=shop", "plan", str(racks)])
    assert result.exit_code == 0, result.output
    assert "shop" in result.output and "web-1" in result.output
    unknown = runner.invoke(app, ["--from", "racklst", "validate", str(racks)])
    assert unknown.exit_code == 2
    assert "did you mean 'racklist'?" in unknown.output
