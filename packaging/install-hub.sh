#!/bin/sh
# Installs the HQ hub on a Debian server (docs/appliance.md "The hub as one executable"):
#   sudo packaging/install-hub.sh --binary dist/hq-hub
# checks the executable against its .sha256, creates the service user retail-hq, the data folder
# /var/lib/retail-hq (0750: hq.db, the chain CA, the release key), the env file
# /etc/retail-hq/hq-hub.env (0600, a fresh random HQ_ADMIN_TOKEN the first time; kept after),
# installs /opt/retail-hq/hq-hub and the systemd unit retail-hq.service, then enables and starts it.
#   --prefix DIR   install below DIR (a test or an image build): no user, no systemctl
#   --user-unit    write a user-level unit (no User=, WantedBy=default.target) for `systemctl --user`
#   --no-start     install and enable nothing at run time
set -eu

BINARY=""
PREFIX=""
USER_UNIT=0
START=1
while [ $# -gt 0 ]; do
  case "$1" in
    --binary) BINARY="$2"; shift 2 ;;
    --prefix) PREFIX="$2"; shift 2 ;;
    --user-unit) USER_UNIT=1; shift ;;
    --no-start) START=0; shift ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install-hub.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
[ -n "$BINARY" ] || { echo "install-hub.sh: --binary PATH (the built dist/hq-hub) is required" >&2; exit 2; }
[ -f "$BINARY" ] || { echo "install-hub.sh: $BINARY: no such file" >&2; exit 2; }
[ -f "$BINARY.sha256" ] || { echo "install-hub.sh: $BINARY.sha256 missing: refusing an unchecked binary" >&2; exit 2; }
( cd "$(dirname "$BINARY")" && sha256sum --quiet -c "$(basename "$BINARY").sha256" ) ||
  { echo "install-hub.sh: $BINARY does not match its checksum" >&2; exit 3; }

SVC_USER=retail-hq
BIN_DIR="$PREFIX/opt/retail-hq"
DATA_DIR="$PREFIX/var/lib/retail-hq"
ETC_DIR="$PREFIX/etc/retail-hq"
if [ "$USER_UNIT" = 1 ]; then UNIT_DIR="$PREFIX/.config/systemd/user"; else UNIT_DIR="$PREFIX/etc/systemd/system"; fi
[ -z "$PREFIX" ] && [ "$USER_UNIT" = 1 ] && UNIT_DIR="${XDG_CONFIG_HOME:-$HOME/.config}/systemd/user"
SYSTEM=0
[ -z "$PREFIX" ] && [ "$USER_UNIT" = 0 ] && SYSTEM=1

if [ "$SYSTEM" = 1 ]; then
  [ "$(id -u)" = 0 ] || { echo "install-hub.sh: run as root (or with --prefix/--user-unit)" >&2; exit 2; }
  id "$SVC_USER" >/dev/null 2>&1 ||
    useradd --system --home-dir /var/lib/retail-hq --no-create-home --shell /usr/sbin/nologin "$SVC_USER"
fi

mkdir -p "$BIN_DIR" "$DATA_DIR" "$ETC_DIR" "$UNIT_DIR"
# A new binary beside the old one, then renamed over it: a running hub keeps its open file.
cp "$BINARY" "$BIN_DIR/hq-hub.new"
chmod 0755 "$BIN_DIR/hq-hub.new"
mv -f "$BIN_DIR/hq-hub.new" "$BIN_DIR/hq-hub"
cp "$BINARY.sha256" "$BIN_DIR/hq-hub.sha256"
[ -f "$BINARY.version" ] && cp "$BINARY.version" "$BIN_DIR/hq-hub.version"
chmod 0750 "$DATA_DIR"
[ "$SYSTEM" = 1 ] && chown "$SVC_USER:$SVC_USER" "$DATA_DIR"
# The env file is made once: a reinstall never changes the admin token or settings.
ENV_FILE="$ETC_DIR/hq-hub.env"
if [ ! -f "$ENV_FILE" ]; then
  umask 077
  {
    echo "# Read by retail-hq.service (EnvironmentFile). docs/appliance.md lists the settings."
    echo "HQ_ADMIN_TOKEN=$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')"
    echo "HQ_HOST=0.0.0.0"
    echo "HQ_PORT=8080"
    echo "HQ_MQTT_PORT=1883"
    echo "HQ_MQTTS_PORT=8883"
  } > "$ENV_FILE.new"
  chmod 0600 "$ENV_FILE.new"
  mv -f "$ENV_FILE.new" "$ENV_FILE"
  echo "wrote $ENV_FILE with a new HQ_ADMIN_TOKEN (read it there; keep it secret)"
fi

if [ "$USER_UNIT" = 1 ]; then
  USER_LINES=""
  HARDENING=""
  WANTED_BY=default.target
else
  USER_LINES="User=$SVC_USER\nGroup=$SVC_USER\n"
  HARDENING="ProtectSystem=full\nProtectHome=yes\nPrivateTmp=yes\nReadWritePaths=/var/lib/retail-hq\n"
  WANTED_BY=multi-user.target
fi
# The unit names the paths as the running system sees them (without the prefix for a system
# install; a user unit under a test prefix runs from there).
if [ "$SYSTEM" = 1 ]; then RUN_BIN=/opt/retail-hq/hq-hub; RUN_DATA=/var/lib/retail-hq; RUN_ENV=/etc/retail-hq/hq-hub.env
else RUN_BIN="$BIN_DIR/hq-hub"; RUN_DATA="$DATA_DIR"; RUN_ENV="$ENV_FILE"; fi
sed -e "s|@USER_LINES@|$USER_LINES|" -e "s|@HARDENING_LINES@|$HARDENING|" -e "s|@WANTED_BY@|$WANTED_BY|" \
  -e "s|@BIN@|$RUN_BIN|" -e "s|@DATA@|$RUN_DATA|g" -e "s|@ENV_FILE@|$RUN_ENV|" \
  "$(dirname "$0")/retail-hq.service.in" > "$UNIT_DIR/retail-hq.service"
echo "installed $("$BIN_DIR/hq-hub" --version) in $BIN_DIR; data in $DATA_DIR; unit $UNIT_DIR/retail-hq.service"

if [ -z "$PREFIX" ] && [ "$START" = 1 ]; then
  if [ "$USER_UNIT" = 1 ]; then SC="systemctl --user"; else SC="systemctl"; fi
  $SC daemon-reload
  $SC enable --now retail-hq.service
fi
