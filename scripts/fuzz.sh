#!/usr/bin/env bash
# Fuzz one Condense reader with AFL++ and SharpFuzz.
#
#   scripts/fuzz.sh TARGET MINUTES     TARGET: safetensors | shards | idx | onnx | image | container | sparse | checkpoint | hashed | model
#                                              | npy | npz | vocab | imagefolder
#
# Publishes tests/Fuzz, instruments Condense.dll (and Google.Protobuf.dll, which parses ONNX)
# (and Microsoft.ML.Tokenizers.dll, which the vocab target drives)
# with the sharpfuzz tool from the repo's tool manifest, then runs afl-fuzz from the committed
# seed corpus tests/Fuzz/seeds/TARGET for MINUTES minutes (decimals allowed: 0.5 = 30 s).
# A crashing input is replayed with: dotnet artifacts/fuzz/plain/Condense.Fuzz.dll TARGET FILE.
# Findings go to artifacts/fuzz/TARGET (override with FUZZ_OUT). Prints executions, paths,
# crashes and hangs, replays every crash for its stack trace, and exits 1 if there were any.
# FUZZ_SEED=N fixes afl-fuzz's random seed (CI sets it, so a smoke run mutates the same way each time).
# Needs: afl++ (Debian package afl++), the .NET 10 SDK.
set -euo pipefail
target=${1:?usage: scripts/fuzz.sh TARGET MINUTES}
minutes=${2:?usage: scripts/fuzz.sh TARGET MINUTES}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
case "$target" in safetensors|shards|idx|onnx|image|container|sparse|checkpoint|hashed|model|npy|npz|vocab|imagefolder) ;; *) echo "fuzz.sh: unknown target '$target'" >&2; exit 2;; esac
command -v afl-fuzz >/dev/null || { echo "fuzz.sh: afl-fuzz not found (apt-get install afl++)" >&2; exit 2; }
out=${FUZZ_OUT:-$root/artifacts/fuzz}
build="$out/build"
seconds=$(awk -v m="$minutes" 'BEGIN { s = int(m * 60); print (s < 1 ? 1 : s) }')

if [ ! -f "$build/.instrumented" ]; then
  rm -rf "$build"
  mkdir -p "$out"
  { dotnet tool restore &&
    dotnet publish tests/Fuzz/Condense.Fuzz.csproj -c Release -o "$build" --nologo -v quiet &&
    rm -rf "$out/plain" && cp -r "$build" "$out/plain" &&
    dotnet tool run sharpfuzz "$build/Condense.dll" &&
    dotnet tool run sharpfuzz "$build/Google.Protobuf.dll" &&
    dotnet tool run sharpfuzz "$build/Microsoft.ML.Tokenizers.dll"; } >"$out/build.log" 2>&1 || {
    echo "fuzz.sh: build or instrumentation failed; see $out/build.log" >&2; tail -20 "$out/build.log" >&2; exit 2; }
  touch "$build/.instrumented"
fi

findings="$out/$target"
rm -rf "$findings"
export AFL_SKIP_CPUFREQ=1 AFL_NO_UI=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_SKIP_BIN_CHECK=1 \
       AFL_NO_AFFINITY=1 AFL_SHUFFLE_QUEUE=0 AFL_FORKSRV_INIT_TMOUT=120000 DOTNET_TieredPGO=0
# -t: a hang is 10 s of one input on a busy 2-core machine (the readers take milliseconds);
# -m none: the .NET runtime reserves far more virtual memory than AFL's default limit.
seed_args=(); [ -n "${FUZZ_SEED:-}" ] && seed_args=(-s "$FUZZ_SEED")
afl-fuzz "${seed_args[@]}" -i "tests/Fuzz/seeds/$target" -o "$findings" -t 10000 -m none -V "$seconds" \
  -- dotnet "$build/Condense.Fuzz.dll" "$target" >"$out/$target.log" 2>&1 || {
  echo "fuzz.sh: afl-fuzz failed; last lines of $out/$target.log:" >&2; tail -20 "$out/$target.log" >&2; exit 2; }

stats="$findings/default/fuzzer_stats"
get() { awk -F' *: *' -v k="$1" '$1 == k { print $2 }' "$stats"; }
crashes=$(get saved_crashes); hangs=$(get saved_hangs)
echo "$target: $(get execs_done) executions in $(get run_time) s ($(get execs_per_sec)/s), $(get corpus_count) paths, $crashes crashes, $hangs hangs"
if [ "${crashes:-0}" != 0 ] || [ "${hangs:-0}" != 0 ]; then
  for f in "$findings"/default/crashes/id* "$findings"/default/hangs/id*; do
    # Replayed with the uninstrumented copy: instrumented code needs afl-fuzz's shared memory.
    [ -f "$f" ] && dotnet "$out/plain/Condense.Fuzz.dll" "$target" "$f" || true
  done
  exit 1
fi
