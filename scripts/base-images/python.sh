#!/usr/bin/env bash
# Runs inside the python stand-in's root fs (debuerreotype-chroot, in the
# folder it was copied to): Debian trixie's Python laid out like the official
# python:3.13-slim image.  Leaves the image's build arguments in ./build-args.
set -euo pipefail
umask 0022 # debuerreotype's is 0002
want=3.13
fail() { echo "python.sh: $*" >&2; exit 1; }

apt-get install -y -q -o Dpkg::Use-Pty=0 --no-install-recommends python3 python3-venv python3-dev netbase
version=$(python3 -c 'import platform; print(platform.python_version())')
[[ $version == "$want".* ]] || fail "Debian trixie ships Python $version, not $want"

echo "venv in /usr/local ..."
# A venv rooted at /usr/local gives /usr/local/bin/python, python3 and pip
# where the official image has them, and a pip that may install freely.
python3 -m venv /usr/local
rm -f /usr/local/bin/[Aa]ctivate* /usr/local/.gitignore
find /usr/local -name __pycache__ -type d -prune -exec rm -rf {} +
ln -sfT /usr/bin/pydoc3 /usr/local/bin/pydoc
cp -L /usr/bin/python3-config /usr/local/bin/python3-config # its package goes below
ln -sfT python3-config /usr/local/bin/python-config
rmdir "/usr/local/include/python$want" && ln -s "/usr/include/python$want" "/usr/local/include/python$want"

echo "Python headers without -dev packages ..."
# no static libpython, as in the official image (see that dpkg file)
install -m 0644 dpkg-no-static-libpython /etc/dpkg/dpkg.cfg.d/docker-no-static-libpython
rm -f /usr/lib/python3*/config-*/libpython*.a /usr/lib/*-linux-gnu*/libpython*.a
# It carries Python's headers as plain files and lists no -dev package (no C
# library headers either): keep the headers, purge the packages that brought them.
tar -cPf headers.tar "/usr/include/python$want" /usr/include/*-linux-gnu*/"python$want"
apt-get purge -y -q -o Dpkg::Use-Pty=0 --auto-remove python3-dev "python$want-dev" libpython3-dev "libpython$want-dev"
tar -xPf headers.tar
# shellcheck disable=SC2016 # dpkg-query's own format
! dpkg-query -W -f '${Package}\n' | grep -- '-dev$' || fail "-dev packages are still listed"
[[ -f /usr/include/python$want/Python.h ]] || fail "Python.h is gone"
[[ -x /usr/local/bin/python && -x /usr/local/bin/pip ]] || fail "the venv in /usr/local is incomplete"
echo "PYTHON_VERSION=$version" >build-args
