namespace Condense.Graph.Dependency;

/// <summary>
/// How a value's channel axis is made of groups: segments in order (a Concat joins several), each
/// <c>Count</c> channels of group <c>Group</c>, each channel spread over <c>Block</c> consecutive
/// indices (after a Flatten). Most values have one segment of block 1.
/// </summary>
internal sealed record ChannelLayout(int Axis, int Rank, IReadOnlyList<ChannelLayout.Segment> Segments)
{
    internal sealed record Segment(int Group, int Count, long Block);

    public static ChannelLayout Single(int group, int count, int axis, int rank) => new(axis, rank, [new Segment(group, count, 1)]);

    /// <summary>Indices along the axis.</summary>
    public long Size => Segments.Sum(s => s.Count * s.Block);

    /// <summary>The segments with the offset each starts at.</summary>
    public IEnumerable<(Segment Segment, long Offset)> WithOffsets()
    {
        long offset = 0;
        foreach (var s in Segments)
        {
            yield return (s, offset);
            offset += s.Count * s.Block;
        }
    }

    public ChannelLayout Moved(int axis, int rank, long blockFactor = 1) =>
        new(axis, rank, Segments.Select(s => s with { Block = s.Block * blockFactor }).ToList());

    /// <summary>Same segment structure (counts and blocks), so two values can be tied channel by channel.</summary>
    public bool SameShapeAs(ChannelLayout other) =>
        Rank - Axis == other.Rank - other.Axis && Segments.Count == other.Segments.Count &&
        Segments.Zip(other.Segments).All(p => p.First.Count == p.Second.Count && p.First.Block == p.Second.Block);
}
