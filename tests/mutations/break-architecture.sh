#!/usr/bin/env bash
# Shows each architecture rule (tests/Condense.Tests/Architecture/ArchitectureTests.cs) failing on a
# deliberate violation. Works on a temporary copy of the working tree (never the checkout itself):
# for each rule it adds one small file that breaks it, builds the test project, runs that rule's
# test, asserts it FAILS, and removes the file again; finally it runs all rules on the unbroken
# copy and asserts they pass.
#
#   tests/mutations/break-architecture.sh          (5 builds: 24 minutes on the shared 2 cores at load ~30, 2026-12-02; all four rules caught)
set -euo pipefail
cd "$(dirname "$0")/../.."
copy=$(mktemp -d "${TMPDIR:-/tmp}/condense-break-architecture.XXXXXX")
trap 'rm -rf "$copy"' EXIT
# The sources as they are now (tracked and untracked, not ignored), plus the Studio's node_modules.
git ls-files -z --cached --others --exclude-standard | tar --null -T - --ignore-failed-read -cf - 2>/dev/null | tar -xf - -C "$copy"
if [ -d src/Condense.Studio/frontend/node_modules ]; then tar -cf - src/Condense.Studio/frontend/node_modules | tar -xf - -C "$copy"; fi
cd "$copy"

# (|| true: a failing test is the expected outcome here, and grep finding nothing is not an error.)
build() { { dotnet build tests/Condense.Tests -c Release -m:1 -v q --nologo 2>&1 || true; } | grep -E ' error |rror\(s\)' | tail -3 || true; }
run_rule() { { dotnet test tests/Condense.Tests -c Release --no-build --filter "FullyQualifiedName~ArchitectureTests.$1" 2>&1 || true; } | grep -E '^(Passed|Failed)!|commands that|types (using|outside)|library types' | head -4 || true; }

declare -a names files tests bodies
names+=(command-calls-command); files+=(src/Condense.Cli/Commands/ArchBreakCommand.cs); tests+=(No_command_references_another_command)
bodies+=('namespace Condense.Cli.Commands;
static class ArchBreakCommand { internal static object Make() => FoldCommand.Create(); }')
names+=(helper-calls-command); files+=(src/Condense.Cli/Bench/ArchBreak.cs); tests+=(Only_the_command_tree_names_commands)
bodies+=('namespace Condense.Cli.Bench;
static class ArchBreak { internal static object Make() => Condense.Cli.Commands.FoldCommand.Create(); }')
names+=(library-console); files+=(src/Condense/Quantization/ArchBreak.cs); tests+=(The_library_never_touches_the_console)
bodies+=('namespace Condense.Quantization;
static class ArchBreak { internal static void Say(string s) => System.Console.WriteLine(s); }')
names+=(library-file-io); files+=(src/Condense/Metrics/ArchBreak.cs); tests+=(File_IO_stays_in_Formats_and_Workflows)
bodies+=('namespace Condense.Metrics;
static class ArchBreak { internal static byte[] Read(string path) => System.IO.File.ReadAllBytes(path); }')

status=0
for i in "${!names[@]}"; do
  printf '%s\n' "${bodies[$i]}" > "${files[$i]}"
  echo "===== ${names[$i]}: ${files[$i]} → ${tests[$i]} must fail"
  build
  result=$(run_rule "${tests[$i]}")
  echo "$result"
  if grep -q '^Failed!' <<<"$result"; then echo "OK: the rule caught it"; else echo "BROKEN RULE: ${tests[$i]} did not fail"; status=1; fi
  rm -f "${files[$i]}"
done

echo "===== unbroken: every rule passes"
build
result=$(run_rule "")
echo "$result"
grep -q '^Passed!' <<<"$result" || { echo "the rules fail on the unbroken tree"; status=1; }
exit $status
