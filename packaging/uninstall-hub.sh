#!/bin/sh
# Removes the HQ hub: stops and disables the unit, deletes the unit and the executable. KEPT:
# the data folder /var/lib/retail-hq (hq.db: the chain's books; pki/: the chain CA every store
# trusts; the release key), /etc/retail-hq/hq-hub.env and the service user. A reinstall picks up
# where the hub was. Delete them by hand only with a backup of all three.
#   sudo packaging/uninstall-hub.sh [--prefix DIR] [--user-unit]
set -eu
PREFIX=""
USER_UNIT=0
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) PREFIX="$2"; shift 2 ;;
    --user-unit) USER_UNIT=1; shift ;;
    *) echo "uninstall-hub.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
if [ "$USER_UNIT" = 1 ]; then UNIT_DIR="$PREFIX/.config/systemd/user"; else UNIT_DIR="$PREFIX/etc/systemd/system"; fi
[ -z "$PREFIX" ] && [ "$USER_UNIT" = 1 ] && UNIT_DIR="${XDG_CONFIG_HOME:-$HOME/.config}/systemd/user"
if [ -z "$PREFIX" ]; then
  if [ "$USER_UNIT" = 1 ]; then SC="systemctl --user"; else SC="systemctl"; fi
  $SC disable --now retail-hq.service 2>/dev/null || true
fi
rm -f "$UNIT_DIR/retail-hq.service"
rm -f "$PREFIX/opt/retail-hq/hq-hub" "$PREFIX/opt/retail-hq/hq-hub.sha256" "$PREFIX/opt/retail-hq/hq-hub.version"
rmdir "$PREFIX/opt/retail-hq" 2>/dev/null || true
if [ -z "$PREFIX" ]; then systemctl daemon-reload 2>/dev/null || true; fi
echo "removed the HQ hub; kept the data in $PREFIX/var/lib/retail-hq and $PREFIX/etc/retail-hq"
