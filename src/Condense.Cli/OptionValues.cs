using System.Globalization;

namespace Condense.Cli;

/// <summary>Option values several commands share, parsed one way with one message style.</summary>
public static class OptionValues
{
    /// <summary>"4,8,16" → [4, 8, 16]: positive whole numbers (<c>--ranks</c>).</summary>
    public static int[] ParseRanks(string text)
    {
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length == 0) throw new CondenseException("--ranks: no ranks given");
        return parts.Select(p => int.TryParse(p, NumberStyles.Integer, CultureInfo.InvariantCulture, out var r) && r > 0
            ? r : throw new CondenseException($"--ranks: '{p}' is not a positive whole number")).ToArray();
    }

    /// <summary>"30GB" → 30·10^9, "2GiB" → 2·2^30, "500MB", "1e9" (bytes).</summary>
    public static long ParseSize(string text)
    {
        var t = text.Trim().ToUpperInvariant();
        (string Suffix, double Factor)[] units = [("GIB", 1L << 30), ("MIB", 1L << 20), ("KIB", 1L << 10), ("GB", 1e9), ("MB", 1e6), ("KB", 1e3), ("G", 1e9), ("M", 1e6), ("B", 1)];
        foreach (var (suffix, factor) in units)
        {
            if (t.EndsWith(suffix, StringComparison.Ordinal) && double.TryParse(t[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v > 0 && v * factor < 1e14)
                return (long)(v * factor);
        }
        if (double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var b) && b > 0 && b < 1e14) return (long)b;
        throw new CondenseException($"--size {text}: use a size such as 30GB, 500MB or 2GiB");
    }
}
