# shellcheck shell=bash
# Shared by scripts/setup, scripts/test and scripts/develop: find or provision Python >= 3.14.2
# and the pinned virtualenv, then run commands inside it.
#
# Two modes:
#   host   - a Python >= 3.14.2 is already on this machine (PATH, BRAVE_PYTHON or `uv python find`):
#            the venv lives in the cache folder and commands run directly.
#   rootfs - Debian hosts without one: a Debian forky root file system (which ships python3.14) is
#            bootstrapped from the host's own apt mirror into the cache folder, and commands run
#            chrooted into it inside a private mount namespace, so nothing stays mounted on the host.
# The cache lives outside the checkout so fresh clones reuse it; a venv is rebuilt only when the
# Python version or a requirement pin changes.

BRAVE_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BRAVE_CACHE=${BRAVE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/brave-ha}
BRAVE_ROOTFS=$BRAVE_CACHE/rootfs-forky
BRAVE_MIN_PYTHON=3.14.2
# Bump when the rootfs recipe below changes, so old root file systems are rebuilt.
BRAVE_ROOTFS_RECIPE=1
BRAVE_ROOTFS_PACKAGES=python3.14,python3.14-venv,python3.14-dev,build-essential,ca-certificates,git
# System packages per profile (rootfs mode installs them; host mode only says what is missing).
# develop: libraries Home Assistant itself uses at run time (tts converts audio with ffmpeg;
# camera loads libturbojpeg). test: Debian's Chromium, which the browser test drives
# (tests/browser; Playwright's own browser download cannot be reached from here).
BRAVE_SYSTEM_PACKAGES_develop="ffmpeg libturbojpeg0"
BRAVE_SYSTEM_PACKAGES_test="chromium"

brave_log() { printf '[brave] %s\n' "$*" >&2; }
brave_die() { printf '[brave] error: %s\n' "$*" >&2; exit 1; }

# True when interpreter $1 exists and is >= BRAVE_MIN_PYTHON.
brave_python_ok() {
  [[ -n $1 ]] && command -v "$1" >/dev/null 2>&1 &&
    "$1" -c 'import sys; sys.exit(sys.version_info[:3] < (3, 14, 2))' 2>/dev/null
}

brave_find_host_python() {
  local candidate
  for candidate in "${BRAVE_PYTHON:-}" python3.14 python3; do
    if brave_python_ok "$candidate"; then command -v "$candidate"; return 0; fi
  done
  if command -v uv >/dev/null 2>&1; then
    candidate=$(uv python find '>=3.14.2' 2>/dev/null || true)
    if brave_python_ok "$candidate"; then echo "$candidate"; return 0; fi
  fi
  return 1
}

# The profile's requirement pins and the interpreter's version (a file, "$1") decide the venv;
# its name carries their hash.
brave_requirements_hash() {
  local files=("$BRAVE_ROOT/requirements.txt")
  [[ $profile == test ]] && files+=("$BRAVE_ROOT/requirements_test.txt")
  cat "${files[@]}" "$1" | sha256sum | cut -c1-16
}

# The Debian mirror the host itself uses (first non-security URI in its apt sources).
brave_debian_mirror() {
  if [[ -n ${BRAVE_DEBIAN_MIRROR:-} ]]; then echo "$BRAVE_DEBIAN_MIRROR"; return; fi
  local uri
  uri=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '/^URIs:/ {for (i = 2; i <= NF; i++) print $i}' |
    grep -v -- '-security' | head -n 1 || true)
  if [[ -z $uri ]]; then
    uri=$(grep -hE '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
      grep -v -- '-security' | awk '{for (i = 2; i <= NF; i++) if ($i ~ /^https?:/) {print $i; exit}}' || true)
  fi
  [[ -n $uri ]] || brave_die "no Debian mirror found in /etc/apt sources; set BRAVE_DEBIAN_MIRROR"
  echo "$uri"
}

brave_host_ca_bundle() {
  local f
  for f in "${SSL_CERT_FILE:-}" "${PIP_CERT:-}" /etc/ssl/certs/ca-certificates.crt; do
    [[ -n $f && -f $f ]] && { echo "$f"; return; }
  done
}

brave_build_rootfs() {
  [[ $(id -u) == 0 ]] || brave_die "provisioning Python 3.14 needs root (or install Python >= $BRAVE_MIN_PYTHON yourself)"
  if ! command -v debootstrap >/dev/null 2>&1; then
    brave_log "installing debootstrap"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
  fi
  local script=/usr/share/debootstrap/scripts/forky mirror tmp=$BRAVE_ROOTFS.partial
  # Older debootstrap releases have no forky script; sid's works for it.
  [[ -f $script ]] || script=/usr/share/debootstrap/scripts/sid
  mirror=$(brave_debian_mirror)
  brave_log "bootstrapping a Debian forky root file system with Python 3.14 from $mirror (first run only)"
  rm -rf "$tmp" "$BRAVE_ROOTFS"
  mkdir -p "$BRAVE_CACHE"
  debootstrap --variant=minbase --include="$BRAVE_ROOTFS_PACKAGES" forky "$tmp" "$mirror" "$script" \
    >"$BRAVE_CACHE/debootstrap.log" 2>&1 ||
    brave_die "debootstrap failed; see $BRAVE_CACHE/debootstrap.log"
  echo "$BRAVE_ROOTFS_RECIPE" >"$tmp/.brave-recipe"
  mv "$tmp" "$BRAVE_ROOTFS"
}

# Run "$@" chrooted into the rootfs, in a private mount namespace, from the current directory,
# with the checkout visible at its own path.
brave_rootfs_exec() {
  local ca
  ca=$(brave_host_ca_bundle)
  unshare --mount --propagation private -- bash -euc '
    rootfs=$1 project=$2 ca=$3 venv=$4 cwd=$5; shift 5
    mount -t proc proc "$rootfs/proc"
    mount --rbind /dev "$rootfs/dev"
    mount --rbind /sys "$rootfs/sys"
    mount --bind /tmp "$rootfs/tmp"
    mkdir -p "$rootfs$project"
    mount --bind "$project" "$rootfs$project"
    # Trust and resolve exactly as the host does.
    touch "$rootfs/etc/resolv.conf"
    mount --bind /etc/resolv.conf "$rootfs/etc/resolv.conf"
    if [[ -n $ca ]]; then mount --bind "$ca" "$rootfs/etc/ssl/certs/ca-certificates.crt"; fi
    path=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
    [[ -n $venv ]] && path=$venv/bin:$path
    # PIP_FIND_LINKS may name a host folder that does not exist in the rootfs.
    exec chroot "$rootfs" /usr/bin/env -u PIP_FIND_LINKS -u PIP_CONFIG_FILE HOME=/root PATH="$path" \
      ${venv:+VIRTUAL_ENV=$venv} bash -c "cd \"\$0\" && exec \"\$@\"" "$cwd" "$@"
  ' _ "$BRAVE_ROOTFS" "$BRAVE_ROOT" "$ca" "${BRAVE_VENV:-}" "$PWD" "$@"
}

# Decide the mode and the venv path; provision whatever is missing. Idempotent.
# $1 is the profile: "test" (requirements_test.txt) or "develop" (requirements.txt). They are
# separate venvs because Home Assistant installs integrations' packages into the venv it runs in.
brave_setup() {
  local profile=${1:-test} requirements
  case $profile in
    test) requirements=$BRAVE_ROOT/requirements_test.txt ;;
    develop) requirements=$BRAVE_ROOT/requirements.txt ;;
    *) brave_die "unknown profile $profile" ;;
  esac
  mkdir -p "$BRAVE_CACHE"
  exec 9>"$BRAVE_CACHE/.lock"
  flock 9
  local python hash
  if python=$(brave_find_host_python); then
    BRAVE_MODE=host
    hash=$(brave_requirements_hash <("$python" -VV))
    BRAVE_VENV=$BRAVE_CACHE/venv-$profile-$hash
    BRAVE_VENV_HOST=$BRAVE_VENV
  else
    BRAVE_MODE=rootfs
    if [[ $(cat "$BRAVE_ROOTFS/.brave-recipe" 2>/dev/null) != "$BRAVE_ROOTFS_RECIPE" ]]; then
      brave_build_rootfs
    fi
    python=/usr/bin/python3.14
    hash=$(brave_requirements_hash <(BRAVE_VENV='' brave_rootfs_exec "$python" -VV))
    BRAVE_VENV=/opt/brave/venv-$profile-$hash
    BRAVE_VENV_HOST=$BRAVE_ROOTFS$BRAVE_VENV
  fi
  brave_system_packages "$profile"
  if [[ ! -f $BRAVE_VENV_HOST/.brave-complete ]]; then
    brave_log "creating the virtualenv $BRAVE_VENV ($BRAVE_MODE mode; installing pinned requirements)"
    rm -rf "$BRAVE_VENV_HOST"
    # Drop venvs nobody has used for a week, so the cache does not grow without bound (other
    # checkouts on other pins keep theirs).
    # The folder does not exist yet on a first run.
    mkdir -p "$(dirname "$BRAVE_VENV_HOST")"
    find "$(dirname "$BRAVE_VENV_HOST")" -maxdepth 2 -name .brave-complete -mtime +7 -printf '%h\n' |
      xargs -r rm -rf
    local started=$SECONDS
    brave_exec_raw "$python" -m venv "$BRAVE_VENV"
    brave_exec "$BRAVE_VENV/bin/python" -m pip install --quiet --upgrade pip
    brave_exec "$BRAVE_VENV/bin/python" -m pip install --quiet -r "$requirements"
    brave_log "virtualenv ready in $((SECONDS - started)) s"
  fi
  touch "$BRAVE_VENV_HOST/.brave-complete"
  flock -u 9
  export BRAVE_MODE BRAVE_VENV
}

brave_system_packages() {
  local var=BRAVE_SYSTEM_PACKAGES_$1
  local packages=${!var}
  if [[ $BRAVE_MODE == host ]]; then
    case $1 in
      develop) command -v ffmpeg >/dev/null 2>&1 ||
        brave_log "note: install ffmpeg and libturbojpeg for a quiet Home Assistant log ($packages on Debian)" ;;
      test) command -v "${BRAVE_CHROMIUM:-/usr/bin/chromium}" >/dev/null 2>&1 ||
        brave_log "note: the browser test needs Chromium at ${BRAVE_CHROMIUM:-/usr/bin/chromium} (Debian: $packages; or set BRAVE_CHROMIUM)" ;;
    esac
    return
  fi
  local stamp=$BRAVE_ROOTFS/.brave-$1-packages
  [[ $(cat "$stamp" 2>/dev/null) == "$packages" ]] && return
  brave_log "installing $packages into the root file system (first run only)"
  # The host's mirror may be a dated snapshot whose Release file has expired; accept it.
  # shellcheck disable=SC2086 # the list is word-split on purpose
  BRAVE_VENV='' brave_rootfs_exec bash -c 'apt-get -o Acquire::Check-Valid-Until=false update -qq &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null' \
    _ $packages || brave_die "could not install $packages"
  echo "$packages" >"$stamp"
}

# Run without the venv on PATH (used to create it).
brave_exec_raw() {
  if [[ $BRAVE_MODE == host ]]; then "$@"; else BRAVE_VENV='' brave_rootfs_exec "$@"; fi
}

# Run "$@" with the venv active.
brave_exec() {
  if [[ $BRAVE_MODE == host ]]; then
    PATH="$BRAVE_VENV/bin:$PATH" VIRTUAL_ENV=$BRAVE_VENV "$@"
  else
    brave_rootfs_exec "$@"
  fi
}
