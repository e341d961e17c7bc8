#!/usr/bin/env bash
# Makes TorchSharp's native bridge load on systems whose libstdc++ predates GCC 13
# (Debian 12 ships GLIBCXX_3.4.30). See docs/torchsharp-on-debian12.md for the why.
#
#   build/fix-libtorchsharp.sh DIR
#
# DIR holds the build output's copy of libLibTorchSharp.so. The script touches only
# files inside DIR, and does nothing when the library already loads as it is.
set -euo pipefail

dir=${1:?usage: fix-libtorchsharp.sh DIR}
lib="$dir/libLibTorchSharp.so"
symbol=_ZSt21ios_base_library_initv      # std::ios_base_library_init(), GCC 13's <iostream> hook
version=GLIBCXX_3.4.32
shim=libcondense_iosinit_shim.so

[ -f "$lib" ] || exit 0

# Ask the real dynamic loader: ldd reports "version ... not found" for unmet requirements
# (a requirement flagged weak is reported too, as "weak version", but does not stop loading).
unmet() { LD_LIBRARY_PATH="$1" ldd "$2" 2>&1 | grep "not found" | grep -v "weak version" || true; }
missing=$(unmet "$dir" "$lib")
[ -n "$missing" ] || exit 0
if grep -qv "$version" <<<"$missing"; then
  echo "fix-libtorchsharp: $lib has unmet needs other than $version; not patching:" >&2
  echo "$missing" >&2
  exit 1
fi

for tool in patchelf cc readelf; do
  if ! command -v "$tool" >/dev/null; then
    echo "fix-libtorchsharp: TorchSharp needs $version, which this libstdc++ lacks; '$tool' is needed to adapt it (apt-get install patchelf gcc binutils), see docs/torchsharp-on-debian12.md" >&2
    exit 1
  fi
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# 1. A shim that defines the one GCC-13 symbol as a no-op: libstdc++ 12 initialises
#    the standard streams itself, so there is nothing left for it to do.
printf 'void %s(void) {}\n' "$symbol" > "$work/shim.c"
cc -shared -fPIC -O2 -o "$work/$shim" "$work/shim.c"

# 2. Patch a private copy (never the NuGet cache's file, which the output may link to).
cp "$lib" "$work/lib.so"

#    Flag the GLIBCXX_3.4.32 requirement weak (VER_FLG_WEAK = 0x2) in .gnu.version_r,
#    so the loader no longer refuses the library for it. Vernaux layout (ELF64):
#    vna_hash u32 | vna_flags u16 | vna_other u16 | vna_name u32 | vna_next u32.
sect_off=$(readelf -W -S "$work/lib.so" | awk '$0 ~ /\.gnu\.version_r/ { for (i = 1; i <= NF; i++) if ($i == ".gnu.version_r") { print $(i + 3); exit } }')
aux_off=$(readelf -W -V "$work/lib.so" | awk -v v="$version" '$0 ~ "Name: " v "[[:space:]]" { sub(":", "", $1); print $1; exit }')
if [ -z "$sect_off" ] || [ -z "$aux_off" ]; then
  echo "fix-libtorchsharp: could not locate $version in $lib's .gnu.version_r" >&2
  exit 1
fi
flags_at=$(( 16#$sect_off + aux_off + 4 ))
printf '\x02' | dd of="$work/lib.so" bs=1 seek="$flags_at" conv=notrunc status=none

#    Bind the symbol without a version, and make the shim a NEEDED library ($ORIGIN is
#    already in the library's RUNPATH, so the shim is found beside it).
patchelf --clear-symbol-version "$symbol" "$work/lib.so"
patchelf --add-needed "$shim" "$work/lib.so"

still=$(unmet "$dir:$work" "$work/lib.so")
if [ -n "$still" ]; then
  echo "fix-libtorchsharp: patched $lib still does not resolve: $still" >&2
  exit 1
fi

mv -f "$work/$shim" "$dir/$shim"
mv -f "$work/lib.so" "$lib"
echo "fix-libtorchsharp: adapted $lib for this system's libstdc++ (see docs/torchsharp-on-debian12.md)"
