using System.Globalization;
using System.Text.Json.Nodes;

namespace Condense.Cli.Bench;

/// <summary>How bench figures are written: invariant numbers, "–" for a figure a run did not produce, and ratios beside their targets.</summary>
static class FigureText
{
    static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string F(double? v, string format) => v is { } x && double.IsFinite(x) ? x.ToString(format, Inv) : "–";
    public static double? D(JsonNode? n) => n is null ? null : n.GetValue<double>();
    public static string Source(string? s) => s is null ? "" : $" ({s})";

    /// <summary>"0.81× (≤ 1.2×)", or the target alone when there is nothing to divide by.</summary>
    public static string Ratio(double? ratio, string format, string target, string unit = "×") =>
        ratio is { } r && double.IsFinite(r) ? $"{r.ToString(format, Inv)}{unit} ({target})" : target;
}
