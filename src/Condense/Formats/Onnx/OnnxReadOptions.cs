namespace Condense.Formats.Onnx;

/// <summary>
/// Limits the ONNX reader enforces before and while parsing, so that a hostile file can neither
/// crash the process nor make it allocate without bound. Each limit is checked when it is set
/// (constructor or <c>with</c>), so a reader never meets an impossible one.
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

    /// <summary>Largest model file read, 1–2³¹ − 1 bytes.</summary>
    public long MaxFileBytes { get; init => field = CheckFileBytes(value); } = CheckFileBytes(MaxFileBytes);

    /// <summary>Deepest message nesting accepted, 1–1000.</summary>
    public int MaxRecursionDepth { get; init => field = CheckDepth(value); } = CheckDepth(MaxRecursionDepth);

    /// <summary>Most elements one tensor may declare, at least 1.</summary>
    public long MaxTensorElements { get; init => field = CheckElements(value); } = CheckElements(MaxTensorElements);

    static long CheckFileBytes(long value) => value is >= 1 and <= int.MaxValue ? value
        : throw new CondenseException($"ONNX file size limit must be 1–{int.MaxValue} bytes, got {value}");

    static int CheckDepth(int value) => value is >= 1 and <= 1000 ? value
        : throw new CondenseException($"ONNX nesting depth limit must be 1–1000, got {value}");

    static long CheckElements(long value) => value >= 1 ? value
        : throw new CondenseException($"ONNX tensor element limit must be at least 1, got {value}");
}
