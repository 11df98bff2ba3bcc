#!/usr/bin/env bash
# Make sure the base images this project names exist in the local Docker
# engine, under exactly the names the Dockerfile and compose.yaml use.
#
#   scripts/base-images.sh [--force] [IMAGE ...]
#
# Images are read from the FROM lines of Dockerfile and the image: lines of
# compose.yaml (services without a build: section); without those files the
# defaults are python:3.13-slim and postgres:17.  For each image:
#   1. present locally            -> nothing to do
#   2. `docker pull` works        -> use the official image
#   3. otherwise (no registry)    -> build a stand-in from Debian trixie
#      packages, slimmed like the official images, and `docker import` it
#      under the same name.  One `debootstrap --variant=minbase` root fs is
#      shared; each image adds its packages to a copy with apt-get.
#
# The Debian mirror is taken from this machine's own apt sources at run time
# (override with BASE_IMAGES_MIRROR / BASE_IMAGES_SECURITY_MIRROR).  The
# stand-ins trust this machine's extra CA certificates
# (/usr/local/share/ca-certificates).
#
# Supported families for stand-ins: python:3.13* and postgres:17* (the versions
# Debian trixie ships).  Anything else that cannot be pulled fails clearly.
set -euo pipefail

SUITE=trixie
SUITE_PYTHON=3.13
SUITE_POSTGRES=17
DEFAULT_IMAGES=(python:3.13-slim postgres:17)
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

FORCE=0
REQUESTED=()

log() { printf '[base-images +%ds] %s\n' "$SECONDS" "$*"; }
die() {
    printf '[base-images +%ds] ERROR: %s\n' "$SECONDS" "$*" >&2
    exit 1
}

usage() {
    sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"
}

while (($#)); do
    case "$1" in
    --force) FORCE=1 ;;
    -h | --help)
        usage
        exit 0
        ;;
    -*) die "unknown option: $1 (try --help)" ;;
    *) REQUESTED+=("$1") ;;
    esac
    shift
done

# --------------------------------------------------------------------------
# Which images?
# --------------------------------------------------------------------------

# Replace ${VAR}, ${VAR:-default} and ${VAR-default} with the environment's
# value or the default (enough for image names in Dockerfile ARGs / compose).
expand_vars() {
    local s=$1 out="" pre name def val
    while [[ $s =~ ^([^$]*)\$\{([A-Za-z_][A-Za-z0-9_]*)(:?-([^}]*))?\}(.*)$ ]]; do
        pre=${BASH_REMATCH[1]} name=${BASH_REMATCH[2]} def=${BASH_REMATCH[4]}
        s=${BASH_REMATCH[5]}
        val=${!name:-$def}
        out+="$pre$val"
    done
    printf '%s' "$out$s"
}

# FROM lines of a Dockerfile, skipping references to earlier stages and
# `scratch`; ARG defaults declared before the first FROM are honoured.
dockerfile_images() {
    local file=$1
    awk '
        function subst(s,   name, def, m) {
            while (match(s, /\$\{[A-Za-z_][A-Za-z0-9_]*(:?-[^}]*)?\}/)) {
                m = substr(s, RSTART + 2, RLENGTH - 3)
                name = m; def = ""
                if (index(m, "-")) { name = substr(m, 1, index(m, "-") - 1); def = substr(m, index(m, "-") + 1); sub(/:$/, "", name) }
                s = substr(s, 1, RSTART - 1) ((name in arg) ? arg[name] : def) substr(s, RSTART + RLENGTH)
            }
            return s
        }
        toupper($1) == "ARG" && !seen_from {
            split($2, kv, "="); if (index($2, "=")) { v = substr($2, index($2, "=") + 1); gsub(/^"|"$/, "", v); arg[kv[1]] = v }
            next
        }
        toupper($1) == "FROM" {
            seen_from = 1
            i = 2
            while (i <= NF && $i ~ /^--/) i++
            img = subst($i)
            if (tolower(img) != "scratch" && !(tolower(img) in stage)) print img
            if (toupper($(i + 1)) == "AS") stage[tolower($(i + 2))] = 1
        }
    ' "$file"
}

# image: of compose services that have no build: section (a service that
# builds names its own result, not a base image).
compose_images() {
    local file=$1
    awk '
        function flush() { if (img != "" && !build) print img; img = ""; build = 0 }
        /^[[:space:]]*(#|$)/ { next }
        {
            match($0, /^ */); ind = RLENGTH
            line = substr($0, ind + 1)
        }
        ind == 0 { flush(); in_services = (line ~ /^services:/); svc_ind = -1; next }
        !in_services { next }
        svc_ind < 0 { svc_ind = ind }
        ind == svc_ind { flush(); key_ind = -1; next }
        ind > svc_ind && key_ind < 0 { key_ind = ind }
        ind == key_ind && line ~ /^build:/ { build = 1 }
        ind == key_ind && line ~ /^image:/ {
            v = line; sub(/^image:[[:space:]]*/, "", v); sub(/[[:space:]]+#.*$/, "", v)
            gsub(/^["\047]|["\047]$/, "", v); img = v
        }
        END { flush() }
    ' "$file"
}

collect_images() {
    local -a found=()
    local img
    if ((${#REQUESTED[@]})); then
        found=("${REQUESTED[@]}")
    else
        if [[ -f $REPO_ROOT/Dockerfile ]]; then
            while IFS= read -r img; do found+=("$img"); done < <(dockerfile_images "$REPO_ROOT/Dockerfile")
        fi
        local compose
        for compose in compose.yaml compose.yml docker-compose.yaml docker-compose.yml; do
            if [[ -f $REPO_ROOT/$compose ]]; then
                while IFS= read -r img; do found+=("$(expand_vars "$img")"); done < <(compose_images "$REPO_ROOT/$compose")
                break
            fi
        done
        local have_python=0 have_postgres=0
        for img in "${found[@]}"; do
            [[ $img == python:* ]] && have_python=1
            [[ $img == postgres:* ]] && have_postgres=1
        done
        ((have_python)) || found+=("${DEFAULT_IMAGES[0]}")
        ((have_postgres)) || found+=("${DEFAULT_IMAGES[1]}")
    fi
    # de-duplicate, keep order
    local -A seen=()
    IMAGES=()
    for img in "${found[@]}"; do
        [[ -n $img && -z ${seen[$img]:-} ]] || continue
        seen[$img]=1
        IMAGES+=("$img")
    done
}

# --------------------------------------------------------------------------
# Temporary space, always cleaned up
# --------------------------------------------------------------------------

WORK=""
cleanup() {
    local rc=$?
    if [[ -n $WORK && -d $WORK ]]; then
        # debootstrap mounts /proc, /sys (and in containers /dev) inside the
        # target; never let rm -rf walk into a mount.
        local m
        while IFS= read -r m; do
            umount -l "$m" 2>/dev/null || true
        done < <(awk -v w="$WORK/" 'index($2, w) == 1 { print $2 }' /proc/mounts | sort -r)
        rm -rf --one-file-system "$WORK" 2>/dev/null || true
        [[ -d $WORK ]] && log "warning: could not fully remove $WORK" >&2
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

make_work() {
    [[ -n $WORK ]] && return
    local base=${BASE_IMAGES_TMPDIR:-/var/tmp}
    mkdir -p "$base"
    WORK=$(mktemp -d "$base/base-images.XXXXXX")
}

# --------------------------------------------------------------------------
# Host facts, derived at run time
# --------------------------------------------------------------------------

# "URI SUITE" pairs of every enabled deb source of this machine.
apt_source_pairs() {
    local -a deb822=() oneline=()
    local f
    for f in /etc/apt/sources.list.d/*.sources; do [[ -f $f ]] && deb822+=("$f"); done
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do [[ -f $f ]] && oneline+=("$f"); done
    if ((${#deb822[@]})); then
        awk '
            function trim(s) { gsub(/^[ \t]+|[ \t]+$/, "", s); return s }
            function flush(   n, m, i, j, u, s) {
                if (types ~ /(^|[ \t])deb([ \t]|$)/ && enabled != "no") {
                    n = split(trim(uris), u, /[ \t]+/); m = split(trim(suites), s, /[ \t]+/)
                    for (i = 1; i <= n; i++) for (j = 1; j <= m; j++) print u[i], s[j]
                }
                types = uris = suites = key = ""; enabled = "yes"
            }
            BEGIN { enabled = "yes" }
            FNR == 1 && NR > 1 { flush() }
            /^[ \t]*#/ { next }
            /^[ \t]*$/ { flush(); next }
            /^[ \t]/ { if (key == "uris") uris = uris " " $0; else if (key == "suites") suites = suites " " $0; next }
            {
                key = tolower($0); sub(/:.*/, "", key)
                v = $0; sub(/^[^:]*:[ \t]*/, "", v)
                if (key == "types") types = v
                else if (key == "uris") uris = v
                else if (key == "suites") suites = v
                else if (key == "enabled") enabled = tolower(trim(v))
            }
            END { flush() }
        ' "${deb822[@]}"
    fi
    if ((${#oneline[@]})); then
        awk '
            $1 == "deb" {
                i = 2
                if ($2 ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
                if (i + 1 <= NF) print $i, $(i + 1)
            }
        ' "${oneline[@]}"
    fi
}

MIRROR=""
SECURITY_MIRROR=""
derive_mirrors() {
    [[ -n $MIRROR ]] && return
    local uri suite
    while read -r uri suite; do
        [[ $uri =~ ^(https?|file): ]] || continue
        uri=${uri%/}
        if [[ $suite == *-security || $uri == *-security ]]; then
            [[ -n $SECURITY_MIRROR ]] || SECURITY_MIRROR=$uri
        else
            [[ -n $MIRROR ]] || MIRROR=$uri
        fi
    done < <(apt_source_pairs)
    MIRROR=${BASE_IMAGES_MIRROR:-$MIRROR}
    SECURITY_MIRROR=${BASE_IMAGES_SECURITY_MIRROR:-$SECURITY_MIRROR}
    [[ -n $MIRROR ]] || die "no Debian mirror found in /etc/apt/sources.list{,.d/*} (set BASE_IMAGES_MIRROR)"
    log "Debian mirror (${BASE_IMAGES_MIRROR:+set by BASE_IMAGES_MIRROR, }from this machine's apt sources): $MIRROR${SECURITY_MIRROR:+, security: $SECURITY_MIRROR}"
    # apt may reach the mirror through a proxy; debootstrap (wget) needs it as
    # an environment variable.
    local proxy=""
    eval "$(apt-config shell proxy Acquire::http::Proxy 2>/dev/null || true)"
    if [[ -n $proxy && $proxy != DIRECT && -z ${http_proxy:-} ]]; then
        export http_proxy=$proxy
        log "using apt's HTTP proxy for debootstrap"
    fi
}

ensure_debootstrap() {
    command -v debootstrap >/dev/null && return
    log "installing debootstrap (apt-get) ..."
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null
    command -v debootstrap >/dev/null || die "debootstrap could not be installed"
}

# --------------------------------------------------------------------------
# Building a stand-in
# --------------------------------------------------------------------------

# Read lines on stdin (also saved to a log by the caller) and print the latest
# one every few seconds, plus a heartbeat when the producer is quiet.
progress() {
    local label=$1 line="" last="" shown="" next=$((SECONDS + 4)) rc
    while :; do
        if IFS= read -r -t 2 line; then
            [[ -n $line ]] && last=$line
        else
            rc=$?
            ((rc > 128)) || break # EOF (timeout gives > 128)
        fi
        if ((SECONDS >= next)); then
            log "$label: ${last:-waiting ...}"
            shown=$last
            next=$((SECONDS + 4))
        fi
    done
    [[ -n $line ]] && last=$line
    [[ -n $last && $last == "$shown" ]] || log "$label: ${last:-done}"
}

in_root() {
    local root=$1
    shift
    chroot "$root" /usr/bin/env -i \
        PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"
}

# Run a command with its output saved to a log and summarised by progress();
# on failure show the end of the log and stop.
run_logged() {
    local label=$1 logf=$2
    shift 2
    if ! "$@" 2>&1 | tee "$logf" | progress "$label"; then
        log "$label failed; last lines of its output:" >&2
        tail -n 25 "$logf" >&2 || true
        die "$label failed"
    fi
}

apt_in_root() {
    local label=$1 root=$2
    shift 2
    run_logged "$label" "$WORK/apt-$((++APT_RUNS)).log" \
        in_root "$root" apt-get -y -q -o Dpkg::Use-Pty=0 "$@"
}
APT_RUNS=0

# The part both stand-ins share: Debian minbase with the docker settings,
# apt sources, current security updates, CA certificates.  Built once; each
# image starts from a copy.
BASE=""
build_base() {
    local root="$WORK/rootfs-base" t0=$SECONDS
    local include=ca-certificates,tzdata
    log "debootstrap: Debian $SUITE minbase + $include ..."
    # The docker settings go in first: dpkg then skips fsync (much faster)
    # and leaves documentation out from the start.
    mkdir -p "$root"
    write_docker_config "$root"
    if ! debootstrap --variant=minbase --include="$include" "$SUITE" "$root" "$MIRROR" 2>&1 |
        tee "$WORK/debootstrap.log" | progress "debootstrap"; then
        log "debootstrap failed; last lines:" >&2
        tail -n 25 "$WORK/debootstrap.log" >&2 || true
        [[ -f $root/debootstrap/debootstrap.log ]] && tail -n 25 "$root/debootstrap/debootstrap.log" >&2
        die "debootstrap failed"
    fi
    write_sources "$root"
    apt_in_root "apt-get update" "$root" update
    apt_in_root "apt-get dist-upgrade" "$root" dist-upgrade
    # like the official images: everything automatic but what was asked for,
    # so "apt-get autoremove" behaves the same
    in_root "$root" apt-mark auto '.*' >/dev/null
    in_root "$root" apt-mark manual ${include//,/ } >/dev/null
    add_host_cas "$root"
    BASE=$root
    log "base root fs ready ($((SECONDS - t0))s)"
}

# A root fs for one image: a copy of the base, or the base itself for the
# last image that needs it.
new_root() {
    local root=$1 last=$2
    log "new root fs for ${root##*/rootfs-} from the base ..."
    if ((last)); then
        mv "$BASE" "$root"
        BASE=""
    else
        cp -a "$BASE" "$root"
    fi
}

# What the official Debian images configure (debuerreotype's minimizing
# config and the slim variant's dpkg path filters), recreated here.
write_docker_config() {
    local root=$1
    install -d "$root/etc/apt/apt.conf.d" "$root/etc/dpkg/dpkg.cfg.d" "$root/usr/sbin"

    cat >"$root/usr/sbin/policy-rc.d" <<'EOF'
#!/bin/sh
# Package installs in containers happen during image builds, where starting
# services is neither possible nor wanted.
exit 101
EOF
    chmod 0755 "$root/usr/sbin/policy-rc.d"

    cat >"$root/etc/dpkg/dpkg.cfg.d/docker-apt-speedup" <<'EOF'
# Image builds do not survive power loss anyway: skip dpkg's fsync calls.
force-unsafe-io
EOF

    cat >"$root/etc/apt/apt.conf.d/docker-autoremove-suggests" <<'EOF'
# Let "apt-get purge --auto-remove" remove packages that were pulled in by a
# build step even when another package merely suggests them.
Apt::AutoRemove::SuggestsImportant "false";
EOF

    cat >"$root/etc/apt/apt.conf.d/docker-clean" <<'EOF'
# Each "apt-get install" in an image build ends up in a layer: keep APT's
# caches out of it (the equivalent of "apt-get clean" after every run).
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };

Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF

    cat >"$root/etc/apt/apt.conf.d/docker-gzip-indexes" <<'EOF'
# Keep the package lists compressed on disk: much smaller layers for images
# that run "apt-get update" without removing the lists afterwards.
Acquire::GzipIndexes "true";
EOF

    cat >"$root/etc/apt/apt.conf.d/docker-no-languages" <<'EOF'
# Containers rarely need the "Translation" files: do not download them.
Acquire::Languages "none";
EOF

    cat >"$root/etc/dpkg/dpkg.cfg.d/docker" <<'EOF'
# This is the "slim" variant of a Debian image: files that are normally
# unnecessary in containers are excluded, and this keeps them that way.

path-exclude /usr/share/doc/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/lintian/overrides/*
path-exclude /usr/share/locale/*
path-exclude /usr/share/man/*
path-exclude /usr/share/doc/kde/HTML/*/*
path-exclude /usr/share/gnome/help/*/*
path-exclude /usr/share/omf/*/*-*.emf

path-include /usr/share/doc/*/copyright
path-include /usr/share/doc/kde/HTML/C/*
path-include /usr/share/gnome/help/*/C/*
path-include /usr/share/locale/all_languages
path-include /usr/share/locale/currency/*
path-include /usr/share/locale/l10n/*
path-include /usr/share/locale/languages
path-include /usr/share/locale/locale.alias
path-include /usr/share/omf/*/*-C.emf
EOF
    chmod 0644 "$root"/etc/apt/apt.conf.d/docker-* "$root"/etc/dpkg/dpkg.cfg.d/docker*
}

# Remove what the dpkg filters above would not have installed (run inside the
# root fs, so absolute symlinks resolve there and not on this machine).
slimify() {
    local root=$1
    # shellcheck disable=SC2016 # expanded by the shell inside the root fs
    in_root "$root" sh -c '
        for dir in /usr/share/doc /usr/share/groff /usr/share/info /usr/share/linda \
            /usr/share/lintian/overrides /usr/share/locale /usr/share/man; do
            [ -d "$dir" ] || continue
            find "$dir" -mindepth 1 -depth \
                -not \( -path "/usr/share/doc/*/copyright" \
                    -o -path /usr/share/locale/all_languages \
                    -o -path "/usr/share/locale/currency/*" \
                    -o -path "/usr/share/locale/l10n/*" \
                    -o -path /usr/share/locale/languages \
                    -o -path /usr/share/locale/locale.alias \) \
                -not \( -type d -o -type l \) -exec rm -f {} +
            # then dangling symlinks and empty directories, until none are left
            while [ -n "$(find "$dir" -mindepth 1 \( -empty -o -xtype l \) -print -quit)" ]; do
                find "$dir" -mindepth 1 -depth \( -empty -o -xtype l \) -exec rm -rf {} + 2>/dev/null || true
            done
        done
    '
}

# The image's own apt sources: the same mirror as this machine, trixie.
write_sources() {
    local root=$1 keyring
    keyring=/usr/share/keyrings/debian-archive-keyring.pgp
    [[ -e $root$keyring ]] || keyring=/usr/share/keyrings/debian-archive-keyring.gpg
    rm -f "$root/etc/apt/sources.list"
    install -d "$root/etc/apt/sources.list.d"
    {
        printf 'Types: deb\nURIs: %s\nSuites: %s %s-updates\nComponents: main\nSigned-By: %s\n' \
            "$MIRROR" "$SUITE" "$SUITE" "$keyring"
        if [[ -n $SECURITY_MIRROR ]]; then
            printf '\nTypes: deb\nURIs: %s\nSuites: %s-security\nComponents: main\nSigned-By: %s\n' \
                "$SECURITY_MIRROR" "$SUITE" "$keyring"
        fi
    } >"$root/etc/apt/sources.list.d/debian.sources"
}

# Trust the same extra certificate authorities as this machine.
add_host_cas() {
    local root=$1 n=0
    if [[ -d /usr/local/share/ca-certificates ]]; then
        n=$(find /usr/local/share/ca-certificates -type f -name '*.crt' | wc -l)
        if ((n)); then
            install -d "$root/usr/local/share/ca-certificates"
            cp -a /usr/local/share/ca-certificates/. "$root/usr/local/share/ca-certificates/"
        fi
    fi
    in_root "$root" update-ca-certificates >/dev/null 2>&1 ||
        die "update-ca-certificates failed in the image"
    log "  trusted extra CA certificates from this machine: $n"
}

# Everything the official images do not ship: caches, lists, logs, host
# leftovers.
finish_rootfs() {
    local root=$1
    in_root "$root" apt-get clean >/dev/null 2>&1 || true
    slimify "$root"
    rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin \
        "$root"/var/cache/apt/archives/*.deb "$root"/var/cache/debconf/*-old \
        "$root"/var/lib/dpkg/*-old "$root"/var/log/apt/*.log \
        "$root"/var/log/dpkg.log "$root"/var/log/bootstrap.log \
        "$root"/var/log/alternatives.log "$root"/var/cache/ldconfig/aux-cache \
        "$root"/run/mount/utab "$root"/root/.cache "$root"/tmp/* "$root"/var/tmp/*
    install -d "$root/var/lib/apt/lists/partial" "$root/var/cache/apt/archives/partial"
    : >"$root/etc/resolv.conf" # docker provides the real ones at run time
    echo localhost >"$root/etc/hostname"
    rm -f "$root/etc/machine-id"
}

# tar the root fs into `docker import`; extra arguments are --change options.
import_rootfs() {
    local name=$1 root=$2
    shift 2
    log "docker import $name ..."
    tar --numeric-owner --xattrs --acls -C "$root" \
        --exclude=./proc/* --exclude=./sys/* --exclude=./dev/* \
        -cf - . | docker import "$@" - "$name" >/dev/null
}

build_python() {
    local name=$1 root="$WORK/rootfs-python"
    new_root "$root" "$2"
    apt_in_root "$name: apt-get install" "$root" install --no-install-recommends \
        python3 python3-venv python3-dev netbase
    log "configure $name: venv in /usr/local ..."

    local version
    version=$(in_root "$root" python3 -c 'import platform; print(platform.python_version())')
    [[ $version == "$SUITE_PYTHON".* ]] || die "$SUITE ships Python $version, not $SUITE_PYTHON"
    # A venv rooted at /usr/local gives /usr/local/bin/python, python3 and pip
    # where the official image has them, and a pip that may install freely.
    in_root "$root" python3 -m venv /usr/local
    rm -f "$root"/usr/local/bin/[Aa]ctivate*
    find "$root/usr/local" -name __pycache__ -type d -prune -exec rm -rf {} +
    # the official image's extra names for the tools
    ln -sfT /usr/bin/pydoc3 "$root/usr/local/bin/pydoc"
    ln -sfT /usr/bin/python3-config "$root/usr/local/bin/python3-config"
    ln -sfT python3-config "$root/usr/local/bin/python-config"
    # The official image ships no static libpython (C extensions link against
    # nothing); keep Debian's ~25 MB of them out, now and on upgrades.
    printf '\n# no static libpython, as in the official image\npath-exclude %s\npath-exclude %s\n' \
        '/usr/lib/python3*/config-*/libpython*.a' '/usr/lib/*-linux-gnu*/libpython*.a' \
        >>"$root/etc/dpkg/dpkg.cfg.d/docker"
    rm -f "$root"/usr/lib/python3*/config-*/libpython*.a "$root"/usr/lib/*-linux-gnu*/libpython*.a
    # The official image carries Python's headers as plain files, and no
    # Debian -dev package (no C library headers either): keep the headers,
    # purge the packages that brought them.
    log "configure $name: Python headers without -dev packages ..."
    local headers="$WORK/python-headers" arch_headers
    mkdir -p "$headers"
    arch_headers=("$root"/usr/include/*-linux-gnu*/"python$SUITE_PYTHON")
    tar -C "$root" -cf "$headers/include.tar" "usr/include/python$SUITE_PYTHON" \
        "${arch_headers[@]#"$root"/}"
    apt_in_root "$name: purge -dev packages" "$root" purge --auto-remove \
        python3-dev "python$SUITE_PYTHON-dev" libpython3-dev "libpython$SUITE_PYTHON-dev"
    tar -C "$root" -xf "$headers/include.tar"
    # shellcheck disable=SC2016 # dpkg-query's own format, not a shell expansion
    ! in_root "$root" dpkg-query -W -f '${Package}\n' | grep -- '-dev$' \
        || die "$name still lists -dev packages"
    [[ -f $root/usr/include/python$SUITE_PYTHON/Python.h ]] || die "$name lost Python.h"
    [[ -x $root/usr/local/bin/python && -x $root/usr/local/bin/pip ]] || die "venv in /usr/local is incomplete"
    finish_rootfs "$root"

    import_rootfs "$name" "$root" \
        --change 'ENV PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin' \
        --change 'ENV LANG=C.UTF-8' \
        --change "ENV PYTHON_VERSION=$version" \
        --change 'ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt' \
        --change 'ENV REQUESTS_CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt' \
        --change 'CMD ["python3"]'
}

write_postgres_entrypoint() {
    local file=$1
    cat >"$file" <<'ENTRYPOINT'
#!/usr/bin/env bash
# Entrypoint of a locally built stand-in for the official postgres image.  It
# follows the official image's contract: POSTGRES_PASSWORD (required unless
# POSTGRES_HOST_AUTH_METHOD=trust), POSTGRES_USER (default postgres),
# POSTGRES_DB (default: the user), POSTGRES_INITDB_ARGS,
# POSTGRES_HOST_AUTH_METHOD (default scram-sha-256), *_FILE variants, and
# scripts in /docker-entrypoint-initdb.d (*.sh, *.sql, *.sql.gz) on first start.
set -Eeuo pipefail

# VAR or VAR_FILE (e.g. a Docker secret), not both.
file_env() {
	local var=$1 file_var="${1}_FILE" def=${2:-} val
	if [ -n "${!var:-}" ] && [ -n "${!file_var:-}" ]; then
		echo >&2 "error: both $var and $file_var are set (but are exclusive)"
		exit 1
	fi
	val=$def
	if [ -n "${!var:-}" ]; then
		val=${!var}
	elif [ -n "${!file_var:-}" ]; then
		val=$(<"${!file_var}")
	fi
	export "$var"="$val"
	unset "$file_var"
}

wants_help() {
	local arg
	for arg; do
		case "$arg" in -'?' | --help | --describe-config | -V | --version) return 0 ;; esac
	done
	return 1
}

if [ "${1:0:1}" = '-' ]; then
	set -- postgres "$@"
fi

if [ "$1" = 'postgres' ] && ! wants_help "$@"; then
	if [ "$(id -u)" = '0' ]; then
		mkdir -p "$PGDATA" /var/run/postgresql
		chmod 00700 "$PGDATA" || :
		chmod 03775 /var/run/postgresql || :
		find "$PGDATA" /var/run/postgresql \! -user postgres -exec chown postgres:postgres '{}' +
		# start again as postgres; exec keeps the final server as PID 1
		exec setpriv --reuid=postgres --regid=postgres --init-groups "${BASH_SOURCE[0]}" "$@"
	fi

	if [ ! -s "$PGDATA/PG_VERSION" ]; then
		file_env POSTGRES_PASSWORD
		file_env POSTGRES_USER postgres
		file_env POSTGRES_DB "$POSTGRES_USER"
		file_env POSTGRES_INITDB_ARGS
		: "${POSTGRES_HOST_AUTH_METHOD:=scram-sha-256}"

		if [ -z "$POSTGRES_PASSWORD" ] && [ "$POSTGRES_HOST_AUTH_METHOD" != 'trust' ]; then
			cat >&2 <<-'EOE'
				Error: Database is uninitialized and superuser password is not specified.
				       You must specify POSTGRES_PASSWORD to a non-empty value for the
				       superuser. For example, "-e POSTGRES_PASSWORD=password" on "docker run".

				       You may also use "POSTGRES_HOST_AUTH_METHOD=trust" to allow all
				       connections without a password. This is *not* recommended.
			EOE
			exit 1
		fi

		# initdb refuses an empty pwfile, hence the newline
		eval 'initdb --username="$POSTGRES_USER" --pwfile=<(printf "%s\n" "$POSTGRES_PASSWORD") '"$POSTGRES_INITDB_ARGS"
		printf '\nhost all all all %s\n' "$POSTGRES_HOST_AUTH_METHOD" >>"$PGDATA/pg_hba.conf"

		# A server for the set-up steps, on a private unix socket only: nothing
		# outside (TCP clients, pg_isready health checks) can mistake it for
		# the real server.  Scripts in /docker-entrypoint-initdb.d reach it
		# through PGHOST.
		PGHOST=$(mktemp -d /tmp/pg-init.XXXXXX)
		export PGHOST
		PGUSER=$POSTGRES_USER pg_ctl -D "$PGDATA" -w start \
			-o "-c listen_addresses='' -c unix_socket_directories=$PGHOST -p ${PGPORT:-5432}"
		export PGPASSWORD=$POSTGRES_PASSWORD
		psql_cmd=(psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --no-password --no-psqlrc)
		if [ "$POSTGRES_DB" != 'postgres' ]; then
			exists=$("${psql_cmd[@]}" --dbname postgres -tA --set db="$POSTGRES_DB" \
				<<<"SELECT 1 FROM pg_database WHERE datname = :'db';")
			if [ -z "$exists" ]; then
				"${psql_cmd[@]}" --dbname postgres --set db="$POSTGRES_DB" <<<'CREATE DATABASE :"db";'
			fi
		fi
		shopt -s nullglob
		for f in /docker-entrypoint-initdb.d/*; do
			case "$f" in
			*.sh)
				echo "$0: running $f"
				# shellcheck disable=SC1090
				if [ -x "$f" ]; then "$f"; else . "$f"; fi
				;;
			*.sql) echo "$0: running $f"; "${psql_cmd[@]}" --dbname "$POSTGRES_DB" -f "$f" ;;
			*.sql.gz) echo "$0: running $f"; gunzip -c "$f" | "${psql_cmd[@]}" --dbname "$POSTGRES_DB" ;;
			*) echo "$0: ignoring $f" ;;
			esac
		done
		shopt -u nullglob
		unset PGPASSWORD
		pg_ctl -D "$PGDATA" -m fast -w stop
		rm -rf "$PGHOST"
		unset PGHOST

		echo
		echo 'PostgreSQL init process complete; ready for start up.'
		echo
	else
		echo
		echo 'PostgreSQL Database directory appears to contain a database; Skipping initialization'
		echo
	fi
fi

exec "$@"
ENTRYPOINT
    chmod 0755 "$file"
}

build_postgres() {
    local name=$1 root="$WORK/rootfs-postgres"
    local major=$SUITE_POSTGRES
    new_root "$root" "$2"
    # As the official image does: the postgres user gets ids 999 (data
    # volumes stay portable), and Debian's default cluster is never created
    # (the data lives in $PGDATA, initialised by the entrypoint).
    in_root "$root" groupadd -r postgres --gid=999
    in_root "$root" useradd -r -g postgres --uid=999 --home-dir=/var/lib/postgresql --shell=/bin/bash postgres
    install -d -o 999 -g 999 -m 0755 "$root/var/lib/postgresql"
    apt_in_root "$name: apt-get install postgresql-common" "$root" install --no-install-recommends postgresql-common
    sed -ri 's/^#?\s*(create_main_cluster)\s*=.*/\1 = false/' "$root/etc/postgresql-common/createcluster.conf"
    grep -q '^create_main_cluster = false' "$root/etc/postgresql-common/createcluster.conf" ||
        die "could not switch off create_main_cluster"
    apt_in_root "$name: apt-get install postgresql-$major" "$root" install --no-install-recommends "postgresql-$major"
    log "configure $name: entrypoint ..."
    sed -ri "s!^#?(listen_addresses)\s*=\s*\S+.*!\1 = '*'!" "$root/usr/share/postgresql/$major/postgresql.conf.sample"
    grep -q "^listen_addresses = '\*'" "$root/usr/share/postgresql/$major/postgresql.conf.sample" ||
        die "could not set listen_addresses in postgresql.conf.sample"

    install -d -o 999 -g 999 -m 03775 "$root/var/run/postgresql"
    install -d -o 999 -g 999 -m 01777 "$root/var/lib/postgresql/data"
    install -d "$root/docker-entrypoint-initdb.d"
    write_postgres_entrypoint "$root/usr/local/bin/docker-entrypoint.sh"
    ln -sfT usr/local/bin/docker-entrypoint.sh "$root/docker-entrypoint.sh"
    in_root "$root" sh -c 'command -v setpriv && command -v pg_isready && test -x /usr/lib/postgresql/'"$major"'/bin/postgres' >/dev/null ||
        die "postgres root fs lacks setpriv, pg_isready or the server"

    local pg_version
    # shellcheck disable=SC2016 # a dpkg-query format, not a variable
    pg_version=$(in_root "$root" dpkg-query -W -f '${Version}' "postgresql-$major")
    finish_rootfs "$root"

    import_rootfs "$name" "$root" \
        --change "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/usr/lib/postgresql/$major/bin" \
        --change 'ENV LANG=C.UTF-8' \
        --change "ENV PG_MAJOR=$major" \
        --change "ENV PG_VERSION=$pg_version" \
        --change 'ENV PGDATA=/var/lib/postgresql/data' \
        --change 'VOLUME /var/lib/postgresql/data' \
        --change 'EXPOSE 5432' \
        --change 'ENTRYPOINT ["docker-entrypoint.sh"]' \
        --change 'CMD ["postgres"]'

    # docker import cannot set STOPSIGNAL; the official image stops postgres
    # with SIGINT (fast shutdown: does not wait for clients to disconnect).
    # A metadata-only build step on top adds it; no network involved.
    if printf 'FROM %s\nSTOPSIGNAL SIGINT\n' "$name" |
        DOCKER_BUILDKIT=0 docker build -q -t "$name" - >"$WORK/stopsignal.log" 2>&1; then
        log "  STOPSIGNAL SIGINT set"
    else
        log "  note: could not add STOPSIGNAL SIGINT (postgres stops on SIGTERM instead)"
    fi
}

# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------

stand_in_family() {
    local img=$1 repo tag
    repo=${img%%:*}
    tag=${img#*:}
    [[ $img == *:* ]] || tag=latest
    # A registry host prefix (its first part has a dot or a port) says nothing
    # about the image family.
    [[ ${repo%%/*} == *[.:]* && $repo == */* ]] && repo=${repo#*/}
    repo=${repo#library/}
    case "$repo" in
    python)
        [[ $tag == "$SUITE_PYTHON"* && $tag != *alpine* && $tag != *windows* ]] && {
            echo python
            return
        }
        ;;
    postgres)
        [[ $tag =~ ^$SUITE_POSTGRES($|[.-]) && $tag != *alpine* ]] && {
            echo postgres
            return
        }
        ;;
    esac
    echo none
}

command -v docker >/dev/null || die "docker client not found"
docker info >/dev/null 2>&1 || die "the Docker engine does not answer (is dockerd running?)"
((EUID == 0)) || die "must run as root (debootstrap, chroot)"

collect_images
log "base images: ${IMAGES[*]}"

# 1. what is there already, what a registry can give
TODO=()
for img in "${IMAGES[@]}"; do
    t0=$SECONDS
    if ((FORCE)); then
        log "$img: --force: rebuilding a stand-in from Debian $SUITE"
    elif docker image inspect "$img" >/dev/null 2>&1; then
        log "$img: already present locally, nothing to do"
        continue
    else
        log "$img: not present; trying docker pull ..."
        if timeout 120 docker pull -q "$img" >/dev/null 2>&1; then
            log "$img: pulled from the registry ($((SECONDS - t0))s)"
            continue
        fi
        log "$img: docker pull failed (no registry reachable?)"
    fi
    [[ $(stand_in_family "$img") != none ]] ||
        die "$img: no stand-in recipe for it (supported: python:$SUITE_PYTHON*, postgres:$SUITE_POSTGRES*, which Debian $SUITE ships)"
    log "$img: will be built as a stand-in from Debian $SUITE"
    TODO+=("$img")
done

# 2. stand-ins, all from one shared base root fs
if ((${#TODO[@]})); then
    make_work
    derive_mirrors
    ensure_debootstrap
    build_base
    for i in "${!TODO[@]}"; do
        img=${TODO[i]}
        t0=$SECONDS
        family=$(stand_in_family "$img")
        old_id=$(docker image inspect -f '{{.Id}}' "$img" 2>/dev/null || true)
        "build_$family" "$img" "$((i == ${#TODO[@]} - 1))"
        rm -rf --one-file-system "$WORK/rootfs-$family"
        # a rebuild leaves the previous image untagged: drop it unless in use
        if [[ -n $old_id && $old_id != "$(docker image inspect -f '{{.Id}}' "$img")" ]]; then
            docker image rm "$old_id" >/dev/null 2>&1 || true
        fi
        size=$(docker image inspect -f '{{.Size}}' "$img")
        log "$img: stand-in built in $((SECONDS - t0))s after the base ($((size / 1000000)) MB)"
    done
fi
log "done"
