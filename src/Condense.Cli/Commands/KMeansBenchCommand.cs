using System.CommandLine;
using System.Text.Json;
using Condense.Cli.Bench;
using Condense.Quantization;
using Condense.Workflows.Bench;
using Spectre.Console;

namespace Condense.Cli.Commands;

/// <summary>
/// <c>condense bench kmeans</c>: seconds and SSE per bits for Condense's fast (default) and exact
/// 1-D k-means on W n×n ~ N(0, 0.05²) (<see cref="KMeansBench"/>, run by <see cref="KMeansPeer"/>), beside scikit-learn 1.2's figures
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
        var report = KMeansPeer.Measure(new KMeansBenchRequest(n, bitsList, exactMode, repeat, seed, peers));
        if (json)
        {
            output.WriteLine(JsonSerializer.Serialize(report, CliConsole.SnakeJson));
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
        foreach (var r in report.Runs)
        {
            var skS = r.SklearnS ?? r.SklearnQuotedS;
            var skSse = r.SklearnSse ?? r.SklearnQuotedSse;
            table.AddRow(
                r.Bits.ToString(),
                r.FastS.ToString("F3"),
                r.FastCpuS.ToString("F3"),
                r.FastSse.ToString("G5"),
                r.FastGapPercent is { } g ? $"{g:F4} %" : "–",
                r.ExactS is { } es ? es.ToString("F3") : "–",
                r.ExactCpuS is { } ec ? ec.ToString("F3") : "–",
                r.ExactSse is { } ee ? ee.ToString("G5") : "–",
                r.ExactMethod is { } em ? em == nameof(KMeansMethod.ExactLagrangian) ? $"λ search ({r.ExactSolves} solves)" : "layered DP" : "–",
                skS is { } s ? s.ToString("F3") : "–",
                skSse is { } ss ? ss.ToString("G5") : "–",
                skS is { } s2 ? $"{s2 / r.FastS:F0}×" : "–");
        }
        console.Write(table);
        if (report.Cond1 is { } c1)
            output.WriteLine($"cond₁(W) = {c1:G6} in {report.Cond1S:F3} s wall, {report.Cond1CpuS:F3} s CPU (LU inverse via LibTorch; numpy pinv: 0.33 s per issue 4).");
        output.WriteLine(report.Peers == "live" ? "sklearn: measured live (../shared/peers/kmeans1d.py)."
            : n == 1000 ? "sklearn: figures quoted in issue 4 (scikit-learn 1.2 on this machine, different random W of the same law)." : "sklearn: no figures for this n (use --peers).");
        return 0;
    }
}
