using Condense.Formats.Onnx;
using Onnx;

namespace Condense.Graph.Dependency;

/// <summary>
/// When a reshape keeps channels intact: the dimensions before the channel axis multiply to the
/// same number before some output axis, and that output axis holds every channel times a block of
/// the trailing dimensions (a Flatten of [N, C, H, W] to [N, C·H·W]: channel c becomes features
/// c·H·W … (c+1)·H·W − 1). Anything else — channels split into heads, or interleaved with other
/// dimensions — cannot be followed.
/// </summary>
internal static class ReshapeRule
{
    public static (int Axis, long BlockFactor)? Follow(long[] inShape, int axis, long[] outShape)
    {
        long before = 1;
        for (int i = 0; i < axis; i++) before *= inShape[i];
        long after = 1;
        for (int i = axis + 1; i < inShape.Length; i++) after *= inShape[i];
        long prefix = 1;
        for (int b = 0; b < outShape.Length; b++)
        {
            if (prefix == before && outShape[b] % inShape[axis] == 0)
            {
                long outAfter = 1;
                for (int i = b + 1; i < outShape.Length; i++) outAfter *= outShape[i];
                var factor = outShape[b] / inShape[axis];
                if (outAfter * factor == after && (outShape[b] != 1 || inShape[axis] == 1)) return (b, factor);
            }
            prefix *= outShape[b];
            if (prefix > before) break;
        }
        return null;
    }

    /// <summary>The values of a shape tensor (int64).</summary>
    public static long[] Values(TensorProto t)
    {
        if (t.DataType != (int)TensorProto.Types.DataType.Int64) return OnnxTensorData.ToFloat32(t).Select(v => (long)v).ToArray();
        if (!t.HasRawData) return [.. t.Int64Data];
        var raw = t.RawData.Span;
        var values = new long[raw.Length / 8];
        for (int i = 0; i < values.Length; i++) values[i] = System.Buffers.Binary.BinaryPrimitives.ReadInt64LittleEndian(raw[(i * 8)..]);
        return values;
    }
}
