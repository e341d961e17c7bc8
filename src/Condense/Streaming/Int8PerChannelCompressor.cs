using System.Buffers;
using System.Runtime.InteropServices;
using Condense.Codecs;
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
/// in cache: the tensor is read once. This is only the streaming layout (I8 codes, F32 scales);
/// the arithmetic is the <see cref="LinearCodec"/>'s, the one every other writer uses.
/// </remarks>
public sealed class Int8PerChannelCompressor : WeightCompressor
{
    /// <summary>Suffix of the per-row scale tensor stored beside each compressed tensor.</summary>
    public const string ScaleSuffix = ".scale";

    /// <param name="minElements">Smallest tensor compressed (default 1024); smaller and 1-D tensors are copied.</param>
    public Int8PerChannelCompressor(long minElements = 1024) : base("int8", "int8", TensorDType.I8, minElements) { }

    /// <inheritdoc/>
    public override string Settings => $"symmetric;per_channel;minmax;min_elements={MinElements}";

    /// <summary>One float32 scale per row.</summary>
    protected override TensorOutput Side(SafetensorsEntry entry) => new(entry.Name + ScaleSuffix, TensorDType.F32, [entry.Shape[0]]);

    /// <inheritdoc/>
    public override ITensorEncoder Prepare(SafetensorsEntry entry, TensorSource source, CancellationToken cancellation) =>
        new Encoder(entry, source.RowElements, source.Path);

    static readonly LinearCodec Codec = new(new LinearCodecOptions(8));

    /// <summary>
    /// Quantizes one row with the linear codec (<see cref="LinearCodec"/>: int8, symmetric,
    /// min-max): returns γ (NaN when the row holds NaN or ±Inf) and writes the integers.
    /// </summary>
    public static float QuantizeRow(ReadOnlySpan<float> row, Span<sbyte> codes) =>
        Codec.EncodeRowSigned(row, MemoryMarshal.AsBytes(codes));

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
