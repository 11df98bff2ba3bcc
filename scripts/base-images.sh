#!/usr/bin/env bash
# Make sure the base images this project names exist in the local Docker
# engine, under exactly the names the Dockerfile and compose.yaml use.
#   scripts/base-images.sh [--force] [--cache DIR] [IMAGE ...]
#   scripts/base-images.sh --key     # the cache key of these images' inputs
#   scripts/base-images.sh --base-only DIR   # only the shared base root fs, in DIR
#   scripts/base-images.sh --tools   # only install debootstrap and debuerreotype
# The list comes from scripts/base_images.py (BASE_IMAGES_PROJECT: another
# project).  An image present locally is left alone; one `docker pull` can get
# is pulled; any other is built as a stand-in from Debian trixie with Debian's
# own image tools (debuerreotype): one minbase root fs, slimmed like the
# official images; per image a copy runs scripts/base-images/<family>.sh and
# <family>.Dockerfile makes the image.  Recipes: python:3.13*, postgres:17*,
# one stand-in per recipe, tagged with every name that needs it.
# Mirror: this machine's (or BASE_IMAGES_MIRROR, BASE_IMAGES_SECURITY_MIRROR).
# --cache DIR: a missing image is loaded from DIR/base-images-KEY.tar when
# there is one (docker save of all of them); without one, the images are saved
# there at the end, replacing older tarballs, and DIR/key names it. KEY
# digests what the stand-ins are made of: these scripts, the recipes, the
# image names, the suite, the architecture and the extra CA certificates.
# --base-only DIR makes the base root fs alone (no image names, no engine
# needed), as a head start while the venv is set up; a later run given
# BASE_IMAGES_HEAD_START=DIR takes it from there instead of making its own.
set -euo pipefail

SUITE=trixie
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PROJECT=${BASE_IMAGES_PROJECT:-$(dirname "$HERE")}
PYTHON=$(dirname "$HERE")/.venv/bin/python
MIRROR=${BASE_IMAGES_MIRROR:-} SECURITY_MIRROR=${BASE_IMAGES_SECURITY_MIRROR:-}
FORCE=0 IMAGES=() RUNS=0 TODO=() BUILDS=() CACHE="" KEY_ONLY=0 KEY="" TARBALL="" BASE_ONLY=""
HEAD_START=${BASE_IMAGES_HEAD_START:-}
declare -A BUILT_AS=() # family -> the one name its stand-in is built under

log() { printf '[base-images +%ds] %s\n' "$SECONDS" "$*"; }
die() { log "ERROR: $*" >&2; exit 1; }

# A long command's output, as its latest line every few seconds.
progress() {
    local label=$1 line="" last="" shown="" next=$((SECONDS + 4))
    while :; do
        if IFS= read -r -t 2 line; then [[ -z $line ]] || last=$line; elif (($? <= 128)); then break; fi
        ((SECONDS < next)) || { log "$label: ${last:-waiting ...}"; shown=$last next=$((SECONDS + 4)); }
    done
    [[ -z $line ]] || last=$line
    [[ -n $last && $last == "$shown" ]] || log "$label: ${last:-done}"
}

# Run a command, its output logged and summarised; on failure show its end.
run() {
    local label=$1 logf=$WORK/${LOGS:-}$((++RUNS)).log
    shift
    "$@" </dev/null 2>&1 | tee "$logf" | progress "$label" && return
    tail -n 25 "$logf" >&2
    die "$label failed (its last lines above)"
}

# The recipe for an image: its name's last part, in versions Debian trixie ships.
family_of() {
    case ${1##*/} in
    *alpine* | *windows* | *@*) return 1 ;;
    python:3.13 | python:3.13[.-]*) echo python ;;
    postgres:17 | postgres:17[.-]*) echo postgres ;;
    *) return 1 ;;
    esac
}

install_tools() {
    command -v debootstrap >/dev/null && command -v debuerreotype-init >/dev/null && return
    log "installing debootstrap and debuerreotype (apt-get) ..."
    run "apt-get install" sh -c 'apt-get -q update && DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
        -o DPkg::Lock::Timeout=300 --no-install-recommends debootstrap debuerreotype'
}

# This machine's Debian mirror, from apt's own view of its sources.
find_mirrors() {
    local uri suite proxy=""
    # shellcheck disable=SC2016 # apt's own format
    while read -r uri suite; do
        [[ $uri == http*://* ]] || continue
        if [[ $suite == *-security ]]; then SECURITY_MIRROR=${SECURITY_MIRROR:-${uri%/}}; else MIRROR=${MIRROR:-${uri%/}}; fi
    done < <(apt-get indextargets --format '$(REPO_URI) $(RELEASE)' 'Created-By: Packages' 'Target-Of: deb')
    [[ -n $MIRROR ]] || die "no Debian mirror in this machine's apt sources (set BASE_IMAGES_MIRROR)"
    log "Debian mirror: $MIRROR${SECURITY_MIRROR:+, security: $SECURITY_MIRROR}"
    eval "$(apt-config shell proxy Acquire::http::Proxy)" # debootstrap's wget needs apt's proxy
    [[ -z $proxy || $proxy == DIRECT || -n ${http_proxy:-} ]] || export http_proxy=$proxy
}

# The root fs all stand-ins share: minbase, the official images' apt/dpkg
# settings, current updates, this machine's CAs.
build_base() {
    local t0=$SECONDS keyring=/usr/share/keyrings/debian-archive-keyring.gpg
    BASE=$WORK/rootfs
    log "debootstrap: Debian $SUITE minbase + ca-certificates, tzdata ..."
    run debootstrap debuerreotype-init --non-debian --include=ca-certificates,tzdata "$BASE" "$SUITE" "$MIRROR"
    debuerreotype-minimizing-config "$BASE"
    rm -f "$BASE/etc/apt/sources.list" # debootstrap's; the deb822 file below replaces it
    printf 'Types: deb\nURIs: %s\nSuites: %s\nComponents: main\nSigned-By: %s\n\n' "$MIRROR" "$SUITE $SUITE-updates" \
        "$keyring" ${SECURITY_MIRROR:+"$SECURITY_MIRROR" "$SUITE-security" "$keyring"} \
        >"$BASE/etc/apt/sources.list.d/debian.sources"
    run "apt-get update" debuerreotype-apt-get "$BASE" update -q
    debuerreotype-recalculate-epoch "$BASE" # file times are clamped to it
    run "apt-get dist-upgrade" debuerreotype-apt-get "$BASE" dist-upgrade -y -q
    run slimify debuerreotype-slimify "$BASE"
    log "trusting this machine's extra CA certificates: $(find /usr/local/share/ca-certificates -name '*.crt' 2>/dev/null | wc -l)"
    cp -a /usr/local/share/ca-certificates/. "$BASE/usr/local/share/ca-certificates/" 2>/dev/null || true
    run update-ca-certificates debuerreotype-chroot "$BASE" update-ca-certificates
    log "base root fs ready ($((SECONDS - t0))s)"
}

# One stand-in: a copy of the base (the last one takes it), the family's
# script inside it, the root fs imported, its Dockerfile's settings on top.
build_stand_in() {
    local name=$1 family=$2 root=$WORK/rootfs-$2 arg args=() id
    log "$name: new root fs from the base ..."
    if (($3)); then mv "$BASE" "$root"; else cp -a "$BASE" "$root"; fi
    cp -a "$HERE/base-images" "$root/tmp/stand-in"
    run "$name: $family.sh" debuerreotype-chroot "$root" \
        env -C /tmp/stand-in DEBIAN_FRONTEND=noninteractive bash "./$family.sh"
    while read -r arg; do args+=(--build-arg "$arg"); done <"$root/tmp/stand-in/build-args"
    rm -rf "$root/tmp/stand-in"
    run "$name: slimify" debuerreotype-slimify "$root"
    run "$name: tar" debuerreotype-tar "$root" "$WORK/rootfs-$family.tar"
    rm -rf --one-file-system "$root"
    log "$name: docker import ..."
    id=$(docker import "$WORK/rootfs-$family.tar" "$name") && rm "$WORK/rootfs-$family.tar"
    mkdir -p "$WORK/empty"
    run "$name: docker build" docker build --network none -f "$HERE/base-images/$family.Dockerfile" \
        --build-arg ROOTFS="$name" "${args[@]}" -t "$name" "$WORK/empty"
    docker image rm "$id" >/dev/null 2>&1 || true # BuildKit leaves it untagged; the classic builder needs it
}

# What a stand-in is made of, by content: a change to any of it is a new key.
cache_key() {
    local file
    {
        printf '%s\n' "$SUITE" "$(uname -m)" "${IMAGES[@]}"
        for file in "$HERE/base-images.sh" "$HERE/base_images.py" "$HERE"/base-images/*; do
            printf '%s\n' "${file#"$HERE"/}" && cat "$file"
        done
        find /usr/local/share/ca-certificates -type f -name '*.crt' 2>/dev/null | LC_ALL=C sort | xargs -r cat
    } | sha256sum | cut -c1-16
}

# 3. with --cache: the images, as this machine now has them, under their inputs' key (once per key)
save_cache() {
    [[ -n $CACHE && ! -f $TARBALL ]] || return 0
    local t0=$SECONDS
    docker save -o "$TARBALL.part" "${IMAGES[@]}" || die "docker save into $CACHE failed"
    mv "$TARBALL.part" "$TARBALL"
    find "$CACHE" -maxdepth 1 -name 'base-images-*.tar' ! -name "${TARBALL##*/}" -delete
    echo "$KEY" >"$CACHE/key"
    log "saved to $TARBALL ($(($(stat -c %s "$TARBALL") / 1000000)) MB, $((SECONDS - t0))s)"
}

while (($#)); do
    case $1 in
    --force) FORCE=1 ;;
    --key) KEY_ONLY=1 ;;
    --cache) (($# > 1)) || die "--cache needs a folder"; CACHE=$2 && shift ;;
    --cache=*) CACHE=${1#--cache=} ;;
    --base-only) (($# > 1)) || die "--base-only needs a folder"; BASE_ONLY=$2 && shift ;;
    --tools) ((EUID == 0)) || die "must run as root (apt-get)"; WORK=$(mktemp -d) && trap 'rm -rf "$WORK"' EXIT && install_tools && exit 0 ;;
    -h | --help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0" && exit 0 ;;
    -*) die "unknown option: $1 (try --help)" ;;
    *) IMAGES+=("$1") ;;
    esac
    shift
done
if [[ -n $BASE_ONLY ]]; then
    ((EUID == 0)) || die "must run as root (debootstrap, chroot)"
    mkdir -p "$BASE_ONLY" && WORK=$(cd "$BASE_ONLY" && pwd) && rm -rf --one-file-system "${WORK:?}/rootfs"
    install_tools
    find_mirrors
    build_base
    touch "$WORK/rootfs.ready"
    exit 0
fi
if ((${#IMAGES[@]} == 0)); then
    [[ -x $PYTHON ]] || die "$PYTHON is missing: run 'python3 scripts/dev setup' first"
    list=$("$PYTHON" "$HERE/base_images.py" "$PROJECT") || die "could not list the base images (see above)"
    mapfile -t IMAGES <<<"$list"
fi
((KEY_ONLY)) && { cache_key && exit 0; }
command -v docker >/dev/null || die "docker client not found"
docker info >/dev/null 2>&1 || die "the Docker engine does not answer (is dockerd running?)"
((EUID == 0)) || die "must run as root (debootstrap, chroot)"
log "base images: ${IMAGES[*]}"

# 0. a missing image comes from the cache when its tarball has these inputs' key
if [[ -n $CACHE ]]; then
    mkdir -p "$CACHE" || die "--cache $CACHE: cannot make the folder"
    KEY=$(cache_key) TARBALL=$CACHE/base-images-$KEY.tar
    missing=0
    for img in "${IMAGES[@]}"; do docker image inspect "$img" >/dev/null 2>&1 || missing=1; done
    if ((missing && !FORCE)) && [[ -f $TARBALL ]]; then
        log "loading the base images from $TARBALL (key $KEY) ..."
        docker load -q -i "$TARBALL" >/dev/null || log "could not load $TARBALL; building instead"
    elif ((missing)); then
        log "no cached base images for key $KEY in $CACHE"
    fi
    [[ ! -f $TARBALL ]] || echo "$KEY" >"$CACHE/key"
fi

# 1. what is here already, or a registry can give; the rest needs a stand-in
for img in "${IMAGES[@]}"; do
    t0=$SECONDS
    if ((FORCE)); then
        log "$img: --force: rebuilding a stand-in from Debian $SUITE"
    elif docker image inspect "$img" >/dev/null 2>&1; then
        log "$img: already present locally, nothing to do" && continue
    else
        log "$img: not present; trying docker pull ..."
        timeout 120 docker pull -q "$img" >/dev/null 2>&1 && log "$img: pulled from the registry ($((SECONDS - t0))s)" && continue
        log "$img: docker pull failed (no registry reachable?)"
    fi
    family=$(family_of "$img") || die "$img: no stand-in recipe (there are for python:3.13* and postgres:17*, which Debian $SUITE ships)"
    log "$img: will be built as a stand-in from Debian $SUITE"
    TODO+=("$img")
    [[ -n ${BUILT_AS[$family]:-} ]] || BUILT_AS[$family]=$img BUILDS+=("$family")
done
if ((${#BUILDS[@]} == 0)); then
    [[ -z $HEAD_START ]] || rm -rf --one-file-system "$HEAD_START"
    save_cache && log "done" && exit 0
fi

# 2. the stand-ins, all from one base root fs (a head start's, when one is ready)
if [[ -n $HEAD_START && -f $HEAD_START/rootfs.ready ]]; then
    WORK=$(cd "$HEAD_START" && pwd)
else
    WORK=$(mktemp -d "${BASE_IMAGES_TMPDIR:-/var/tmp}/base-images.XXXXXX")
fi
trap 'rm -rf --one-file-system "$WORK"' EXIT
trap 'exit 130' INT && trap 'exit 143' TERM # so that EXIT cleans up
install_tools
find_mirrors
if [[ -f $WORK/rootfs.ready ]]; then
    BASE=$WORK/rootfs
    log "base root fs: the head start's ($WORK)"
else
    build_base
fi
# One stand-in, in a process of its own: each family's apt downloads and
# slimming overlap the others'.
stand_in() {
    local family=$1 name=$2 t0=$SECONDS old new size
    LOGS=$family-
    old=$(docker image inspect -f '{{.Id}}' "$name" 2>/dev/null || true)
    build_stand_in "$name" "$family" "$3"
    read -r new size < <(docker image inspect -f '{{.Id}} {{.Size}}' "$name")
    # a rebuild leaves the previous image untagged: drop it unless in use
    [[ -z $old || $new == "$old" ]] || docker image rm "$old" >/dev/null 2>&1 || true
    log "$name: stand-in built in $((SECONDS - t0))s after the base ($((size / 1000000)) MB)"
}
STAND_INS=()
for i in "${!BUILDS[@]}"; do
    # one stand-in takes the base itself; more copy it each
    stand_in "${BUILDS[i]}" "${BUILT_AS[${BUILDS[i]}]}" "$((${#BUILDS[@]} == 1))" &
    STAND_INS+=("$!")
done
for job in "${STAND_INS[@]}"; do
    wait "$job" || die "a stand-in could not be built (its log is above)"
done
rm -rf --one-file-system "$BASE"
# every other name of the same family (another tag, or written with a registry) is that image
for img in "${TODO[@]}"; do
    name=${BUILT_AS[$(family_of "$img")]}
    [[ $img != "$name" ]] || continue
    docker tag "$name" "$img"
    log "$img: tagged (the $name stand-in)"
done
save_cache
log "done"
