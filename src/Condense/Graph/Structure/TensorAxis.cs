namespace Condense.Graph.Structure;

/// <summary>Index arithmetic for one axis of a row-major tensor: the pieces every slice and cut walks.</summary>
internal static class TensorAxis
{
    /// <summary>Flat indices of position <paramref name="index"/> along <paramref name="axis"/>.</summary>
    public static IEnumerable<long> Indices(long[] dims, int axis, long index)
    {
        long outer = 1, inner = 1;
        for (int i = 0; i < axis; i++) outer *= dims[i];
        for (int i = axis + 1; i < dims.Length; i++) inner *= dims[i];
        for (long o = 0; o < outer; o++)
        {
            var start = (o * dims[axis] + index) * inner;
            for (long j = 0; j < inner; j++) yield return start + j;
        }
    }

    /// <summary>The tensor without the positions in <paramref name="removed"/> along <paramref name="axis"/>; the new dims.</summary>
    public static (float[] Values, long[] Dims) Remove(float[] values, long[] dims, int axis, IReadOnlySet<long> removed)
    {
        long outer = 1, inner = 1;
        for (int i = 0; i < axis; i++) outer *= dims[i];
        for (int i = axis + 1; i < dims.Length; i++) inner *= dims[i];
        var kept = Enumerable.Range(0, (int)dims[axis]).Where(i => !removed.Contains(i)).ToArray();
        var result = new float[outer * kept.Length * inner];
        long w = 0;
        for (long o = 0; o < outer; o++)
            foreach (var k in kept)
            {
                values.AsSpan((int)((o * dims[axis] + k) * inner), (int)inner).CopyTo(result.AsSpan((int)w, (int)inner));
                w += inner;
            }
        var newDims = dims.ToArray();
        newDims[axis] = kept.Length;
        return (result, newDims);
    }
}
