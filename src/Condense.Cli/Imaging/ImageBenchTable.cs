using System.Globalization;
using Spectre.Console;

namespace Condense.Cli.Imaging;

/// <summary><c>condense bench image</c>'s tables: per image and k, and the whole-process row.</summary>
public static class ImageBenchTable
{
    static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static void Print(IAnsiConsole console, IReadOnlyList<BenchImageRow> rows, int repeats)
    {
        var table = new Table().Title($"colour quantization: Condense (best of {repeats}: decode + quantize + write PNG) vs peers");
        foreach (var h in new[] { "image", "k", "Condense s", "CPU s", "quantize s", "Condense error", "sklearn s", "sklearn error", "pngquant s", "pngquant CPU s", "pngquant error", "peers", "error ≤ sklearn", "time ≤ pngquant", "CPU ≤ pngquant" })
        {
            table.AddColumn(new TableColumn(h).RightAligned());
        }
        static string F(double? v, string format) => v is { } x ? x.ToString(format, Inv) : "–";
        static string B(bool? v) => v is { } b ? (b ? "yes" : "NO") : "–";
        foreach (var r in rows)
        {
            table.AddRow(Markup.Escape($"{r.Image} {r.Width}×{r.Height}"), r.K.ToString(Inv), F(r.CondenseSeconds, "F3"), F(r.CondenseCpuSeconds, "F3"),
                F(r.CondenseQuantizeSeconds, "F3"), F(r.CondenseMeanError, "F2"), F(r.SklearnSeconds, "F3"), F(r.SklearnMeanError, "F2"),
                F(r.PngquantSeconds, "F3"), F(r.PngquantCpuSeconds, "F3"), F(r.PngquantMeanError, "F2"), r.PeerSource,
                B(r.ErrorAtMostSklearn), B(r.TimeAtMostPngquant), B(r.CpuAtMostPngquant));
        }
        console.Write(table);
        console.WriteLine("Condense s / CPU s: best wall / CPU seconds of the whole job in this process; quantize s: the quantizer alone.");
        console.WriteLine("peers: live = measured now on this machine (sklearn: one run of colorquant.py; pngquant --speed 4 --nofs: best of the same repeats,");
        console.WriteLine("       process start and PNG I/O included; its CPU s from GNU time, user + system);");
        console.WriteLine("       issue = the issue's figures for astronaut.png on a quiet machine. Run with --peers to measure them here.");
    }

    public static void PrintProcess(IAnsiConsole console, ProcessTimingRow r, int repeats)
    {
        var table = new Table().Title($"condense image {Markup.Escape(r.Image)} --colors {r.K} as a whole process vs pngquant (best of {repeats}, run alternately)");
        foreach (var h in new[] { "", "wall s", "CPU s" }) table.AddColumn(new TableColumn(h).RightAligned());
        table.AddRow(Markup.Escape(r.Condense), r.CondenseSeconds.ToString("F3", Inv), r.CondenseCpuSeconds.ToString("F3", Inv));
        table.AddRow("pngquant --speed 4 --nofs", r.PngquantSeconds.ToString("F3", Inv), r.PngquantCpuSeconds.ToString("F3", Inv));
        table.AddRow("condense / pngquant", r.WallRatio.ToString("F2", Inv) + "×", r.CpuRatio.ToString("F2", Inv) + "×");
        console.Write(table);
        console.WriteLine("Start-up, JIT, decode, quantize, encode and write included; the issue's target is ≤ 2× pngquant's process time.");
    }
}
