"""Per software: the files an instance needs and, on AWS, the boot steps that install it.

``configure`` fills an ``InstanceBoot`` for one planned instance. Everything comes from the
plan and the software catalogue (``tiered.software``):

* nginx (entry tier): the instance's nginx.conf from the NGINX renderer, ``user nginx`` on
  Amazon Linux 2023; the certificate from the stack parameter naming a Secrets Manager
  secret or an SSM parameter with the PEM pair, else a self-signed pair made at first boot
  (the boot log and the stack outputs say so). On ``provider: generic`` the keepalived.conf
  of the VRRP pair as well.
* ZooKeeper: ``zoo.cfg`` with one ``server.N=IP:2888:3888`` line per planned member (N = the
  replica's number) and ``myid``.
* Solr: ``solr.in.sh`` with ``ZK_HOST`` = the ZooKeeper ensemble it depends on (chroot
  ``/solr``, created on first start) and ``SOLR_HOST`` = its planned address.
* ActiveMQ: shared-file-system master/slave, the KahaDB directory on the file system it
  depends on; whichever broker holds the directory's lock serves.
* everything else (applications, ``generic``): an environment file with the endpoints of
  its dependencies (``renderers.config.endpoints``) and the install hook: the stack
  parameters ``ArtifactUrl<Service>`` / ``ArtifactSha256<Service>`` name a ``.tar.gz`` whose
  top-level ``install.sh`` is run with the environment file as its argument.

Releases the distribution does not package are downloaded at boot and checked against the
catalogue's pinned checksum before anything is unpacked. Every JVM gets a heap sized from
its instance type (``renderers.config.heap``); Solr starts only once a majority of its
ZooKeeper ensemble serves; each boot ends waiting for its service's health probe
(``renderers.config.probes``), and every wait is bounded (``InstanceBoot.waits`` adds the
bounds up for the stack's signal timeout).
"""

from __future__ import annotations

from tiered.exporters.base import ExportOptions, ExportRefused
from tiered.model import Tls
from tiered.placement.plan import Instance, Plan, ServicePlan
from tiered.renderers import templating
from tiered.renderers.config import stack
from tiered.renderers.config.endpoints import (
    dependency_variables,
    members,
    mount_point,
    prefix,
    zookeeper_connect,
)
from tiered.renderers.config.heap import heap_mib
from tiered.renderers.config.model import InstanceBoot, Mount
from tiered.renderers.config.probes import health_probe, zookeeper_serving
from tiered.renderers.keepalived import KeepalivedRenderer
from tiered.renderers.nginx import proxies, render_config
from tiered.software import ENV_FILE, JAVA, Download, software

#: The instance type whose memory sizes a JVM when the service names none.
DEFAULT_INSTANCE_TYPE = "t3.micro"
#: The package that mounts EFS.
EFS_PACKAGE = "amazon-efs-utils"
#: EFS mount options: TLS in transit, wait for the network, a fresh source port on reconnect.
EFS_OPTIONS = "_netdev,noresvport,tls"
#: ZooKeeper's quorum and election ports (server.N=IP:QUORUM:ELECTION).
ZK_QUORUM_PORT, ZK_ELECTION_PORT = 2888, 3888
#: The ZooKeeper chroot SolrCloud keeps its state under.
SOLR_CHROOT = "/solr"
#: The broker's own (unshared) data: temporary stores, scheduler.
ACTIVEMQ_DATA = "/var/lib/activemq"
#: Seconds a mount may take to come up (mount targets are created with the stack).
MOUNT_ATTEMPTS, MOUNT_PAUSE = 30, 10
#: The longest one download may take (curl's --max-time), retries included.
DOWNLOAD_SECONDS = 600
#: How long Solr waits for a ZooKeeper quorum before its boot fails: 60 tries, 10 s apart.
QUORUM_ATTEMPTS, QUORUM_PAUSE = 60, 10


def configure(plan: Plan, instance: Instance, *, aws: bool) -> InstanceBoot:
    """The files of ``instance``, and on AWS its packages, mounts and boot steps."""
    service = plan.services[instance.service]
    entry_proxy = any(p.name == service.name for p in proxies(plan))
    full = software(service.software).configured == "full" and service.software != "nginx"
    kind = "nginx" if entry_proxy else (service.software if full else "hook")
    boot = InstanceBoot(instance=instance, software=kind)
    if aws:
        boot.add_packages(*software(service.software).packages)
        _user(boot, service)
        _mounts(plan, service, boot)
        _download(boot, software(service.software).download, service)
    if kind == "nginx":
        _nginx(plan, service, instance, boot, aws)
    elif kind == "zookeeper":
        _zookeeper(plan, service, instance, boot, aws)
    elif kind == "solr":
        _solr(plan, service, instance, boot, aws)
    elif kind == "activemq":
        _activemq(plan, service, instance, boot, aws)
    else:
        _application(plan, service, instance, boot, aws)
    if aws:
        boot.probe = health_probe(kind, plan, service, instance)
    return boot


def heap(service: ServicePlan) -> int:
    """The heap (MiB) of the service's JVM on its instance type."""
    return heap_mib(service.instance_type or DEFAULT_INSTANCE_TYPE)


# --- common steps --------------------------------------------------------------------------


def _user(boot: InstanceBoot, service: ServicePlan) -> None:
    user = software(service.software).user
    if user is None:
        return
    boot.steps.append(
        f"# the account {user.name} runs as (uid {user.uid} on every member: shared mounts "
        "agree on owners)\n"
        f"id -u {user.name} >/dev/null 2>&1 || useradd --system --uid {user.uid} "
        f"--user-group --no-create-home --shell /sbin/nologin {user.name}"
    )


def _mounts(plan: Plan, service: ServicePlan, boot: InstanceBoot) -> None:
    for name in service.depends_on:
        if plan.services[name].kind != "filesystem":
            continue
        value = stack.filesystem_id(name)
        point = mount_point(name)
        boot.use(value)
        boot.mounts.append(Mount(name, point, value))
        boot.add_packages(EFS_PACKAGE)
        boot.waits += MOUNT_ATTEMPTS * MOUNT_PAUSE
        boot.steps.append(
            f"# {name}: EFS over TLS at {point} (fstab, _netdev); mount targets may still be\n"
            f"# coming up, so retry for up to {MOUNT_ATTEMPTS * MOUNT_PAUSE} s\n"
            f"install -d {point}\n"
            "n=0\n"
            f"until mountpoint -q {point}; do\n"
            f"  mount {point} || true\n"
            "  n=$((n + 1))\n"
            f'  [ "$n" -lt {MOUNT_ATTEMPTS} ] || {{ log "cannot mount {point}"; exit 1; }}\n'
            f"  mountpoint -q {point} || sleep {MOUNT_PAUSE}\n"
            "done"
        )


def _download(boot: InstanceBoot, download: Download | None, service: ServicePlan) -> None:
    if download is None:
        return
    home = f"/opt/{service.software}"
    boot.waits += DOWNLOAD_SECONDS
    boot.steps.append(
        f"# {service.software} {download.version}: the release archive, checked against its "
        f"published {download.algorithm}\n"
        f"if [ ! -d {home}/bin ]; then\n"
        f"  curl -fsSL --retry 5 --retry-delay 5 --max-time {DOWNLOAD_SECONDS} "
        f"-o $work/{service.software}.tgz \\\n"
        f"    {download.url}\n"
        f'  step "checking {service.software} {download.version} against its published '
        f'{download.algorithm} checksum"\n'
        f'  echo "{download.checksum}  $work/{service.software}.tgz" | '
        f"{download.algorithm}sum -c -\n"
        f"  install -d {home}\n"
        f"  tar -xzf $work/{service.software}.tgz -C {home} --strip-components=1\n"
        f"  rm -f $work/{service.software}.tgz\n"
        "fi"
    )


def _systemd(boot: InstanceBoot, name: str, description: str, body: str) -> None:
    boot.add_file(
        f"/etc/systemd/system/{name}.service",
        f"# {description}. Written by tiered at first boot.\n"
        "[Unit]\n"
        f"Description={description}\n"
        "After=network-online.target remote-fs.target\n"
        "Wants=network-online.target\n\n"
        "[Service]\n"
        f"{body}"
        "Restart=always\n"
        "RestartSec=10\n\n"
        "[Install]\n"
        "WantedBy=multi-user.target\n",
    )
    boot.steps.append(
        f"# starting {name} (systemd restarts it when it stops)\n"
        f"systemctl daemon-reload\nsystemctl enable --now {name}"
    )


def _header(plan: Plan, service: ServicePlan, what: str) -> str:
    return (
        f"# {what} of {service.name}, topology {plan.name}.\n"
        "# Generated by `tiered render config` from the placement plan: do not edit, change\n"
        "# the topology and render again.\n"
    )


# --- nginx ---------------------------------------------------------------------------------


def _nginx(
    plan: Plan, service: ServicePlan, instance: Instance, boot: InstanceBoot, aws: bool
) -> None:
    cache: dict[str, str] = plan._cache.setdefault("config.nginx", {})
    if service.name not in cache:  # the same for every instance of the service
        user = "nginx" if aws else "www-data"
        cache[service.name] = render_config(plan, service, None, user=user)
    boot.add_file("/etc/nginx/nginx.conf", cache[service.name])
    if not aws:
        from tiered.pipeline import Result  # the exporter reads the plan through a Result

        keepalived, result = KeepalivedRenderer(), Result.of_plan(plan)
        if keepalived.applies_to(result):
            files = keepalived.export(result, ExportOptions())
            text = files[f"keepalived/{instance.name}/keepalived.conf"]
            boot.add_file("/etc/keepalived/keepalived.conf", str(text))
        return
    tls = service.tls or Tls()
    if 443 in service.listen:
        secret, parameter, region = stack.tls_secret(), stack.tls_parameter(), stack.region()
        boot.use(secret, parameter, region)
        name = plan.entry.dns_name if plan.entry and plan.entry.dns_name else plan.name
        boot.steps.append(
            "# TLS: the certificate (chain) and private key as PEM, from the stack parameter\n"
            f"# {secret.name} (Secrets Manager) or {parameter.name} (SSM SecureString);\n"
            "# when neither is given, a self-signed pair (browsers will warn: replace it)\n"
            f"tls_secret='{stack.ref(secret)}'\n"
            f"tls_parameter='{stack.ref(parameter)}'\n"
            f"install -d -m 0755 {_folder(tls.certificate)} {_folder(tls.key)}\n"
            "umask 077\n"
            'if [ -n "$tls_secret" ]; then\n'
            f"  aws secretsmanager get-secret-value --region '{stack.ref(region)}' "
            '--secret-id "$tls_secret" \\\n'
            "    --query SecretString --output text > $work/tls.pem\n"
            'elif [ -n "$tls_parameter" ]; then\n'
            f"  aws ssm get-parameter --region '{stack.ref(region)}' --with-decryption "
            '--name "$tls_parameter" \\\n'
            "    --query Parameter.Value --output text > $work/tls.pem\n"
            "else\n"
            '  log "WARNING: no certificate given: generating a SELF-SIGNED one for '
            f'{name}"\n'
            "  openssl req -x509 -newkey rsa:2048 -nodes -days 825 "
            f"-subj '/CN={name}' \\\n"
            f"    -keyout {tls.key} -out {tls.certificate}\n"
            "fi\n"
            "if [ -s $work/tls.pem ]; then\n"
            f"  awk -v crt={tls.certificate} -v key={tls.key} \\\n"
            "    '/-----BEGIN/ { out = ($0 ~ /PRIVATE KEY/) ? key : crt } out { print > out }' \\\n"
            "    $work/tls.pem\n"
            "  rm -f $work/tls.pem\n"
            "fi\n"
            "umask 022\n"
            f"chmod 0644 {tls.certificate}\n"
            f"chmod 0600 {tls.key}"
        )
    boot.steps.append(
        "# starting nginx, once its configuration passes\nnginx -t\nsystemctl enable --now nginx"
    )


def _folder(path: str) -> str:
    return path.rsplit("/", 1)[0] or "/"


# --- ZooKeeper -----------------------------------------------------------------------------


def zoo_cfg(plan: Plan, service: ServicePlan, instance: Instance) -> str:
    """The zoo.cfg of one member: the ensemble as planned, client port on its own address."""
    lines = [
        _header(plan, service, "zoo.cfg").rstrip("\n"),
        "tickTime=2000",
        "initLimit=10",
        "syncLimit=5",
        "dataDir=/var/lib/zookeeper",
        f"clientPort={service.port}",
        f"clientPortAddress={instance.ip}",
        "maxClientCnxns=60",
        "admin.enableServer=false",
        "4lw.commands.whitelist=srvr,ruok,mntr",
        "autopurge.snapRetainCount=5",
        "autopurge.purgeInterval=24",
        "# the ensemble: server.<replica number>=<planned address>:quorum:election",
    ]
    for member in plan.instances_of(service.name):
        lines.append(f"# {member.name}, {member.zone}")
        lines.append(f"server.{member.ordinal}={member.ip}:{ZK_QUORUM_PORT}:{ZK_ELECTION_PORT}")
    return "\n".join(lines) + "\n"


def _zookeeper(
    plan: Plan, service: ServicePlan, instance: Instance, boot: InstanceBoot, aws: bool
) -> None:
    boot.add_file("/etc/zookeeper/zoo.cfg", zoo_cfg(plan, service, instance))
    boot.add_file("/var/lib/zookeeper/myid", f"{instance.ordinal}\n")
    if not aws:
        return
    boot.steps.append(
        "# the data and log folders of the member\n"
        "install -d -o zookeeper -g zookeeper /var/lib/zookeeper /var/log/zookeeper\n"
        "chown zookeeper:zookeeper /var/lib/zookeeper/myid"
    )
    _systemd(
        boot,
        "zookeeper",
        f"Apache ZooKeeper, member {instance.ordinal} of {service.name}",
        "User=zookeeper\n"
        "Group=zookeeper\n"
        "Environment=ZOO_LOG_DIR=/var/log/zookeeper\n"
        f"Environment=ZK_SERVER_HEAP={heap(service)}\n"
        "ExecStart=/opt/zookeeper/bin/zkServer.sh start-foreground /etc/zookeeper/zoo.cfg\n",
    )


# --- Solr ----------------------------------------------------------------------------------


def solr_in_sh(plan: Plan, service: ServicePlan, instance: Instance) -> str:
    """Solr's include file: SolrCloud on the ZooKeeper ensemble it depends on."""
    lines = [_header(plan, service, "solr.in.sh").rstrip("\n")]
    ensembles = [
        plan.services[d] for d in service.depends_on if plan.services[d].software == "zookeeper"
    ]
    if ensembles:
        lines += [
            f"# SolrCloud, coordinated by {ensembles[0].name}",
            f'ZK_HOST="{zookeeper_connect(plan, ensembles[0])}{SOLR_CHROOT}"',
            "ZK_CREATE_CHROOT=true",
        ]
    else:
        lines.append("# standalone: no ZooKeeper ensemble in depends_on")
    lines += [
        f'SOLR_HOST="{instance.ip}"',
        f'SOLR_PORT="{service.port}"',
        'SOLR_JETTY_HOST="0.0.0.0"',
        'SOLR_HOME="/var/solr/data"',
        'SOLR_PID_DIR="/var/solr"',
        'SOLR_LOGS_DIR="/var/solr/logs"',
        f'SOLR_HEAP="{heap(service)}m"  # half the memory of '
        f"{service.instance_type or DEFAULT_INSTANCE_TYPE}",
    ]
    shared = [d for d in service.depends_on if plan.services[d].kind == "filesystem"]
    if shared:
        paths = ",".join(mount_point(d) for d in shared)
        lines.append(f'SOLR_OPTS="$SOLR_OPTS -Dsolr.allowPaths={paths}"  # backups')
    return "\n".join(lines) + "\n"


def _solr(
    plan: Plan, service: ServicePlan, instance: Instance, boot: InstanceBoot, aws: bool
) -> None:
    boot.add_file("/etc/default/solr.in.sh", solr_in_sh(plan, service, instance))
    if not aws:
        return
    _quorum_wait(plan, service, boot)
    boot.steps.append(
        "# Solr's home, data and log folders\n"
        "install -d -o solr -g solr /var/solr /var/solr/data /var/solr/logs\n"
        "[ -f /var/solr/data/solr.xml ] || "
        "install -o solr -g solr -m 0644 /opt/solr/server/solr/solr.xml /var/solr/data/"
    )
    _systemd(
        boot,
        "solr",
        f"Apache Solr, {instance.name} of {service.name}",
        "User=solr\n"
        "Group=solr\n"
        "Environment=SOLR_INCLUDE=/etc/default/solr.in.sh\n"
        "LimitNOFILE=65000\n"
        "LimitNPROC=65000\n"
        "ExecStart=/opt/solr/bin/solr start -f\n",
    )


def _quorum_wait(plan: Plan, service: ServicePlan, boot: InstanceBoot) -> None:
    """Solr starts once a majority of its ZooKeeper ensemble serves (bounded)."""
    ensembles = [
        plan.services[d] for d in service.depends_on if plan.services[d].software == "zookeeper"
    ]
    if not ensembles:
        return
    ensemble = ensembles[0]
    members = [f"{m.ip}:{ensemble.port}" for m in plan.instances_of(ensemble.name)]
    majority = len(members) // 2 + 1
    bound = QUORUM_ATTEMPTS * QUORUM_PAUSE
    boot.waits += bound
    boot.steps.append(
        f"# waiting for a quorum of {ensemble.name}: {majority} of its {len(members)} members "
        f"serving (up to {bound} s)\n"
        "quorum() {\n"
        "  up=0\n"
        f"  for member in {' '.join(members)}; do\n"
        f"    if {zookeeper_serving('$member')}; then up=$((up + 1)); fi\n"
        "  done\n"
        f'  [ "$up" -ge {majority} ]\n'
        "}\n"
        "n=0\n"
        "until quorum; do\n"
        "  n=$((n + 1))\n"
        f'  [ "$n" -lt {QUORUM_ATTEMPTS} ] || {{ log "no quorum of {ensemble.name} after '
        f'{bound} s"; exit 1; }}\n'
        f"  sleep {QUORUM_PAUSE}\n"
        "done"
    )


# --- ActiveMQ ------------------------------------------------------------------------------


def kahadb_directory(plan: Plan, service: ServicePlan) -> str:
    """Where the brokers keep KahaDB: on the shared file system for a master/slave pair."""
    shared = [d for d in service.depends_on if plan.services[d].kind == "filesystem"]
    if shared:
        return f"{mount_point(shared[0])}/activemq/{service.name}/kahadb"
    if service.count > 1:
        raise ExportRefused(
            f"activemq service '{service.name}' has {service.count} brokers but no shared "
            "file system: shared-storage master/slave needs one (two brokers on local disks "
            "would both serve, each with its own messages)",
            f"add a `kind: filesystem` service and list it in {service.name}'s depends_on",
        )
    return "/var/lib/activemq/kahadb"


def activemq_xml(plan: Plan, service: ServicePlan) -> str:
    return templating.render(
        "activemq.xml.j2",
        header=_header(plan, service, "activemq.xml").rstrip("\n").split("\n"),
        broker=service.name,
        data=ACTIVEMQ_DATA,
        kahadb=kahadb_directory(plan, service),
        port=service.port,
        brokers=[i.name for i in plan.instances_of(service.name)],
    )


def _activemq(
    plan: Plan, service: ServicePlan, instance: Instance, boot: InstanceBoot, aws: bool
) -> None:
    boot.add_file("/etc/activemq/activemq.xml", activemq_xml(plan, service))
    if not aws:
        return
    boot.steps.append(
        "# the broker's own folders, and the KahaDB folder the brokers share\n"
        f"install -d -o activemq -g activemq {ACTIVEMQ_DATA} {ACTIVEMQ_DATA}/temp \\\n"
        f"  {kahadb_directory(plan, service)}"
    )
    _systemd(
        boot,
        "activemq",
        f"Apache ActiveMQ, {instance.name} of {service.name} (shared-storage master/slave)",
        "User=activemq\n"
        "Group=activemq\n"
        f"Environment=ACTIVEMQ_DATA={ACTIVEMQ_DATA} ACTIVEMQ_TMP={ACTIVEMQ_DATA}/temp\n"
        f'Environment="ACTIVEMQ_OPTS=-Xms{heap(service)}m -Xmx{heap(service)}m '
        "-Djava.util.logging.config.file=logging.properties "
        '-Djava.security.auth.login.config=/opt/activemq/conf/login.config"\n'
        f"WorkingDirectory={ACTIVEMQ_DATA}\n"
        "ExecStart=/opt/activemq/bin/activemq console xbean:file:/etc/activemq/activemq.xml\n",
    )


# --- applications --------------------------------------------------------------------------


def environment_file(
    plan: Plan, service: ServicePlan, instance: Instance, boot: InstanceBoot
) -> str:
    """The application's environment file: itself, its peers, and its dependencies."""
    lines = [
        _header(plan, service, "Environment").rstrip("\n"),
        f'TIERED_TOPOLOGY="{plan.name}"',
        f'TIERED_SERVICE="{service.name}"',
        f'TIERED_INSTANCE="{instance.name}"',
        f'TIERED_ROLE="{instance.role}"',
        f'TIERED_ZONE="{instance.zone}"',
        f'TIERED_ADDRESS="{instance.ip}"',
        f'TIERED_PORT="{service.port}"',
        f'TIERED_MEMBERS="{",".join(members(plan, service))}"',
    ]
    if plan.provider == "aws":
        region = stack.region()
        boot.use(region)
        lines.insert(1, "# Addresses and ARNs of managed services are filled in by CloudFormation.")
        lines.append(f'AWS_REGION="{stack.ref(region)}"')
    if plan.provider == "aws" and JAVA in software(service.software).packages:
        size = heap(service)
        lines.append(
            f"# the JVM heap: half the memory of {service.instance_type or DEFAULT_INSTANCE_TYPE}"
        )
        lines.append(f'JAVA_OPTS="-Xms{size}m -Xmx{size}m"')
    lines += dependency_variables(plan, service, boot)
    return "\n".join(lines) + "\n"


def _application(
    plan: Plan, service: ServicePlan, instance: Instance, boot: InstanceBoot, aws: bool
) -> None:
    env = ENV_FILE.format(service=service.name)
    boot.add_file(env, environment_file(plan, service, instance, boot), mode="0640")
    if not aws:
        return
    url, checksum, region = (
        stack.artifact_url(service.name),
        stack.artifact_sha256(service.name),
        stack.region(),
    )
    boot.use(url, checksum, region)
    home = f"/opt/{service.name}"
    boot.waits += DOWNLOAD_SECONDS
    boot.steps.append(
        f"# {service.name} ({service.software}): tiered cannot know how to install it. The\n"
        f"# stack parameters {url.name} (https:// or s3://) and {checksum.name} name a\n"
        "# .tar.gz whose top-level install.sh is run as root with the environment file as\n"
        "# its argument; without them the instance is ready but runs nothing.\n"
        f"artifact_url='{stack.ref(url)}'\n"
        f"artifact_sha256='{stack.ref(checksum)}'\n"
        'if [ -z "$artifact_url" ]; then\n'
        f'  log "no application artifact given ({url.name}): {service.name} is not '
        f'installed; {env} is ready"\n'
        "else\n"
        f'  step "installing the artifact of {service.name}"\n'
        f'  [ -n "$artifact_sha256" ] || {{ log "{checksum.name} is required"; exit 1; }}\n'
        '  case "$artifact_url" in\n'
        f"    s3://*) aws s3 cp --region '{stack.ref(region)}' \"$artifact_url\" "
        "$work/artifact.tar.gz ;;\n"
        f"    *) curl -fsSL --retry 5 --max-time {DOWNLOAD_SECONDS} -o $work/artifact.tar.gz "
        '"$artifact_url" ;;\n'
        "  esac\n"
        f'  step "checking the artifact of {service.name} against {checksum.name}"\n'
        '  echo "$artifact_sha256  $work/artifact.tar.gz" | sha256sum -c -\n'
        f"  install -d {home}\n"
        f"  tar -xzf $work/artifact.tar.gz -C {home}\n"
        "  rm -f $work/artifact.tar.gz\n"
        f'  step "running the install.sh of {service.name}"\n'
        f"  {home}/install.sh {env}\n"
        "fi"
    )


def environment_prefix(service: str) -> str:
    """The prefix of a dependency's variables (for the README and tests)."""
    return prefix(service)
