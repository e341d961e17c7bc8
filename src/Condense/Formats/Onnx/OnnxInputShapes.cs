using System.Globalization;

namespace Condense.Formats.Onnx;

/// <summary>
/// Shapes a user gives for a model's inputs (<c>--input-shape NAME=D1,D2,…</c>), for running it on
/// random data when its dims are dynamic and the defaults do not fit (a sequence model that needs
/// a length, a reshape that needs a multiple of 4).
/// </summary>
/// <param name="Shapes">Dims per input name.</param>
public sealed record OnnxInputShapes(IReadOnlyDictionary<string, long[]> Shapes)
{
    /// <summary>No shapes given.</summary>
    public static OnnxInputShapes None { get; } = new(new Dictionary<string, long[]>());

    /// <summary>
    /// Parses <c>NAME=D1,D2,…</c> specs (the name may itself hold <c>=</c>: the last one splits;
    /// <c>NAME=</c> is a scalar). A bad spec or a name given twice is a <see cref="CondenseException"/> quoting it.
    /// </summary>
    public static OnnxInputShapes Parse(IEnumerable<string> specs)
    {
        var shapes = new Dictionary<string, long[]>(StringComparer.Ordinal);
        foreach (var spec in specs)
        {
            var at = spec.LastIndexOf('=');
            if (at <= 0) throw new CondenseException($"--input-shape '{spec}' is not NAME=D1,D2,… (e.g. input_ids=1,128)");
            var name = spec[..at];
            var text = spec[(at + 1)..].Trim();
            var dims = text.Length == 0 ? [] : text.Split(',', 'x').Select(d =>
                long.TryParse(d.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v is > 0 and <= 1 << 24 ? v
                    : throw new CondenseException($"--input-shape '{spec}': dim '{d.Trim()}' is not a whole number in 1..{1 << 24}")).ToArray();
            if (!shapes.TryAdd(name, dims)) throw new CondenseException($"--input-shape gives input '{name}' twice");
        }
        return new OnnxInputShapes(shapes);
    }
}
