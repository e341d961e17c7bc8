"""Re-runs each FsCheck property against a deliberate break of the code it guards.

Usage (on a scratch checkout: it edits sources, builds, tests, then git-checkouts each file back):
    python3 tests/mutations/break-properties.py M1 M2 M3 M4 M5 M6 M7
Every property must report Falsifiable; one that passes against its break is vacuous.
"""
import subprocess, sys
M = {
 "M1": ("src/Condense/Quantization/SharedWeights.cs", "q[i] = Codebooks[(i / per) * CodebookSize + idx[i]];", "q[i] = 1.001f * Codebooks[(i / per) * CodebookSize + idx[i]];", "Weight_sharing_an_already_shared"),
 "M2": ("src/Condense/Quantization/LinearQuantizer.cs", "scale = r > 0 ? r / positive : 1;", "scale = r > 0 ? 1.01 * r / positive : 1;", "Linear_quantizing_an_already"),
 "M3": ("src/Condense/Quantization/KMeans1D.cs", "        return Run(SortedPoints.FromValues(values, \"k-means\"), options);", "        if (options.Clusters == 7) options = new KMeansOptions(5, options.Init) { Seed = options.Seed };\n        return Run(SortedPoints.FromValues(values, \"k-means\"), options);", "KMeans_sse_never_rises"),
 "M4": ("src/Condense/Quantization/LinearQuantizer.cs", "float s = (float)scale;", "float s = (float)(Options.Granularity == Granularity.PerChannel ? 1.5 * scale : scale);", "Per_channel_error_is_at_most"),
 "M5": ("src/Condense/Quantization/Huffman.cs", "        return result;\n    }", "        if (result.Length > 1) result[^1] = result[0];\n        return result;\n    }", "Huffman_decode_of_encode"),
 "M6": ("src/Condense/Formats/SafetensorsWriter.cs", "tensors.Select(t => (t.Name, t.DType, t.Shape))", "tensors.Select(t => (t.Name, t.DType, t.Shape.Reverse().ToArray()))", "Read_of_write_is_the_identity"),
 "M7": ("src/Condense/LowRank/TruncatedSvd.cs", "return Compute(w, RankSelection.Fixed(rank));", "return Compute(w, RankSelection.Fixed(Math.Max(1, rank - 1)));", "Randomized_svd_error_is_at_least"),
}
for name in sys.argv[1:]:
    path, old, new, test = M[name]
    s = open(path).read()
    n = s.count(old)
    if n < 1: print(name, "PATTERN NOT FOUND"); continue
    open(path, "w").write(s.replace(old, new, 1))
    b = subprocess.run("dotnet build tests/Condense.Tests -c Release -v q --nologo 2>&1 | grep -E ' error |rror\\(s\\)'", shell=True, capture_output=True, text=True).stdout.strip()
    t = subprocess.run(f"OMP_NUM_THREADS=1 dotnet test tests/Condense.Tests -c Release --no-build --filter 'FullyQualifiedName~{test}' 2>&1 | grep -E 'Falsifiable|Passed!|Failed!|Shrunk' -A1 | head -6", shell=True, capture_output=True, text=True).stdout.strip()
    print("=====", name, path, "|", b.splitlines()[-1] if b else "", "\n", t, flush=True)
    subprocess.run(["git", "checkout", path])
