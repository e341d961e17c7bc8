namespace Condense.Codecs;

/// <summary>
/// The elements of a row-major tensor grouped by their index along one axis (the consuming
/// operator's output channels): element i belongs to channel (i / Inner) mod Channels. Why a type:
/// the ONNX compressor needs any axis (MatMul stores [in, out]) while model files use axis 0, and
/// both must group, scale and decode with the same arithmetic. Within a channel the elements keep
/// their flat order, so sums over a channel add in the same order whatever the axis.
/// </summary>
internal readonly record struct ChannelLayout(long Outer, int Channels, long Inner)
{
    /// <summary>Elements per channel.</summary>
    public long PerChannel => Outer * Inner;

    /// <summary>Each channel is one contiguous slice (axis 0, or a single channel).</summary>
    public bool Contiguous => Outer == 1;

    /// <summary>One group for the whole tensor when <paramref name="axis"/> is null or the tensor has under two dimensions.</summary>
    public static ChannelLayout Of(long[] shape, int? axis, long count)
    {
        if (axis is not { } a || shape.Length < 2) return new(1, 1, count);
        if (a < 0 || a >= shape.Length) throw new CondenseException($"channel axis {a} is outside a tensor of {shape.Length} dimensions");
        long inner = 1, outer = 1;
        for (int d = a + 1; d < shape.Length; d++) inner *= shape[d];
        for (int d = 0; d < a; d++) outer *= shape[d];
        return new(outer, checked((int)shape[a]), inner);
    }

    public int ChannelOf(long i) => (int)(i / Inner % Channels);

    /// <summary>Copies channel <paramref name="c"/>'s elements, in flat order, into <paramref name="into"/>.</summary>
    public void Gather<T>(ReadOnlySpan<T> values, int c, Span<T> into)
    {
        for (long o = 0, k = 0; o < Outer; o++)
        {
            var start = (o * Channels + c) * Inner;
            values.Slice((int)start, (int)Inner).CopyTo(into.Slice((int)k, (int)Inner));
            k += Inner;
        }
    }

    /// <summary>The inverse of <see cref="Gather{T}"/>: writes channel <paramref name="c"/>'s elements back to their places.</summary>
    public void Scatter<T>(ReadOnlySpan<T> from, int c, Span<T> values)
    {
        for (long o = 0, k = 0; o < Outer; o++)
        {
            var start = (o * Channels + c) * Inner;
            from.Slice((int)k, (int)Inner).CopyTo(values.Slice((int)start, (int)Inner));
            k += Inner;
        }
    }
}
