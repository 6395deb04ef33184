#!/usr/bin/env sh
# Installs the system tools tiered needs through apt-get when they are missing. Without root
# it prints the command to run instead and stops.
#
#   system-deps.sh demo   what `make demo` needs: graphviz (the diagram) and python3-venv
#   system-deps.sh test   that, and what the tests run for real: nginx, keepalived, scram,
#                         openssl, dash, cloud-init, a Java runtime with ZooKeeper and
#                         ActiveMQ, Redis with Sentinel, curl, iproute2 and chromium
set -eu

purpose="${1:-test}"
need=""
command -v dot >/dev/null 2>&1 || need="$need graphviz"
# Debian and Ubuntu ship venv's pip bootstrap separately from Python itself.
"${PYTHON:-python3}" -c "import ensurepip, venv" >/dev/null 2>&1 || need="$need python3-venv"
if [ "$purpose" = "test" ]; then
  command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need="$need nginx"
  command -v keepalived >/dev/null 2>&1 || [ -x /usr/sbin/keepalived ] || need="$need keepalived"
  command -v scram >/dev/null 2>&1 || need="$need scram"
  command -v openssl >/dev/null 2>&1 || need="$need openssl"
  command -v dash >/dev/null 2>&1 || need="$need dash"
  command -v cloud-init >/dev/null 2>&1 || need="$need cloud-init"
  command -v java >/dev/null 2>&1 || need="$need default-jre-headless"
  [ -f /usr/share/java/zookeeper.jar ] || need="$need zookeeper"
  [ -f /usr/share/activemq/bin/activemq.jar ] || need="$need activemq"
  # Redis and Sentinel: the rendered active-passive Redis fails over (test_redis_sentinel_live).
  command -v redis-server >/dev/null 2>&1 || need="$need redis-server"
  command -v redis-sentinel >/dev/null 2>&1 || need="$need redis-sentinel"
  # curl: keepalived's nginx check; iproute2: the namespaces of the keepalived failover test.
  command -v curl >/dev/null 2>&1 || need="$need curl"
  command -v ip >/dev/null 2>&1 || [ -x /usr/sbin/ip ] || [ -x /sbin/ip ] || need="$need iproute2"
  # chromium: the pictures as a reader sees them (tests/test_browser_pictures.py).
  command -v chromium >/dev/null 2>&1 || need="$need chromium"
fi
[ -z "$need" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "tiered needs these system packages:$need" >&2
  echo "run:  sudo apt-get update && sudo apt-get install -y$need" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install these packages with your system's package manager:$need" >&2
  exit 1
fi
echo "installing system packages:$need"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $need >/dev/null
# Debian starts a freshly installed nginx, keepalived, activemq or redis as a service; tiered only
# needs the binaries, so leave no daemon running on the machine. cloud-init is needed for
# `cloud-init schema` only: it must never configure this machine at its next boot.
if command -v systemctl >/dev/null 2>&1; then
  systemctl disable --now nginx keepalived activemq redis-server redis-sentinel >/dev/null 2>&1 || true
fi
if [ -d /etc/cloud ] && [ ! -e /etc/cloud/cloud-init.disabled ]; then
  case "$need" in *cloud-init*) touch /etc/cloud/cloud-init.disabled ;; esac
fi
for daemon in nginx keepalived; do
  pidfile=/run/$daemon.pid
  [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null || true
done
exit 0
