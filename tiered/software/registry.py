"""The software registry: the ``tiered.software`` entry points, by name.

A kind is registered as ``NAME = "module:Class"`` in the entry-point group ``tiered.software``
(a third party does so in its own package's metadata). Built-in kinds are registered in
pyproject.toml like any plugin, and also listed in ``BUILT_IN`` (a test holds the two
equal): looking one of them up then costs no scan of every installed package's entry
points, and loads only that kind's module. A built-in name is always the built-in kind (a
plugin cannot replace it, as with exporters); a name no kind has resolves to ``generic``.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import cache

from tiered.software.base import Kind

GROUP = "tiered.software"

#: The kinds shipped with tiered, as registered in pyproject.toml.
BUILT_IN: dict[str, str] = {
    "activemq": "tiered.software.kinds.activemq:ActiveMq",
    "consul": "tiered.software.kinds.consul:Consul",
    "elasticsearch": "tiered.software.kinds.elasticsearch:Elasticsearch",
    "envoy": "tiered.software.kinds.envoy:Envoy",
    "etcd": "tiered.software.kinds.etcd:Etcd",
    "generic": "tiered.software.kinds.generic:Generic",
    "haproxy": "tiered.software.kinds.haproxy:Haproxy",
    "kafka": "tiered.software.kinds.kafka:Kafka",
    "memcached": "tiered.software.kinds.memcached:Memcached",
    "mysql": "tiered.software.kinds.mysql:MySql",
    "nginx": "tiered.software.kinds.nginx:Nginx",
    "nodejs": "tiered.software.kinds.nodejs:NodeJs",
    "postgres": "tiered.software.kinds.postgres:Postgres",
    "rabbitmq": "tiered.software.kinds.rabbitmq:RabbitMq",
    "redis": "tiered.software.kinds.redis:Redis",
    "solr": "tiered.software.kinds.solr:Solr",
    "tomcat": "tiered.software.kinds.tomcat:Tomcat",
    "toro-integrate": "tiered.software.kinds.toro_integrate:ToroIntegrate",
    "zookeeper": "tiered.software.kinds.zookeeper:ZooKeeper",
}

#: Kinds registered in code (``registered``), over installed ones of the same name.
_registered: dict[str, Kind] = {}


@cache
def _plugins() -> dict[str, str]:
    """Installed kinds that are not built in (scanning entry points: only when needed)."""
    from importlib.metadata import entry_points

    return {ep.name: ep.value for ep in entry_points(group=GROUP) if ep.name not in BUILT_IN}


@cache
def _load(name: str) -> Kind | None:
    value = BUILT_IN.get(name) or _plugins().get(name)
    if value is None:
        return None
    module, _, attribute = value.partition(":")
    loaded: object = importlib.import_module(module)
    for part in attribute.split("."):
        loaded = getattr(loaded, part)
    kind = loaded() if isinstance(loaded, type) else loaded
    if not isinstance(kind, Kind):
        raise TypeError(f"entry point {name} = {value} is not a tiered software Kind")
    if kind.name != name:
        raise TypeError(f"entry point {name} = {value} declares the kind '{kind.name}'")
    return kind


def lookup(name: str) -> Kind | None:
    """The kind called ``name``, or None when no kind has that name."""
    return _registered.get(name) or _load(name)


def software(name: str) -> Kind:
    """The kind called ``name`` (``generic`` for software no kind declares)."""
    kind = lookup(name)
    if kind is not None:
        return kind
    generic = lookup("generic")
    assert generic is not None  # built in
    return generic


def known(name: str) -> bool:
    """Whether a kind is called ``name`` (scans entry points only for a name not built in)."""
    return name in _registered or name in BUILT_IN or name in _plugins()


def names() -> list[str]:
    """Every kind's name, sorted."""
    return sorted({*BUILT_IN, *_plugins(), *_registered})


@contextmanager
def registered(*kinds: Kind) -> Iterator[None]:
    """Make ``kinds`` known while the block runs (tests, or a program embedding tiered)."""
    before = dict(_registered)
    _registered.update({kind.name: kind for kind in kinds})
    try:
        yield
    finally:
        _registered.clear()
        _registered.update(before)


class Catalogue(Mapping[str, Kind]):
    """Every kind by name, loaded on first use (``SOFTWARE["zookeeper"].port``)."""

    def __getitem__(self, name: str) -> Kind:
        kind = lookup(name)
        if kind is None:
            raise KeyError(name)
        return kind

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and known(name)

    def __iter__(self) -> Iterator[str]:
        return iter(names())

    def __len__(self) -> int:
        return len(names())


SOFTWARE = Catalogue()
