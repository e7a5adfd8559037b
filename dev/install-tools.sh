#!/usr/bin/env bash
# Installs the command-line tools the tests and the runbook use, if they are missing:
#   promtool (Debian package `prometheus`): checks the scrape config and unit-tests the alert rules.
#   kcat     (Debian package `kcat`):       reads and writes topics by hand.
# Idempotent: does nothing (and needs no network) when both are already on PATH.
# Debian/Ubuntu only; needs root because it calls apt-get.
set -euo pipefail

log() { printf 'install-tools: %s\n' "$*"; }
die() { printf 'install-tools: error: %s\n' "$*" >&2; exit 1; }

# tool:package pairs; the tool name is what we look for on PATH.
wanted=("promtool:prometheus" "kcat:kcat")

missing=()
for pair in "${wanted[@]}"; do
    tool=${pair%%:*}
    package=${pair#*:}
    if command -v "$tool" >/dev/null 2>&1; then
        log "$tool already installed ($(command -v "$tool"))"
    else
        missing+=("$package")
    fi
done

if [ "${#missing[@]}" -eq 0 ]; then
    log "nothing to do"
    exit 0
fi

command -v apt-get >/dev/null 2>&1 \
    || die "apt-get not found; install ${missing[*]} with your package manager (need: promtool, kcat)"
[ "$(id -u)" -eq 0 ] \
    || die "must run as root to install ${missing[*]} (try: sudo $0)"

# The `prometheus` package would otherwise start a Prometheus server on :9090 as a side effect;
# we only want its promtool binary. A policy-rc.d that answers 101 tells invoke-rc.d and
# deb-systemd-invoke not to start services. Keep an existing one untouched.
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod 0755 "$policy"
    trap 'rm -f "$policy"' EXIT
    log "temporarily disabled service start-up during install ($policy)"
fi

export DEBIAN_FRONTEND=noninteractive
log "apt-get update"
apt-get update -qq || die "apt-get update failed (no network or broken sources?)"
log "apt-get install -y --no-install-recommends ${missing[*]}"
apt-get install -y --no-install-recommends "${missing[@]}" \
    || die "apt-get install ${missing[*]} failed"

for pair in "${wanted[@]}"; do
    tool=${pair%%:*}
    command -v "$tool" >/dev/null 2>&1 || die "$tool still not on PATH after install"
done
log "promtool: $(promtool --version 2>&1 | head -n 1)"
log "kcat: $(kcat -V 2>&1 | head -n 1)"
log "done"
