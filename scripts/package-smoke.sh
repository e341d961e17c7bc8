#!/usr/bin/env bash
# The packages as a user gets them (docs/api.md). Packs the Condense library and the condense
# tool into a local folder feed, installs the tool into a temporary tool path and runs it
# (--version; a parse error exits 2; train → export → compress → eval, so LibTorch, the adapted
# TorchSharp bridge and ONNX Runtime all load from the installed package), then builds and runs
# a temporary console project that references the library package from the feed, its Program.cs
# taken verbatim from docs/api.md. CI runs it after the tests (.ci/run).
#
#   scripts/package-smoke.sh
#
# Everything goes into one fresh temporary folder, removed at the end. The packages get a unique
# prerelease version (PackageVersion only: the assemblies keep Directory.Build.props' Version) and
# restore into a temporary packages folder, falling back to the machine's NuGet cache for
# TorchSharp and the rest, so no stale copy is ever picked up and nothing is left behind.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

work=$(mktemp -d "${TMPDIR:-/tmp}/condense-package-smoke.XXXXXX")
trap 'rm -rf "$work"' EXIT
feed=$work/feed tools=$work/tools app=$work/app out=$work/out
mkdir -p "$feed" "$tools" "$app" "$out"

step() { printf '\npackage-smoke: %s\n' "$*"; }
fail() { echo "package-smoke: FAILED: $*" >&2; exit 1; }

version=$(dotnet msbuild src/Condense/Condense.csproj -getProperty:Version)
package_version="$version-smoke.$(date -u +%Y%m%d%H%M%S).$$"

step "pack Condense and Condense.Tool $package_version into $feed"
dotnet pack src/Condense/Condense.csproj -c Release -m:1 -o "$feed" -p:PackageVersion="$package_version" | tail -2
dotnet pack src/Condense.Cli/Condense.Cli.csproj -c Release -m:1 -o "$feed" -p:PackageVersion="$package_version" | tail -2
library=$feed/Condense.$package_version.nupkg
[ -f "$library" ] || fail "no $library"
listing=$(python3 -c 'import sys, zipfile; print("\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))' "$library")
for entry in lib/net10.0/Condense.dll lib/net10.0/Condense.xml README.md LICENSE buildTransitive/Condense.targets buildTransitive/fix-libtorchsharp.sh; do
  grep -qx "$entry" <<<"$listing" || fail "$library lacks $entry"
done
ls -l "$feed"

# A NuGet configuration of our own: the local feed first, then the registry for everything else;
# new packages land in $work/packages, with the machine's cache as a read-only fallback.
global_packages=$(dotnet nuget locals global-packages --list | sed 's/^global-packages: //')
cat > "$work/nuget.config" <<EOF
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <config><add key="globalPackagesFolder" value="$work/packages" /></config>
  <fallbackPackageFolders><add key="machine" value="$global_packages" /></fallbackPackageFolders>
  <packageSources>
    <add key="condense-smoke" value="$feed" />
  </packageSources>
</configuration>
EOF
# The registry the machine is configured with (nuget.org unless set otherwise), added by name.
dotnet nuget list source --format short | awk '$1 ~ /^E/ { print $2 }' | while read -r url; do
  [ "$url" = "$feed" ] || dotnet nuget add source "$url" --configfile "$work/nuget.config" --name "registry-$RANDOM" >/dev/null
done

step "install the tool into $tools"
(cd "$work" && dotnet tool install Condense.Tool --version "$package_version" --tool-path "$tools" --configfile "$work/nuget.config")
condense=$tools/condense

step "condense --version"
reported=$("$condense" --version)
echo "$reported"
[ "$reported" = "$version" ] || fail "condense --version printed '$reported', expected '$version'"

step "a command line that does not parse exits 2"
set +e; "$condense" compress --no-such-option 2>"$out/parse.err"; code=$?; set -e
[ "$code" -eq 2 ] || fail "parse error exited $code, expected 2: $(cat "$out/parse.err")"

step "train (LibTorch) → export → compress (ONNX Runtime verifies) → eval, from the installed tool"
"$condense" train --model lenet300 --epochs 1 --seed 1 -o "$out/lenet300.safetensors" | tail -3
"$condense" export "$out/lenet300.safetensors" -o "$out/lenet300.onnx" | tail -2
"$condense" compress "$out/lenet300.onnx" --method kmeans --bits 4 -o "$out/lenet300-k4.onnx" --json > "$out/compress.json"
python3 - "$out/compress.json" "$out/lenet300-k4.onnx" <<'EOF'
import json, os, sys
report = json.load(open(sys.argv[1]))
before = report.get("bytes_before", report.get("bytesBefore"))
after = report.get("bytes_after", report.get("bytesAfter"))
size = os.path.getsize(sys.argv[2])
print(f"compress: {before} -> {after} bytes (file {size} bytes)")
assert after == size, "reported size is not the file's"
assert after < 0.3 * before, "4-bit k-means should shrink the model below 30%"
EOF
"$condense" eval "$out/lenet300-k4.onnx" | tail -3

step "a console project on the library package, Program.cs from docs/api.md"
# The first ```csharp block after the marker line, verbatim.
awk '/^<!-- package-smoke: Program.cs -->$/ { armed = 1; next }
     armed && /^```csharp$/ { inside = 1; next }
     inside && /^```$/ { exit }
     inside { print }' "$repo/docs/api.md" > "$app/Program.cs"
[ -s "$app/Program.cs" ] || fail "no Program.cs block after '<!-- package-smoke: Program.cs -->' in docs/api.md"
cat > "$app/Smoke.csproj" <<EOF
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <ImplicitUsings>enable</ImplicitUsings>
    <Nullable>enable</Nullable>
    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="Condense" Version="$package_version" />
  </ItemGroup>
</Project>
EOF
cp "$work/nuget.config" "$app/nuget.config"
# $work is outside the repository, so none of its Directory.Build.* files apply.
(cd "$app" && dotnet run -c Release -m:1) | tee "$out/app.txt"
grep -q '^weight sharing: 131072 -> 16448 bytes, SSE ' "$out/app.txt" || fail "the weight-sharing line is not as docs/api.md says"
grep -q '^low rank: rank 16, relative Frobenius error 0\.' "$out/app.txt" || fail "the low-rank line is missing (TorchSharp did not run?)"

step "OK: the library package and the tool install and run ($package_version)"
