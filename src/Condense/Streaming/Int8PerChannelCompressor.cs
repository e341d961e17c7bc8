using System.Buffers;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Condense.Formats;

namespace Condense.Streaming;

/// <summary>
/// Symmetric int8 linear quantization with one scale per output channel (row, dimension 0), the
/// streaming form of <c>LinearQuantizer</c> with Int8, symmetric, per-channel, min-max range
/// (Krishnamoorthi 2018 §2): γ = max|x|/127 per row (1 for an all-zero row), q = round(x/γ)
/// (half to even) clamped to [−127, 127]. Writes <c>{name}</c> (I8 codes, same shape) and
/// <c>{name}.scale</c> (F32 [rows]). Dequantized value = scale[row] · code.
/// </summary>
/// <remarks>
/// Each chunk holds whole rows, so a row's range and codes come from one pass over bytes already
/// in cache: the tensor is read once. The arithmetic (double division of the float value by the
/// float scale, round half to even) is the linear quantizer's, so the codes are the same bits.
/// </remarks>
public sealed class Int8PerChannelCompressor : ITensorCompressor
{
    public const string ScaleSuffix = ".scale";

    /// <param name="minElements">Smallest tensor compressed (default 1024); smaller and 1-D tensors are copied.</param>
    public Int8PerChannelCompressor(long minElements = 1024)
    {
        if (minElements < 1) throw new CondenseException($"int8: minimum elements must be ≥ 1, got {minElements}");
        MinElements = minElements;
    }

    public long MinElements { get; }
    public string Method => "int8";
    public string Settings => $"symmetric;per_channel;minmax;min_elements={MinElements}";

    public bool Accepts(SafetensorsEntry entry) =>
        entry.DType.IsFloat() && entry.Shape.Length >= 2 && entry.ElementCount >= MinElements;

    public IReadOnlyList<TensorOutput> Outputs(SafetensorsEntry entry) =>
    [
        new(entry.Name, TensorDType.I8, entry.Shape),
        new(entry.Name + ScaleSuffix, TensorDType.F32, [entry.Shape[0]]),
    ];

    public ITensorEncoder Prepare(SafetensorsEntry entry, TensorSource source, CancellationToken cancellation) =>
        new Encoder(entry, source.RowElements, source.Path);

    /// <summary>
    /// Quantizes one row: returns γ (NaN when the row holds NaN or ±Inf) and writes the codes with
    /// the linear quantizer's arithmetic, four doubles at a time where the CPU allows.
    /// </summary>
    public static float QuantizeRow(ReadOnlySpan<float> row, Span<sbyte> codes)
    {
        var (maxAbs, finite) = MaxAbs(row);
        if (!finite) return float.NaN;
        double range = maxAbs;
        var scale = (float)(range > 0 ? range / 127 : 1);
        double s = scale;
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var divisor = Vector256.Create(s);
            var lo = Vector256.Create(-127.0);
            var hi = Vector256.Create(127.0);
            for (; i + Vector256<float>.Count <= row.Length; i += Vector256<float>.Count)
            {
                var (a, b) = Vector256.Widen(Vector256.Create(row.Slice(i, Vector256<float>.Count)));
                var qa = Vector256.ConvertToInt64(Vector256.Min(Vector256.Max(Vector256.Round(a / divisor), lo), hi));
                var qb = Vector256.ConvertToInt64(Vector256.Min(Vector256.Max(Vector256.Round(b / divisor), lo), hi));
                var q = Vector256.Narrow(qa, qb);
                for (var j = 0; j < Vector256<int>.Count; j++) codes[i + j] = (sbyte)q[j];
            }
        }
        for (; i < row.Length; i++)
            codes[i] = (sbyte)Math.Clamp(Math.Round(row[i] / s), -127, 127);
        return scale;
    }

    static (float MaxAbs, bool Finite) MaxAbs(ReadOnlySpan<float> row)
    {
        float max = 0, poison = 0;
        var i = 0;
        if (Vector256.IsHardwareAccelerated && row.Length >= Vector256<float>.Count)
        {
            var m = Vector256<float>.Zero;
            var p = Vector256<float>.Zero;
            for (; i + Vector256<float>.Count <= row.Length; i += Vector256<float>.Count)
            {
                var v = Vector256.Create(row.Slice(i, Vector256<float>.Count));
                m = Vector256.Max(m, Vector256.Abs(v));
                // v·0 is NaN exactly when v is NaN or ±Inf.
                p += v * Vector256<float>.Zero;
            }
            for (var j = 0; j < Vector256<float>.Count; j++) { max = Math.Max(max, m[j]); poison += p[j]; }
        }
        for (; i < row.Length; i++)
        {
            max = Math.Max(max, Math.Abs(row[i]));
            poison += row[i] * 0;
        }
        return (max, float.IsFinite(poison) && float.IsFinite(max));
    }

    sealed class Encoder(SafetensorsEntry entry, long rowElements, string path) : ITensorEncoder
    {
        readonly float[] _scales = new float[entry.Shape[0]];

        public void Encode(ReadOnlySpan<byte> source, long firstElement, Span<byte> codes)
        {
            var n = codes.Length;
            var row = (int)rowElements;
            float[]? scratch = null;
            try
            {
                ReadOnlySpan<float> values;
                if (entry.DType == TensorDType.F32) values = MemoryMarshal.Cast<byte, float>(source);
                else
                {
                    scratch = ArrayPool<float>.Shared.Rent(n);
                    TensorValues.Widen(source, entry.DType, scratch.AsSpan(0, n));
                    values = scratch.AsSpan(0, n);
                }
                var signed = MemoryMarshal.Cast<byte, sbyte>(codes);
                var firstRow = firstElement / rowElements;
                for (var r = 0; r * row < n; r++)
                {
                    var scale = QuantizeRow(values.Slice(r * row, row), signed.Slice(r * row, row));
                    if (!float.IsFinite(scale))
                        throw new CondenseException($"{path}: tensor '{entry.Name}' holds NaN or ±Inf in row {firstRow + r}, which int8 cannot represent");
                    _scales[firstRow + r] = scale;
                }
            }
            finally
            {
                if (scratch is not null) ArrayPool<float>.Shared.Return(scratch);
            }
        }

        public IReadOnlyList<byte[]> Finish() => [MemoryMarshal.AsBytes(_scales.AsSpan()).ToArray()];
    }
}
