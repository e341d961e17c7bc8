using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Condense.Formats.Onnx;

namespace Condense.Tests.Formats.Onnx;

/// <summary>
/// ONNX Runtime writes its log straight to the process's stderr from native code, where an
/// in-process harness cannot see it: these tests run the real <c>condense</c> executable.
/// </summary>
public sealed partial class OnnxRuntimeLogTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("condense-ort-log").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    /// <summary>ONNX Runtime's own line format: "2026-12-01 22:31:13.59 [E:onnxruntime:, sequential_executor.cc:677 …]".</summary>
    [GeneratedRegex(@"\[[VIWEF]:onnxruntime:")]
    private static partial Regex RuntimeLogLine();

    static (int Code, string Stdout, string Stderr) RunProcess(params string[] args)
    {
        var exe = Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "Condense.Cli.exe" : "Condense.Cli");
        var start = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment.Remove("CONDENSE_DEBUG");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2))) { process.Kill(entireProcessTree: true); Assert.Fail("condense did not finish in 2 minutes"); }
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    [Fact]
    public void A_model_that_makes_the_runtime_log_errors_gives_one_line_of_condense_and_nothing_else()
    {
        // Every shape guess fails inside a Reshape kernel; ONNX Runtime logs each failure as an error line.
        var input = Path.Combine(dir, "grouped5.onnx");
        OnnxWriter.Write(input, OnnxBadGraphSamples.GroupedSequence(5));
        var output = Path.Combine(dir, "out.onnx");
        var (code, stdout, stderr) = RunProcess("compress", input, "--method", "kmeans", "--bits", "4", "--min-size", "100", "-o", output);
        Assert.Equal(1, code);
        Assert.DoesNotMatch(RuntimeLogLine(), stdout + stderr);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("condense: error: ", line);
        Assert.Equal("", stdout);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void A_model_that_runs_after_a_failed_guess_prints_clean_json()
    {
        // Two guesses fail (X [1, 8] and [1, 1] hold no multiple of 16 elements), the third runs; the failures must not leak.
        var input = Path.Combine(dir, "grouped16.onnx");
        OnnxWriter.Write(input, OnnxBadGraphSamples.GroupedSequence(16));
        var (code, stdout, stderr) = RunProcess("compress", input, "--method", "linear", "--bits", "8", "--min-size", "100", "-o", Path.Combine(dir, "o.onnx"), "--json");
        Assert.True(code == 0, stderr);
        Assert.Equal("", stderr);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal("random (seed 0); X [1, 16]", json.RootElement.GetProperty("verification").GetProperty("inputs").GetString());
    }
}
