using System.Text.Json;

namespace Condense.Tests.Cli;

/// <summary>
/// The one meaning of "ratio" in every command's JSON (docs/cli.md): a key <c>ratio</c> is
/// compressed ÷ original, so it is at most 1 for the compressing runs the tests make, and where
/// its object also has <c>bytes_before</c> and <c>bytes_after</c> it is exactly their quotient
/// after ÷ before; a "how many times smaller" figure is named <c>times_smaller</c> (and, beside a
/// <c>ratio</c>, is its inverse). Any other key with a word "ratio" (<c>…_ratio_…</c>) must be one of
/// <see cref="NamedRatios"/>, whose direction docs/cli.md states — so a new before ÷ after key
/// (<c>compression_ratio</c>, <c>packed_ratio</c>) fails the test that produced it.
/// </summary>
public static class JsonRatios
{
    /// <summary>Keys with the word "ratio" that compare a measurement with a named reference (new ÷ reference), or OCS's split fraction.</summary>
    public static readonly IReadOnlySet<string> NamedRatios = new HashSet<string>(StringComparer.Ordinal)
    {
        "latency_ratio", "memory_ratio", "time_ratio", "plan_ratio", "quantization_only_ratio", "ratio_to_pytorch", "expand_ratio",
    };

    /// <summary>Every offence with its path; empty when the document keeps the rule.</summary>
    public static IReadOnlyList<string> Offences(string json)
    {
        using var document = JsonDocument.Parse(json);
        var offences = new List<string>();
        Walk(document.RootElement, "$", null, offences);
        return offences;
    }

    static void Walk(JsonElement element, string path, string? parent, List<string> offences)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                if (!(parent is not null && JsonKeys.DataDictionaries.Contains(parent))) Check(element, path, offences);
                foreach (var property in element.EnumerateObject()) Walk(property.Value, $"{path}.{property.Name}", property.Name, offences);
                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in element.EnumerateArray()) Walk(item, $"{path}[{i++}]", null, offences);
                break;
        }
    }

    static void Check(JsonElement o, string path, List<string> offences)
    {
        foreach (var p in o.EnumerateObject())
        {
            if (p.Name.Split('_').Contains("ratio") && p.Name != "ratio" && !NamedRatios.Contains(p.Name))
                offences.Add($"{path}.{p.Name}: a ratio key whose meaning docs/cli.md does not state (size ratios are 'ratio', compressed ÷ original; 'times_smaller' is the inverse)");
        }
        if (!o.TryGetProperty("ratio", out var r) || r.ValueKind != JsonValueKind.Number) return;
        var ratio = r.GetDouble();
        if (ratio > 1 + 1e-9) offences.Add($"{path}.ratio = {ratio}: above 1, so not compressed ÷ original");
        if (Number(o, "bytes_before") is { } before && Number(o, "bytes_after") is { } after && before > 0 && Math.Abs(ratio - after / before) > 1e-6 * Math.Max(1, ratio))
            offences.Add($"{path}.ratio = {ratio}: not bytes_after ÷ bytes_before = {after / before}");
        if (Number(o, "times_smaller") is { } times && Math.Abs(ratio * times - 1) > 1e-6)
            offences.Add($"{path}.ratio = {ratio}: not the inverse of times_smaller = {times}");
    }

    static double? Number(JsonElement o, string key) =>
        o.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;
}
