#!/bin/sh
# Removes the store edge appliance: stops and disables the unit, deletes the unit and the
# executable. The data folder (edge.db: sales not yet acked by HQ, the enrollment) and the
# service user are KEPT: a reinstall picks up where the store was. Remove them by hand only
# after `store-edge status` shows backlog 0.
#   sudo packaging/uninstall.sh [--prefix DIR] [--user-unit]
set -eu
PREFIX=""
USER_UNIT=0
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) PREFIX="$2"; shift 2 ;;
    --user-unit) USER_UNIT=1; shift ;;
    *) echo "uninstall.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
if [ "$USER_UNIT" = 1 ]; then UNIT_DIR="$PREFIX/.config/systemd/user"; else UNIT_DIR="$PREFIX/etc/systemd/system"; fi
[ -z "$PREFIX" ] && [ "$USER_UNIT" = 1 ] && UNIT_DIR="${XDG_CONFIG_HOME:-$HOME/.config}/systemd/user"
if [ -z "$PREFIX" ]; then
  if [ "$USER_UNIT" = 1 ]; then SC="systemctl --user"; else SC="systemctl"; fi
  $SC disable --now retail-edge.service 2>/dev/null || true
fi
rm -f "$UNIT_DIR/retail-edge.service"
rm -f "$PREFIX/opt/retail-edge/store-edge" "$PREFIX/opt/retail-edge/store-edge-boot" "$PREFIX/opt/retail-edge/store-edge.sha256" "$PREFIX/opt/retail-edge/store-edge.version"
rmdir "$PREFIX/opt/retail-edge" 2>/dev/null || true
[ -z "$PREFIX" ] && systemctl daemon-reload 2>/dev/null || true
echo "removed the store edge; kept the data in $PREFIX/var/lib/retail-edge"
