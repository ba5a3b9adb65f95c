#!/usr/bin/env bash
# Build, once, the 6.12 debug kernel (KASAN, lockdep, DEBUG_VM, kmemleak,
# fault injection, KUnit) from Debian's linux-source-6.12 and cache it under
# $MMLENS_CACHE/debug/<source version>-<config hash>/:
#   obj/                    the O= build tree: KDIR for external modules
#   root/boot/vmlinuz-REL   the image, laid out like kernels.sh's images
#   root/lib/modules/REL/   modules_install output (zram.ko, ...)
#   release                 the kernel release string
#
#   debug-kernel.sh [--rt]          build if not cached; print NAME REL KDIR ROOT
#   debug-kernel.sh [--rt] --dir    print the cache directory; build nothing
#
# The config is `make tinyconfig` plus scripts/debug.config. Kconfig drops
# options whose dependencies are unmet without a word (tinyconfig's
# SLUB_TINY alone disables KASAN), so every option the fragment names is
# checked in the final .config and the build fails naming the missing ones.
# --rt builds the PREEMPT_RT variant, debug6.12-rt: scripts/debug-rt.config
# merged on top (a later line wins, in the merge and in the check).
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

name=debug6.12
fragments=("$MMLENS_TOP/scripts/debug.config")
if [ "${1:-}" = --rt ]; then
	name=debug6.12-rt
	fragments+=("$MMLENS_TOP/scripts/debug-rt.config")
	shift
fi
# Bump when the recipe below changes in a way that changes the output.
recipe=1

cache_dir() {
	local ver key
	ver=$(dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null) ||
		die "linux-source-6.12 not installed: run scripts/deps.sh"
	# Only the option lines: editing a comment must not cost a rebuild.
	key=$({
		echo "recipe $recipe"
		grep -hE '^(CONFIG_|# CONFIG_)' "${fragments[@]}"
		gcc --version | head -n 1
	} | sha256sum | cut -c1-12)
	printf '%s/debug/%s-%s\n' "$MMLENS_CACHE" "$ver" "$key"
}

# effective_fragment FRAGMENT...: each option's last line.
effective_fragment() {
	grep -hE '^(CONFIG_|# CONFIG_)' "$@" |
		awk '{ s = $0; sub(/^# /, "", s); sub(/[= ].*/, "", s)
		       last[s] = $0; if (!(s in seen)) { seen[s] = 1; order[++n] = s } }
		     END { for (i = 1; i <= n; i++) print last[order[i]] }'
}

# check_config FRAGMENT CONFIG: every line of FRAGMENT holds in CONFIG.
check_config() {
	local line sym missing=()
	while IFS= read -r line; do
		case $line in
		CONFIG_*=*)
			grep -qxF "$line" "$2" || missing+=("$line")
			;;
		"# CONFIG_"*" is not set")
			sym=${line#\# }
			sym=${sym%% *}
			if grep -qE "^$sym=" "$2"; then
				missing+=("$line")
			fi
			;;
		esac
	done < "$1"
	if [ "${#missing[@]}" -gt 0 ]; then
		log "debug-kernel: the final .config lacks:"
		printf '  %s\n' "${missing[@]}" >&2
		return 1
	fi
}

build() {
	local dir=$1 src obj rel t0
	src=$(bash "$MMLENS_TOP/scripts/ksource.sh")
	obj=$dir/obj
	t0=$(date +%s)
	rm -rf "$dir"
	mkdir -p "$obj"
	log "debug-kernel: building in $dir (log: $dir/build.log)"
	{
		make -C "$src" O="$obj" tinyconfig
		"$src/scripts/kconfig/merge_config.sh" -m -O "$obj" \
			"$obj/.config" "${fragments[@]}"
		make -C "$src" O="$obj" olddefconfig
	} > "$dir/build.log" 2>&1 || {
		tail -n 20 "$dir/build.log" >&2
		die "debug-kernel: configuring failed"
	}
	effective_fragment "${fragments[@]}" > "$dir/fragment.config"
	check_config "$dir/fragment.config" "$obj/.config" ||
		die "debug-kernel: required options missing (see above)"
	# modules: Module.symvers for external modules, and zram.ko.
	make -C "$src" O="$obj" -j"$(nproc)" bzImage modules \
		>> "$dir/build.log" 2>&1 || {
		grep -E 'error|Error' "$dir/build.log" | head -n 20 >&2
		die "debug-kernel: build failed (see $dir/build.log)"
	}
	rel=$(make -s -C "$src" O="$obj" kernelrelease)
	make -C "$src" O="$obj" INSTALL_MOD_PATH="$dir/root" \
		modules_install >> "$dir/build.log" 2>&1 ||
		die "debug-kernel: modules_install failed"
	mkdir -p "$dir/root/boot"
	cp "$obj/arch/x86/boot/bzImage" "$dir/root/boot/vmlinuz-$rel"
	cp "$obj/.config" "$dir/root/boot/config-$rel"
	printf '%s\n' "$rel" > "$dir/release"
	touch "$dir/.done"
	log "debug-kernel: built $rel in $(($(date +%s) - t0)) s"
}

dir=$(cache_dir)
if [ "${1:-}" = --dir ]; then
	printf '%s\n' "$dir"
	exit 0
fi

mkdir -p "$MMLENS_CACHE/debug"
# One build at a time, even from two checkouts sharing the cache.
exec 9> "$MMLENS_CACHE/debug/.lock"
flock 9
if [ ! -f "$dir/.done" ]; then
	build "$dir"
	# Older configs take disk space (~400 MB each), but another checkout
	# sharing the cache (a branch before a config change) may still boot
	# one: keep the $keep newest builds, delete the rest.
	# Two variants (--rt): keep twice as many.
	keep=6
	# shellcheck disable=SC2012 # our own <version>-<hash> names
	ls -1dt "$MMLENS_CACHE"/debug/*/ | tail -n +$((keep + 1)) |
		while IFS= read -r old; do
			[ "${old%/}" = "$dir" ] || rm -rf "$old"
		done
else
	log "debug-kernel: cached $(cat "$dir/release") in $dir"
fi
printf '%s %s %s %s\n' "$name" "$(cat "$dir/release")" "$dir/obj" "$dir/root"
