#!/usr/bin/env bash
# Builds LTO's container base image without a Docker daemon or a registry: a Debian bookworm minbase
# root filesystem (debootstrap through the machine's apt mirror), a jlinked Java 25 runtime in /opt/java
# and the non-root user lto (uid/gid 10001), packed as a `docker save` tarball that Jib takes as
# `tar://` base (the `images` Maven profile). Air-gapped sites build it where the mirror is reachable,
# or swap in their own base (-Dlto.image.base=registry/image@sha256:...).
#   deploy/image/build-base.sh [output.tar]    (default deploy/image/target/lto-base.tar; needs root)
# Rebuilds only when the output is missing or LTO_BASE_REBUILD=1.
set -euo pipefail
cd "$(dirname "$0")"
OUT=$(realpath -m "${1:-target/lto-base.tar}")
SUITE=${LTO_DEBIAN_SUITE:-bookworm}
MIRROR=${LTO_DEBIAN_MIRROR:-http://deb.debian.org/debian}
: "${JAVA_HOME:=/usr/lib/jvm/temurin-25-jdk-amd64}"
# java.se for the services (java.desktop renders the report PNGs, java.instrument loads the
# OpenTelemetry agent), jdk.unsupported for Netty/DJL, the management and JFR modules for operators.
MODULES=java.se,jdk.unsupported,jdk.crypto.cryptoki,jdk.management,jdk.management.agent,jdk.jfr,jdk.zipfs,jdk.naming.dns,jdk.localedata,jdk.jcmd

if [ -f "$OUT" ] && [ "${LTO_BASE_REBUILD:-0}" != 1 ]; then echo "base image: $OUT exists"; exit 0; fi
[ "$(id -u)" = 0 ] || { echo "build-base.sh: debootstrap needs root" >&2; exit 1; }
command -v debootstrap >/dev/null || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap; }

WORK=$(mktemp -d /tmp/lto-base.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
ROOTFS=$WORK/rootfs
echo "base image: debootstrap --variant=minbase $SUITE from $MIRROR (takes a few minutes)"
debootstrap --variant=minbase "$SUITE" "$ROOTFS" "$MIRROR" >"$WORK/debootstrap.log" 2>&1 \
  || { tail -n 20 "$WORK/debootstrap.log" >&2; exit 1; }
# An image needs no package caches, docs or apt state; keep dpkg's database so scanners can read it.
rm -rf "$ROOTFS"/var/cache/apt/* "$ROOTFS"/var/lib/apt/lists/* "$ROOTFS"/usr/share/doc/* \
       "$ROOTFS"/usr/share/man/* "$ROOTFS"/usr/share/info/* "$ROOTFS"/var/log/* "$ROOTFS"/dev/* "$ROOTFS"/proc/* "$ROOTFS"/sys/*
echo "lto:x:10001:10001:LTO:/home/lto:/usr/sbin/nologin" >>"$ROOTFS/etc/passwd"
echo "lto:x:10001:" >>"$ROOTFS/etc/group"
echo "lto:!:20000::::::" >>"$ROOTFS/etc/shadow"
install -d -o 10001 -g 10001 "$ROOTFS/home/lto" "$ROOTFS/data"

echo "base image: jlink Java runtime ($("$JAVA_HOME/bin/java" -version 2>&1 | head -n1))"
"$JAVA_HOME/bin/jlink" --add-modules "$MODULES" --strip-debug --no-man-pages --no-header-files \
  --output "$ROOTFS/opt/java"

# One layer, reproducible (sorted names, fixed times, numeric owners).
mkdir -p "$WORK/image"
tar --sort=name --mtime=@0 --numeric-owner --xattrs -C "$ROOTFS" -cf "$WORK/image/layer.tar" .
DIFF_ID=sha256:$(sha256sum "$WORK/image/layer.tar" | cut -d' ' -f1)
JAVA_VERSION=$("$ROOTFS/opt/java/bin/java" -version 2>&1 | head -n1 | cut -d'"' -f2)
cat >"$WORK/image/config.json" <<JSON
{"architecture":"amd64","os":"linux","created":"1970-01-01T00:00:00Z",
 "config":{"Env":["PATH=/opt/java/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","JAVA_HOME=/opt/java","LANG=C.UTF-8"],
           "User":"10001:10001","WorkingDir":"/home/lto",
           "Labels":{"org.opencontainers.image.title":"lto-base","org.opencontainers.image.description":"Debian $SUITE minbase + jlinked Java $JAVA_VERSION",
                     "dev.lto.base.debian-suite":"$SUITE","dev.lto.base.java-version":"$JAVA_VERSION"}},
 "rootfs":{"type":"layers","diff_ids":["$DIFF_ID"]},
 "history":[{"created":"1970-01-01T00:00:00Z","created_by":"deploy/image/build-base.sh"}]}
JSON
echo '[{"Config":"config.json","RepoTags":["lto-base:'"$SUITE"'-java'"${JAVA_VERSION%%.*}"'"],"Layers":["layer.tar"]}]' >"$WORK/image/manifest.json"
mkdir -p "$(dirname "$OUT")"
tar --sort=name --mtime=@0 -C "$WORK/image" -cf "$OUT.tmp" manifest.json config.json layer.tar
mv "$OUT.tmp" "$OUT"
echo "base image: $OUT ($(du -h "$OUT" | cut -f1), layer $DIFF_ID)"
