"""The install hook: what every kind gets whose configuration tiered cannot write.

An environment file with the instance, its peers and the endpoints of its dependencies
(``<DEPENDENCY>_<SUFFIX>``, the dependency's name in capitals with ``_`` for ``-``); on
``provider: aws`` a boot step that installs the application: the stack parameters
``ArtifactUrl<Service>`` / ``ArtifactSha256<Service>`` name a ``.tar.gz`` whose top-level
``install.sh`` is run with the environment file as its argument.
"""

from __future__ import annotations

from tiered.software import stack
from tiered.software.context import InstanceContext
from tiered.software.delivery import Delivery, header
from tiered.software.probes import Readiness

#: Where an application's environment file lives (``{service}`` is filled in).
ENV_FILE = "/etc/tiered/{service}.env"
#: What an instance configured by the hook is labelled as.
HOOK = "hook"
#: The longest one download may take (curl's --max-time), retries included.
DOWNLOAD_SECONDS = 600


def environment_file(instance: InstanceContext, delivery: Delivery) -> str:
    """The application's environment file: itself, its peers, and its dependencies."""
    service = instance.service
    lines = [
        header(service.topology, service.name, "Environment").rstrip("\n"),
        f'TIERED_TOPOLOGY="{service.topology}"',
        f'TIERED_SERVICE="{service.name}"',
        f'TIERED_INSTANCE="{instance.name}"',
        f'TIERED_ROLE="{instance.role}"',
        f'TIERED_ZONE="{instance.zone}"',
        f'TIERED_ADDRESS="{instance.address}"',
        f'TIERED_PORT="{service.port}"',
        f'TIERED_MEMBERS="{",".join(service.member_endpoints)}"',
    ]
    if service.aws:
        region = stack.region()
        delivery.use(region)
        lines.insert(1, "# Addresses and ARNs of managed services are filled in by CloudFormation.")
        lines.append(f'AWS_REGION="{stack.ref(region)}"')
    if service.aws and service.heap_mib is not None:
        lines.append(f"# the JVM heap: half the memory of {service.instance_type}")
        lines.append(f'JAVA_OPTS="-Xms{service.heap_mib}m -Xmx{service.heap_mib}m"')
    for endpoint in service.dependencies:
        lines.append(f"# {endpoint.name}: {endpoint.kind} service ({endpoint.software})")
        lines += endpoint.assignments
        delivery.use(*endpoint.stack_values)
    return "\n".join(lines) + "\n"


def deliver(instance: InstanceContext) -> Delivery:
    """The environment file and, on aws, the step that runs the application's installer."""
    service = instance.service
    delivery = Delivery(HOOK)
    env = ENV_FILE.format(service=service.name)
    delivery.add_file(env, environment_file(instance, delivery), mode="0640")
    if service.aws:
        delivery.steps.append(_install_step(service.name, service.software, env, delivery))
        delivery.waits += DOWNLOAD_SECONDS
    return delivery


def awaited(readiness: Readiness) -> Readiness:
    """``readiness`` of an application the hook installs: only once an artifact was given
    (without one nothing is installed, there is nothing to wait for)."""
    return Readiness(
        f"{readiness.what} (when an artifact was given)",
        f'[ -z "$artifact_url" ] || {readiness.check}',
    )


def _install_step(name: str, software: str, env: str, delivery: Delivery) -> str:
    url, checksum, region = stack.artifact_url(name), stack.artifact_sha256(name), stack.region()
    delivery.use(url, checksum, region)
    home = f"/opt/{name}"
    return (
        f"# {name} ({software}): tiered cannot know how to install it. The\n"
        f"# stack parameters {url.name} (https:// or s3://) and {checksum.name} name a\n"
        "# .tar.gz whose top-level install.sh is run as root with the environment file as\n"
        "# its argument; without them the instance is ready but runs nothing.\n"
        f"artifact_url='{stack.ref(url)}'\n"
        f"artifact_sha256='{stack.ref(checksum)}'\n"
        'if [ -z "$artifact_url" ]; then\n'
        f'  log "no application artifact given ({url.name}): {name} is not '
        f'installed; {env} is ready"\n'
        "else\n"
        f'  step "installing the artifact of {name}"\n'
        f'  [ -n "$artifact_sha256" ] || {{ log "{checksum.name} is required"; exit 1; }}\n'
        '  case "$artifact_url" in\n'
        f"    s3://*) aws s3 cp --region '{stack.ref(region)}' \"$artifact_url\" "
        "$work/artifact.tar.gz ;;\n"
        f"    *) curl -fsSL --retry 5 --max-time {DOWNLOAD_SECONDS} -o $work/artifact.tar.gz "
        '"$artifact_url" ;;\n'
        "  esac\n"
        f'  step "checking the artifact of {name} against {checksum.name}"\n'
        '  echo "$artifact_sha256  $work/artifact.tar.gz" | sha256sum -c -\n'
        f"  install -d {home}\n"
        f"  tar -xzf $work/artifact.tar.gz -C {home}\n"
        "  rm -f $work/artifact.tar.gz\n"
        f'  step "running the install.sh of {name}"\n'
        f"  {home}/install.sh {env}\n"
        "fi"
    )
