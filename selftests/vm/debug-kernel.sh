#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Builds the debug lane's kernel from Debian's linux-source-6.12 once, and caches it
# outside the repository under a key made of the config fragment, the build recipe,
# the compiler and the source package's version. Prints the build directory (usable as
# KDIR) on stdout.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache=${INTNET_CACHE:-/var/cache/intnet}
fragment=$here/debug.config

log() { echo "debug-kernel: $*" >&2; }

# Bump when the way the kernel is built changes (not its config: that is in the key).
recipe=1
src=$("$here/../../scripts/source.sh")
srcver=$(dpkg-query -W -f='${Version}' linux-source-6.12)
key=$(printf '%s\n' "recipe $recipe" "source $srcver" "$(gcc --version | head -n 1)" |
	cat - "$fragment" | sha256sum | cut -c1-12)
out=$cache/debug-6.12-$key

mkdir -p "$cache"
exec 9>"$cache/.debug-kernel.lock"
flock 9

if [ -e "$out/.done" ]; then
	echo "$out"
	exit 0
fi

rm -rf "$out"
mkdir -p "$out"
kmake() { make -C "$src" O="$out" ARCH=x86_64 "$@"; }

log "configuring (tinyconfig + $fragment)"
kmake -s tinyconfig >/dev/null
"$src/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" "$fragment" >/dev/null
kmake -s olddefconfig >/dev/null

# olddefconfig silently drops options whose dependencies are missing: refuse that.
missing=0
while IFS= read -r line; do
	case "$line" in
	CONFIG_*=*)
		grep -qxF -- "$line" "$out/.config" || { log "not in .config: $line"; missing=1; } ;;
	"# CONFIG_"*" is not set")
		opt=${line#\# }; opt=${opt%% *}
		! grep -q "^$opt=" "$out/.config" || { log "should be unset: $opt"; missing=1; } ;;
	esac
done <"$fragment"
[ "$missing" = 0 ] || { log "config fragment not satisfied"; exit 1; }

jobs=$(nproc)
log "building with -j$jobs; log in $out/build.log (about 5-10 minutes)"
start=$(date +%s)
(
	while sleep 30; do
		n=$(find "$out" -name '*.o' 2>/dev/null | wc -l)
		log "... $n objects built, $(( $(date +%s) - start )) s"
	done
) &
ticker=$!
trap 'kill $ticker 2>/dev/null || true' EXIT
if ! kmake -j"$jobs" all modules_prepare >"$out/build.log" 2>&1; then
	tail -n 40 "$out/build.log" >&2
	log "build failed; see $out/build.log"
	exit 1
fi
kill $ticker 2>/dev/null || true
log "built $(cat "$out/include/config/kernel.release") in $(( $(date +%s) - start )) s"
touch "$out/.done"
# Builds of other configurations are stale now: ~0.5 GB each.
for old in "$cache"/debug-6.12-*; do
	[ "$old" = "$out" ] || rm -rf "$old"
done
echo "$out"
