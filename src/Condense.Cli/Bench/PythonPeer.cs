using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Condense.Cli.Bench;

/// <summary>
/// Runs a peer script (scikit-learn, PyTorch) with /usr/bin/python3 for live side-by-side
/// figures and reads the one JSON document it prints last. Shared by the benches that offer
/// <c>--peers</c>, so they find, run and report a failing peer alike.
/// </summary>
public static class PythonPeer
{
    /// <summary>The first of the candidate paths (relative to the current directory or absolute) that exists, or null.</summary>
    public static string? Find(params string[] candidates) => candidates.Select(Path.GetFullPath).FirstOrDefault(File.Exists);

    /// <summary>
    /// Runs <paramref name="script"/> with <paramref name="arguments"/> and parses its last
    /// stdout line; a non-zero exit or a last line that is not JSON is one
    /// <see cref="CondenseException"/> line prefixed with <paramref name="bench"/>.
    /// </summary>
    public static JsonObject Run(string bench, string script, IEnumerable<string> arguments)
    {
        if (!File.Exists("/usr/bin/python3")) throw new CondenseException($"{bench}: --peers needs /usr/bin/python3");
        var info = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(script);
        foreach (var a in arguments) info.ArgumentList.Add(a);
        using var process = Process.Start(info) ?? throw new CondenseException($"{bench}: could not start /usr/bin/python3");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            var last = stderr.Result.Trim().Split('\n').LastOrDefault() ?? "";
            throw new CondenseException($"{bench}: the peer {script} failed (exit {process.ExitCode}): {last} (run ../shared/peers/setup.sh)");
        }
        try
        {
            return JsonNode.Parse(stdout.Trim().Split('\n').Last())!.AsObject();
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or NullReferenceException)
        {
            throw new CondenseException($"{bench}: the peer {script} printed no JSON object on its last line: {ex.Message}");
        }
    }

    /// <summary>Runs the peer (<see cref="Run(string, string, IEnumerable{string})"/>) and reads its last line into <typeparamref name="TReport"/> with the one serializer (snake_case); a line that does not fit is one <see cref="CondenseException"/> line.</summary>
    public static TReport Run<TReport>(string bench, string script, IEnumerable<string> arguments)
    {
        var json = Run(bench, script, arguments);
        try
        {
            return json.Deserialize<TReport>(CliConsole.SnakeJson) ?? throw new JsonException("null");
        }
        catch (JsonException ex)
        {
            throw new CondenseException($"{bench}: the peer {script} printed JSON that is not a {typeof(TReport).Name}: {ex.Message}");
        }
    }
}
