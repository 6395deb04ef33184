"""Redis with Sentinel, as rendered, fails over: real ``redis-server`` and ``redis-sentinel``.

Three members start from their rendered ``redis.conf`` and ``sentinel.conf`` with only what
loopback requires rewritten: the planned addresses become 127.79.0.N and the data folders
temporary ones. The first member is the primary, the others replicate it; the Sentinels
find each other. Killing the primary's instance (its Redis and its Sentinel) makes the
two surviving Sentinels promote a replica; a client that asks a Sentinel for the primary,
as the rendered client variables say, reaches the new primary, finds the data written
before and writes.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.java_support import processes, replace_address, wait_until
from tests.redis_support import answers, command
from tiered.exporters.base import ExportOptions
from tiered.pipeline import Result, plan_file
from tiered.renderers.config import ConfigRenderer
from tiered.software.kinds.redis import DATA, MASTER_NAME, SENTINEL_DATA, SENTINEL_PORT

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not (shutil.which("redis-server") and shutil.which("redis-sentinel")),
        reason="needs Debian's redis-server and redis-sentinel",
    ),
]

#: Bounded waits, seconds: replication and Sentinel discovery, then the failover (Sentinel
#: waits down-after-milliseconds, 5 s, before it elects).
READY_TIMEOUT, FAILOVER_TIMEOUT = 60, 90

TOPOLOGY = """\
version: 1
name: sessions
provider: generic
zones: [rack1, rack2, rack3]
network: {cidr: 10.30.0.0/16}
tiers:
  app:
    role: application
    services:
      api: {software: nodejs, count: 2, depends_on: [cache]}
  data:
    role: data
    services:
      cache: {software: redis, count: 3, failover: active-passive}
"""


def test_sentinels_promote_a_replica_and_clients_follow(tmp_path: Path) -> None:
    source = tmp_path / "topology.yaml"
    source.write_text(TOPOLOGY)
    plan = plan_file(str(source))
    files = ConfigRenderer().export(Result.of_plan(plan), ExportOptions())
    members = plan.instances_of("cache")
    local = {m.name: f"127.79.0.{m.ordinal}" for m in members}
    port = plan.services["cache"].port

    env = str(files["config/api-1/etc/tiered/api.env"])
    planned_sentinels = ",".join(f"{m.ip}:{SENTINEL_PORT}" for m in members)
    assert f"CACHE_SENTINELS={planned_sentinels}" in env.replace("'", "").replace('"', "")
    assert f"CACHE_MASTER_NAME={MASTER_NAME}" in env.replace("'", "").replace('"', "")

    configs: dict[str, tuple[Path, Path]] = {}
    for member in members:
        folder = tmp_path / member.name
        for sub in ("data", "sentinel"):
            (folder / sub).mkdir(parents=True)
        rewritten = []
        for conf, data, sub in (
            ("redis.conf", DATA, "data"),
            ("sentinel.conf", SENTINEL_DATA, "sentinel"),
        ):
            text = str(files[f"config/{member.name}/etc/redis/{conf}"])
            for other in members:
                text = replace_address(text, str(other.ip), local[other.name])
            text = text.replace(f"dir {data}\n", f"dir {folder / sub}\n")
            assert str(member.ip) not in text and f"bind {local[member.name]}\n" in text
            (folder / conf).write_text(text)
            rewritten.append(folder / conf)
        configs[member.name] = (rewritten[0], rewritten[1])

    def primary_per_sentinel(names: list[str]) -> set[str | None]:
        seen: set[str | None] = set()
        for name in names:
            reply = answers(
                local[name], SENTINEL_PORT, "SENTINEL", "get-master-addr-by-name", MASTER_NAME
            )
            seen.add(reply[0] if isinstance(reply, list) and reply else None)
        return seen

    def known(name: str) -> tuple[int, int]:
        """(other Sentinels, replicas) the Sentinel of ``name`` knows."""
        reply = answers(local[name], SENTINEL_PORT, "SENTINEL", "master", MASTER_NAME)
        if not isinstance(reply, list):
            return (0, 0)
        fields = dict(zip(reply[::2], reply[1::2], strict=True))
        return (int(str(fields["num-other-sentinels"])), int(str(fields["num-slaves"])))

    names = [m.name for m in members]
    first, survivors = names[0], names[1:]
    with processes() as running:
        for name in names:
            redis_conf, sentinel_conf = configs[name]
            running.start(f"{name}-redis", ["redis-server", str(redis_conf)], redis_conf.parent)
            running.start(
                f"{name}-sentinel", ["redis-sentinel", str(sentinel_conf)], sentinel_conf.parent
            )
        info = lambda: str(answers(local[first], port, "INFO", "replication"))  # noqa: E731
        assert wait_until(lambda: "connected_slaves:2" in info(), READY_TIMEOUT), info()
        assert wait_until(lambda: all(known(n) == (2, 2) for n in names), READY_TIMEOUT), [
            known(n) for n in names
        ]
        assert primary_per_sentinel(names) == {local[first]}
        assert command(local[first], port, "SET", "before", "failover") == "OK"
        assert command(local[first], port, "WAIT", "2", "5000") == 2

        running.kill(f"{first}-redis")  # the primary's instance dies: Redis and Sentinel
        running.kill(f"{first}-sentinel")
        moved = lambda: primary_per_sentinel(survivors) - {local[first], None}  # noqa: E731
        assert wait_until(
            lambda: len(moved()) == 1 and len(primary_per_sentinel(survivors)) == 1,
            FAILOVER_TIMEOUT,
        ), primary_per_sentinel(survivors)

        # a client as the rendered variables describe it: ask a Sentinel, then connect
        (address, new_port) = command(
            local[survivors[0]], SENTINEL_PORT, "SENTINEL", "get-master-addr-by-name", MASTER_NAME
        )
        assert address in {local[n] for n in survivors}
        assert wait_until(
            lambda: answers(address, int(new_port), "SET", "after", "failover") == "OK", 30
        )
        assert command(address, int(new_port), "GET", "before") == "failover"
        assert command(address, int(new_port), "GET", "after") == "failover"
        role = command(address, int(new_port), "ROLE")
        assert isinstance(role, list) and role[0] == "master"
