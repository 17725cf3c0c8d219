#!/usr/bin/env bash
# Builds the container sandbox's base image, tandem-sandbox:1, from this machine's own files: no
# registry is needed. The root file system holds a shell, coreutils, python3 with its standard
# library, node, git and curl, with the shared libraries they load, a `tandem` user (uid 1000)
# and the CA certificates. It is written as a tarball and imported with `podman import`.
#
#   build-sandbox-image.sh [--tag NAME] [--tarball FILE] [--no-import]
#                          [--root DIR --runroot DIR] [--force]
#
# --tarball keeps the root file system there (default: a temporary file); --no-import stops after
# writing it; --root/--runroot import into that Podman store instead of the default one. The
# tarball and the image carry a digest of their inputs, so a second run with nothing changed
# does no work.
set -euo pipefail

tag=tandem-sandbox:1
tarball=
import=1
force=0
podman_store=()

while [ $# -gt 0 ]; do
    case "$1" in
        --tag) tag=$2; shift 2 ;;
        --tarball) tarball=$2; shift 2 ;;
        --no-import) import=0; shift ;;
        --root) podman_store+=(--root "$2"); shift 2 ;;
        --runroot) podman_store+=(--runroot "$2"); shift 2 ;;
        --force) force=1; shift ;;
        *) echo "build-sandbox-image: unknown option $1" >&2; exit 2 ;;
    esac
done

# Programs the sandbox offers, by name on this machine's PATH.
programs=(
    sh dash bash env cat ls cp mv rm mkdir rmdir touch ln chmod readlink realpath stat id
    whoami pwd echo printf true false test sleep head tail wc sort uniq tr cut seq yes dd df du
    tee basename dirname date mktemp nproc timeout nohup setsid kill ps pgrep grep sed mawk awk
    find xargs diff cmp tar gzip which python3 python3.11 node git curl
)
# Whole trees the programs read at run time.
trees=(/usr/lib/python3.11 /usr/lib/git-core /usr/share/git-core /etc/ssl/certs
       /usr/share/ca-certificates /usr/lib/node_modules)
# Cached bytecode and tests are not needed inside, and only slow the import down.
excludes=(--exclude='__pycache__' --exclude='usr/lib/python3.11/test'
          --exclude='usr/lib/python3.11/idlelib' --exclude='usr/lib/python3.11/tkinter'
          --exclude='usr/lib/python3.11/ensurepip')

for tool in podman tar ldd; do
    command -v "$tool" > /dev/null ||
        { echo "build-sandbox-image: $tool is missing: run packaging/install-deps.sh" >&2; exit 1; }
done

host_path() {
    # The path of a program under /usr, the way Debian's merged /usr lays it out.
    local p
    p=$(PATH=/usr/bin:/usr/sbin type -P "$1") || return 1
    case "$p" in /bin/* | /sbin/* | /lib/* | /lib64/*) p=/usr$p ;; esac
    echo "$p"
}

# Each file, the symlinks on the way to it, and its real target; all under /usr.
add_with_links() {
    local p=$1
    case "$p" in /bin/* | /sbin/* | /lib/* | /lib64/*) p=/usr$p ;; esac
    echo "$p"
    while [ -L "$p" ]; do
        local target
        target=$(readlink "$p")
        case "$target" in /*) p=$target ;; *) p=$(dirname "$p")/$target ;; esac
        case "$p" in /bin/* | /sbin/* | /lib/* | /lib64/*) p=/usr$p ;; esac
        echo "$p"
    done
}

is_elf() { [ "$(head -c 4 "$1" 2> /dev/null | od -An -c | tr -d ' ')" = '177ELF' ]; }

workdir=$(mktemp -d)
trap 'rm -rf "$workdir"' EXIT

# Step 1: the list of host files.
list=$workdir/files
: > "$list"
for name in "${programs[@]}"; do
    p=$(host_path "$name") || { echo "build-sandbox-image: $name not found, skipped" >&2; continue; }
    add_with_links "$p" >> "$list"
done
for tree in "${trees[@]}"; do
    [ -e "$tree" ] && echo "$tree" >> "$list"
done

# Step 2: the shared libraries of every ELF file in the list (programs, python's modules, git's
# helpers), and the dynamic loader.
elves=$workdir/elves
: > "$elves"
while read -r p; do
    if [ -d "$p" ]; then
        find "$p" -type f \( -name '*.so' -o -perm -u+x \) 2> /dev/null
    elif [ -f "$p" ] && [ ! -L "$p" ]; then
        echo "$p"
    fi
done < "$list" | sort -u | while read -r f; do is_elf "$f" && echo "$f"; done > "$elves" || true
xargs -r ldd < "$elves" 2> /dev/null | awk '/=> \// { print $3 } /^\t\/[^ ]+ \(/ { print $1 }' |
    sort -u | while read -r lib; do add_with_links "$lib"; done >> "$list"
add_with_links /lib64/ld-linux-x86-64.so.2 >> "$list"
sort -u -o "$list" "$list"

# Step 3: the digest of everything the image is made of; nothing to do if it is unchanged.
digest=$( (cat "$0"; xargs -d '\n' stat -L -c '%n %s %Y' < "$list" 2> /dev/null || true) |
    sha256sum | cut -c1-16)

image_digest() {
    podman "${podman_store[@]}" image inspect "$tag" \
        --format '{{ index .Config.Labels "org.tandem.inputs" }}' 2> /dev/null || true
}

if [ "$force" = 0 ] && [ "$import" = 1 ] && [ "$(image_digest)" = "$digest" ]; then
    echo "build-sandbox-image: $tag is up to date ($digest)"
    exit 0
fi

if [ -z "$tarball" ]; then
    tarball=$workdir/rootfs.tar
fi
if [ "$force" = 1 ] || [ ! -f "$tarball" ] || [ "$(cat "$tarball.digest" 2> /dev/null)" != "$digest" ]
then
    # Step 4: what is Tandem's own: the user, the merged-/usr links, the mount points.
    stage=$workdir/stage
    mkdir -p "$stage/etc" "$stage/tmp" "$stage/workspace" "$stage/proc" "$stage/sys" \
        "$stage/dev" "$stage/run" "$stage/var/tmp" "$stage/root" "$stage/usr/local/bin"
    chmod 1777 "$stage/tmp" "$stage/var/tmp"
    chmod 700 "$stage/root"
    for d in bin sbin lib lib64; do ln -s "usr/$d" "$stage/$d"; done
    mkdir -p "$stage/usr/sbin"
    cat > "$stage/etc/passwd" << 'EOF'
root:x:0:0:root:/root:/bin/sh
tandem:x:1000:1000:Tandem sandbox:/tmp/home:/bin/bash
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
EOF
    cat > "$stage/etc/group" << 'EOF'
root:x:0:
tandem:x:1000:
nogroup:x:65534:
EOF
    printf 'passwd: files\ngroup: files\nhosts: files dns\n' > "$stage/etc/nsswitch.conf"
    : > "$stage/etc/hosts"
    : > "$stage/etc/resolv.conf"
    : > "$stage/etc/hostname"
    cp /etc/ld.so.conf "$stage/etc/" 2> /dev/null || true
    cp -r /etc/ld.so.conf.d "$stage/etc/" 2> /dev/null || true
    chown -R 0:0 "$stage"
    chown 1000:1000 "$stage/workspace"

    # Step 5: one tarball, host files first, then Tandem's own.
    tar -C / -cf "$tarball.part" --no-recursion \
        -T <(grep -v -x -F -f <(printf '%s\n' "${trees[@]}") "$list" | sed 's|^/||')
    present=()
    for t in "${trees[@]}"; do [ -e "$t" ] && present+=("${t#/}"); done
    tar -C / -rf "$tarball.part" "${excludes[@]}" "${present[@]}"
    tar -C "$stage" -rf "$tarball.part" .
    mv "$tarball.part" "$tarball"
    echo "$digest" > "$tarball.digest"
fi

if [ "$import" = 0 ]; then
    echo "build-sandbox-image: root file system in $tarball ($digest)"
    exit 0
fi

# Step 6: the image. No entrypoint: the sandbox says what runs.
podman "${podman_store[@]}" import \
    --change "LABEL org.tandem.inputs=$digest" \
    --change "ENV PATH=/usr/local/bin:/usr/bin:/bin" \
    --change "WORKDIR /workspace" \
    "$tarball" "$tag" > /dev/null
echo "build-sandbox-image: built $tag ($digest)"
