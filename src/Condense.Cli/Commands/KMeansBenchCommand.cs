using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Condense.Cli.Bench;
using Condense.Quantization;
using Spectre.Console;

namespace Condense.Cli.Commands;

/// <summary>
/// <c>condense bench kmeans</c>: seconds and SSE per bits for Condense's fast (default) and exact
/// 1-D k-means on W n×n ~ N(0, 0.05²) (<see cref="KMeansBench"/>), beside scikit-learn 1.2's figures
/// from issue 4 (n = 1000) or measured live with <c>--peers</c>.
/// </summary>
public static class KMeansBenchCommand
{
    public static Command Create()
    {
        var n = new Option<int>("--n") { Description = "Matrix side: W is n×n (1000 or 4096 in the issue).", DefaultValueFactory = _ => 1000 };
        var bits = new Option<string>("--bits") { Description = "Bits to run: a range '1..8' or a list '2,4,8'.", DefaultValueFactory = _ => "1..8" };
        var exact = new Option<string>("--exact") { Description = "Run the exact k-means: auto (when n² ≤ 4.2e6: n ≤ 2048), on, off.", DefaultValueFactory = _ => "auto" };
        var repeat = new Option<int>("--repeat") { Description = "Runs per setting; the best time is reported (the machine is shared).", DefaultValueFactory = _ => 3 };
        var seed = new Option<int>("--seed") { Description = "Seed of W.", DefaultValueFactory = _ => 0 };
        var peers = new Option<bool>("--peers") { Description = "Also run scikit-learn live via /usr/bin/python3 ../shared/peers/kmeans1d.py." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of a table." };
        var threads = new Option<int>("--threads") { Description = "LibTorch intra-op threads for cond₁ (0 = LibTorch's default).", DefaultValueFactory = _ => 0 };
        var command = new Command("kmeans", "1-D k-means of an n×n N(0, 0.05²) matrix: Condense fast and exact vs scikit-learn.")
        {
            n, bits, exact, repeat, seed, peers, json, threads,
        };
        command.SetAction(int (parse) =>
        {
            if (parse.GetValue(threads) is > 0 and var t) TorchSharp.torch.set_num_threads(t);
            return Run(parse.GetValue(n), ParseBits(parse.GetValue(bits)!), parse.GetValue(exact)!,
            parse.GetValue(repeat), parse.GetValue(seed), parse.GetValue(peers), parse.GetValue(json),
            parse.InvocationConfiguration.Output);
        });
        return command;
    }

    internal static int[] ParseBits(string text)
    {
        var t = text.Trim();
        int[] list;
        try
        {
            if (t.Contains(".."))
            {
                var parts = t.Split("..");
                int a = int.Parse(parts[0]), b = int.Parse(parts[1]);
                list = Enumerable.Range(a, Math.Max(0, b - a + 1)).ToArray();
            }
            else list = t.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray();
        }
        catch (FormatException) { throw new CondenseException($"bench kmeans: --bits '{text}' is not a range like 1..8 or a list like 2,4,8"); }
        catch (OverflowException) { throw new CondenseException($"bench kmeans: --bits '{text}' is out of range"); }
        if (list.Length == 0 || list.Any(b => b is < 1 or > 16))
            throw new CondenseException($"bench kmeans: --bits '{text}' must name bits in 1..16");
        return list;
    }

    static int Run(int n, int[] bitsList, string exactMode, int repeat, int seed, bool peers, bool json, TextWriter output)
    {
        if (n is < 2 or > 16384) throw new CondenseException($"bench kmeans: --n must be in 2..16384, got {n}");
        if (repeat is < 1 or > 100) throw new CondenseException($"bench kmeans: --repeat must be in 1..100, got {repeat}");
        if (exactMode is not ("auto" or "on" or "off")) throw new CondenseException($"bench kmeans: --exact must be auto, on or off, got '{exactMode}'");
        JsonNode? peer = peers ? RunPeer(n, bitsList) : null;
        bool runExact = exactMode == "on" || (exactMode == "auto" && (double)n * n <= 4.2e6);
        var result = KMeansBench.Measure(n, bitsList, runExact, repeat, seed, peer);
        var rows = result["runs"]!.AsArray();
        if (json)
        {
            output.WriteLine(result.ToJsonString(new JsonSerializerOptions { WriteIndented = false }));
            return 0;
        }
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Out = new AnsiConsoleOutput(output), Interactive = InteractionSupport.No,
        });
        console.Profile.Width = 160;
        var table = new Table().Title($"1-D k-means of a {n}×{n} N(0, 0.05²) matrix (best of {repeat}; wall and process CPU seconds: on a shared machine CPU time is the fairer figure)");
        foreach (var h in new[] { "bits", "fast s", "fast cpu s", "fast SSE", "gap to opt.", "exact s", "exact cpu s", "exact SSE", "exact by", "sklearn s", "sklearn SSE", "speed-up" })
            table.AddColumn(new TableColumn(h).RightAligned());
        foreach (var r in rows)
        {
            double? skS = r!["sklearn_s"]?.GetValue<double>() ?? r["sklearn_quoted_s"]?.GetValue<double>();
            double? skSse = r["sklearn_sse"]?.GetValue<double>() ?? r["sklearn_quoted_sse"]?.GetValue<double>();
            double fs = r["fast_s"]!.GetValue<double>();
            table.AddRow(
                r["bits"]!.ToString(),
                fs.ToString("F3"),
                r["fast_cpu_s"]!.GetValue<double>().ToString("F3"),
                r["fast_sse"]!.GetValue<double>().ToString("G5"),
                r["fast_gap_percent"] is { } g ? $"{g.GetValue<double>():F4} %" : "–",
                r["exact_s"] is { } es ? es.GetValue<double>().ToString("F3") : "–",
                r["exact_cpu_s"] is { } ec ? ec.GetValue<double>().ToString("F3") : "–",
                r["exact_sse"] is { } ee ? ee.GetValue<double>().ToString("G5") : "–",
                r["exact_method"] is { } em ? em.GetValue<string>() == nameof(KMeansMethod.ExactLagrangian) ? $"λ search ({r["exact_solves"]} solves)" : "layered DP" : "–",
                skS is { } s ? s.ToString("F3") : "–",
                skSse is { } ss ? ss.ToString("G5") : "–",
                skS is { } s2 ? $"{s2 / fs:F0}×" : "–");
        }
        console.Write(table);
        if (result["cond1"] is { } c1)
            output.WriteLine($"cond₁(W) = {c1.GetValue<double>():G6} in {result["cond1_s"]!.GetValue<double>():F3} s wall, {result["cond1_cpu_s"]!.GetValue<double>():F3} s CPU (LU inverse via LibTorch; numpy pinv: 0.33 s per issue 4).");
        output.WriteLine(peer is not null ? "sklearn: measured live (../shared/peers/kmeans1d.py)."
            : n == 1000 ? "sklearn: figures quoted in issue 4 (scikit-learn 1.2 on this machine, different random W of the same law)." : "sklearn: no figures for this n (use --peers).");
        return 0;
    }

    static JsonNode? RunPeer(int n, int[] bits)
    {
        var script = PythonPeer.Find("../shared/peers/kmeans1d.py", "/work/shared/peers/kmeans1d.py")
            ?? throw new CondenseException("bench kmeans: --peers needs /usr/bin/python3 and ../shared/peers/kmeans1d.py");
        return PythonPeer.Run("bench kmeans", script, ["--n", n.ToString(), "--bits", .. bits.Select(b => b.ToString()), "--exact-max-bits", "0"]);
    }
}
