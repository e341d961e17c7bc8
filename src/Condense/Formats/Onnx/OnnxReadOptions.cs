namespace Condense.Formats.Onnx;

/// <summary>
/// Limits the ONNX reader enforces before and while parsing, so that a hostile file can neither
/// crash the process nor make it allocate without bound.
/// </summary>
/// <param name="MaxFileBytes">Largest model file read (default and hard maximum 2 GiB − 1: protobuf
/// messages cannot be larger; bigger models keep their weights in external data files).</param>
/// <param name="MaxRecursionDepth">Deepest message nesting accepted (default 64; an ONNX model nests
/// a few levels per subgraph, the protobuf default is 100).</param>
/// <param name="MaxTensorElements">Most elements one tensor may declare (default 2³¹ − 1, what one
/// .NET array holds); anything larger is treated as an absurd shape.</param>
public sealed record OnnxReadOptions(
    long MaxFileBytes = int.MaxValue,
    int MaxRecursionDepth = 64,
    long MaxTensorElements = int.MaxValue)
{
    /// <summary>The defaults described on each parameter.</summary>
    public static OnnxReadOptions Default { get; } = new();

    internal void Validate()
    {
        if (MaxFileBytes is < 1 or > int.MaxValue)
            throw new CondenseException($"MaxFileBytes must be in 1..{int.MaxValue}, not {MaxFileBytes}");
        if (MaxRecursionDepth is < 1 or > 1000)
            throw new CondenseException($"MaxRecursionDepth must be in 1..1000, not {MaxRecursionDepth}");
        if (MaxTensorElements < 1)
            throw new CondenseException($"MaxTensorElements must be positive, not {MaxTensorElements}");
    }
}
