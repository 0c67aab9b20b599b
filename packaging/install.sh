#!/bin/sh
# Installs the store edge appliance on a Debian mini-PC (docs/appliance.md):
#   sudo packaging/install.sh --binary dist/store-edge
# checks the executable against its .sha256, creates the service user retail-edge (in dialout
# and lp for serial scanners, scales and printers), the data folder /var/lib/retail-edge (0750),
# installs /opt/retail-edge/store-edge and the systemd unit retail-edge.service, then enables and
# starts it. Enroll afterwards: sudo -u retail-edge /opt/retail-edge/store-edge enroll --hq URL
# --code CODE --data /var/lib/retail-edge (then systemctl restart retail-edge).
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
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
[ -n "$BINARY" ] || { echo "install.sh: --binary PATH (the built dist/store-edge) is required" >&2; exit 2; }
[ -f "$BINARY" ] || { echo "install.sh: $BINARY: no such file" >&2; exit 2; }
[ -f "$BINARY.sha256" ] || { echo "install.sh: $BINARY.sha256 missing: refusing an unchecked binary" >&2; exit 2; }
( cd "$(dirname "$BINARY")" && sha256sum --quiet -c "$(basename "$BINARY").sha256" ) ||
  { echo "install.sh: $BINARY does not match its checksum" >&2; exit 3; }

SVC_USER=retail-edge
BIN_DIR="$PREFIX/opt/retail-edge"
DATA_DIR="$PREFIX/var/lib/retail-edge"
if [ "$USER_UNIT" = 1 ]; then UNIT_DIR="$PREFIX/.config/systemd/user"; else UNIT_DIR="$PREFIX/etc/systemd/system"; fi
[ -z "$PREFIX" ] && [ "$USER_UNIT" = 1 ] && UNIT_DIR="${XDG_CONFIG_HOME:-$HOME/.config}/systemd/user"

if [ -z "$PREFIX" ] && [ "$USER_UNIT" = 0 ]; then
  [ "$(id -u)" = 0 ] || { echo "install.sh: run as root (or with --prefix/--user-unit)" >&2; exit 2; }
  if ! id "$SVC_USER" >/dev/null 2>&1; then
    useradd --system --home-dir /var/lib/retail-edge --no-create-home --shell /usr/sbin/nologin "$SVC_USER"
  fi
  for g in dialout lp; do getent group "$g" >/dev/null && usermod -aG "$g" "$SVC_USER"; done
fi

mkdir -p "$BIN_DIR" "$DATA_DIR" "$UNIT_DIR"
# A new binary beside the old one, then renamed over it: a running edge keeps its open file.
cp "$BINARY" "$BIN_DIR/store-edge.new"
chmod 0755 "$BIN_DIR/store-edge.new"
mv -f "$BIN_DIR/store-edge.new" "$BIN_DIR/store-edge"
cp "$(dirname "$0")/store-edge-boot" "$BIN_DIR/store-edge-boot.new"
chmod 0755 "$BIN_DIR/store-edge-boot.new"
mv -f "$BIN_DIR/store-edge-boot.new" "$BIN_DIR/store-edge-boot"
# The binary installed by hand wins over an update installed through HQ (docs/appliance.md).
rm -f "$DATA_DIR/update/store-edge" "$DATA_DIR/update/store-edge.previous" "$DATA_DIR/update/trial"
cp "$BINARY.sha256" "$BIN_DIR/store-edge.sha256"
[ -f "$BINARY.version" ] && cp "$BINARY.version" "$BIN_DIR/store-edge.version"
chmod 0750 "$DATA_DIR"
if [ -z "$PREFIX" ] && [ "$USER_UNIT" = 0 ]; then chown "$SVC_USER:$SVC_USER" "$DATA_DIR"; fi

if [ "$USER_UNIT" = 1 ]; then
  USER_LINES=""
  HARDENING=""
  WANTED_BY=default.target
else
  USER_LINES="User=$SVC_USER\nGroup=$SVC_USER\nSupplementaryGroups=dialout lp\n"
  HARDENING="ProtectSystem=full\nProtectHome=yes\nPrivateTmp=yes\nReadWritePaths=/var/lib/retail-edge\n"
  WANTED_BY=multi-user.target
fi
# The unit names the installed paths as the running system sees them (without the prefix for a
# system install; a user unit under a test prefix runs from there).
if [ "$USER_UNIT" = 1 ]; then RUN_BIN="$BIN_DIR/store-edge"; RUN_DATA="$DATA_DIR"; else RUN_BIN=/opt/retail-edge/store-edge; RUN_DATA=/var/lib/retail-edge; fi
RUN_BOOT="$(dirname "$RUN_BIN")/store-edge-boot"
sed -e "s|@USER_LINES@|$USER_LINES|" -e "s|@HARDENING_LINES@|$HARDENING|" -e "s|@WANTED_BY@|$WANTED_BY|" \
  -e "s|@BIN@|$RUN_BIN|" -e "s|@DATA@|$RUN_DATA|" -e "s|@BOOT@|$RUN_BOOT|" \
  "$(dirname "$0")/retail-edge.service.in" > "$UNIT_DIR/retail-edge.service"
echo "installed $("$BIN_DIR/store-edge" --version) in $BIN_DIR; data in $DATA_DIR; unit $UNIT_DIR/retail-edge.service"

if [ -z "$PREFIX" ] && [ "$START" = 1 ]; then
  if [ "$USER_UNIT" = 1 ]; then SC="systemctl --user"; else SC="systemctl"; fi
  $SC daemon-reload
  $SC enable --now retail-edge.service
fi
