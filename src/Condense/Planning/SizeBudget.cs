using System.Globalization;

namespace Condense.Planning;

/// <summary>A size target: bytes (<c>50KB</c>, <c>1.5MB</c>, <c>2048</c>; KB = 1000 bytes, KiB = 1024) or a number of times smaller than float32 (<c>40</c>: original ÷ budget, the inverse of a ratio).</summary>
public sealed record SizeBudget(long? Bytes, double? TimesSmaller)
{
    /// <summary>Parses a size such as "50KB", "1.5MiB" or "40000" (bytes; kB/KB/MB count in thousands, KiB/MiB in 1024s); anything else is a <see cref="CondenseException"/> quoting <paramref name="text"/>.</summary>
    public static SizeBudget ParseSize(string text)
    {
        var t = text.Trim();
        var units = new (string Suffix, long Factor)[] { ("KiB", 1024), ("MiB", 1 << 20), ("KB", 1000), ("MB", 1_000_000), ("kB", 1000), ("B", 1) };
        long factor = 1;
        foreach (var (suffix, f) in units)
        {
            if (t.EndsWith(suffix, StringComparison.Ordinal)) { t = t[..^suffix.Length].Trim(); factor = f; break; }
        }
        if (!double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !(value > 0) || double.IsInfinity(value))
            throw new CondenseException($"target size '{text}' is not a positive size like 50KB");
        return new SizeBudget((long)(value * factor), null);
    }

    /// <summary>A budget as a compression factor: the dense size divided by <paramref name="timesSmaller"/>, which must be greater than 1 (so "4" means a quarter of the dense bytes).</summary>
    public static SizeBudget FromTimesSmaller(double timesSmaller)
    {
        if (!(timesSmaller > 1) || double.IsInfinity(timesSmaller)) throw new CondenseException($"--target-times-smaller must be greater than 1, got {timesSmaller}");
        return new SizeBudget(null, timesSmaller);
    }

    /// <summary>The budget in bytes for a model of <paramref name="denseBytes"/> float32 bytes.</summary>
    public long BytesFor(long denseBytes) => Bytes ?? (long)Math.Floor(denseBytes / TimesSmaller!.Value);

    /// <inheritdoc/>
    public override string ToString() => Bytes is { } b ? $"{b:N0} bytes" : $"{TimesSmaller}×";
}
