#!/usr/bin/env bash
# Installs the Debian packages the tests need (chromium for Playwright, mosquitto as the
# external-broker peer, socat for pseudo-terminal pairs, a CJK font for receipt PNGs) when
# they are missing.
# Only as root and only on apt systems; otherwise it says what is missing and returns 0,
# and the tests that need a missing program fail naming it.
set -u
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v mosquitto >/dev/null 2>&1 || [ -x /usr/sbin/mosquitto ] || need+=(mosquitto)
command -v socat >/dev/null 2>&1 || need+=(socat)
# firmware-bridge: the printer simulator renders receipts to PNG with a CJK font.
[ -e /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc ] || need+=(fonts-wqy-zenhei)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "install-system-deps: missing ${need[*]}; install them with apt-get as root" >&2
  exit 0
fi
echo "install-system-deps: installing ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null 2>&1 || true
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null 2>&1 ||
  apt-get install -y -qq "${need[@]}" >&2 || echo "install-system-deps: apt-get failed for ${need[*]}" >&2
# The Debian mosquitto package starts a system broker on :1883; tests start their own on
# ephemeral ports, so stop the system one to leave the machine as it was.
if printf '%s\n' "${need[@]}" | grep -qx mosquitto; then
  (systemctl stop mosquitto || service mosquitto stop || pkill -x mosquitto) >/dev/null 2>&1 || true
fi
exit 0
