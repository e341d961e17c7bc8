using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Condense.Codecs;
using Condense.Formats;
using Condense.Quantization;

namespace Condense.Models;

/// <summary>
/// Reads one parameter of <see cref="QuantizedModelFile"/>'s layout back into the codec's value
/// (<see cref="EncodedParameter"/> over an <see cref="EncodedTensor"/>), so a file read back and a
/// tensor just encoded decode through the same <see cref="EncodedTensor.Decode"/>. Split from the
/// file class to keep the reader's checks (hostile files) in one place.
/// </summary>
internal static class QuantizedLayout
{
    /// <summary>A k-means parameter: codebooks and packed (or Huffman-coded) indices.</summary>
    public static EncodedParameter ReadKMeans(string path, string name, JsonObject d, long[] shape, int bits, Func<string, NamedTensor> need, bool huffmanCoded)
    {
        long count = Count(shape);
        _ = Enum.Parse<Granularity>(d["granularity"]!.GetValue<string>());   // validated: the groups say which it is
        var book = need(name + QuantizedModelFile.CodebookSuffix).ToFloat32();
        if (book.Length % (1 << bits) != 0) throw new InvalidFileException(path, $"codebook of '{name}' does not hold whole codebooks of {1 << bits}");
        HuffmanCode? huffman = null;
        int[] indices;
        if (huffmanCoded)
        {
            huffman = new HuffmanCode(need(name + ".huffman_lengths").Data, need(name + ".huffman").Data, d["huffman_bits"]!.GetValue<long>(), checked((int)count));
            indices = Quantization.Huffman.Decode(huffman);
        }
        else
        {
            var packed = need(name + QuantizedModelFile.IndicesSuffix).Data;
            if (packed.Length != BitPacking.PackedLength(count, bits))
                throw new InvalidFileException(path, $"indices of '{name}' hold {packed.Length} bytes, expected {BitPacking.PackedLength(count, bits)}");
            indices = new int[count];
            BitPacking.Unpack(packed, bits, indices);
        }
        int groups = book.Length >> bits;
        var encoded = new EncodedTensor
        {
            Kind = CodecKind.Codebook, Shape = shape, ChannelAxis = Axis(path, name, shape, groups), Bits = bits,
            Codes = Codes(path, name, indices, count, bits), Codebook = book,
            Fit = d["kmeans"] is { } solver ? new KMeansFit(Enum.Parse<KMeansMethod>(solver.GetValue<string>()), double.NaN) : null,
            Size = new SizeBreakdown(count * 4, BitPacking.PackedLength(count, bits), book.Length * 4L, 0, 0),
            Error = TensorError.Unknown,
        };
        return new EncodedParameter { Name = name, Encoded = encoded, KeepZeros = d["keep_zeros"]!.GetValue<bool>(), Huffman = huffman };
    }

    /// <summary>A linear parameter: packed codes, scales and (asymmetric) zero points.</summary>
    public static EncodedParameter ReadLinear(string path, string name, JsonObject d, long[] shape, int bits, Func<string, NamedTensor> need)
    {
        long count = Count(shape);
        _ = Enum.Parse<Granularity>(d["granularity"]!.GetValue<string>());
        var precision = Enum.Parse<LinearPrecision>(d["precision"]!.GetValue<string>());
        bool symmetric = d["symmetric"]!.GetValue<bool>();
        var scales = need(name + ".scale").ToFloat32();
        var zeros = symmetric
            ? Enumerable.Repeat(precision == LinearPrecision.UInt8 ? 128 : 0, scales.Length).ToArray()
            : MemoryMarshal.Cast<byte, int>(need(name + ".zero_point").Data).ToArray();
        if (zeros.Length != scales.Length) throw new InvalidFileException(path, $"'{name}' has {scales.Length} scales but {zeros.Length} zero points");
        var packed = need(name + ".q").Data;
        if (packed.Length != BitPacking.PackedLength(count, bits))
            throw new InvalidFileException(path, $"codes of '{name}' hold {packed.Length} bytes, expected {BitPacking.PackedLength(count, bits)}");
        var codes = new int[count];
        BitPacking.Unpack(packed, bits, codes);
        var encoded = new EncodedTensor
        {
            Kind = precision == LinearPrecision.Binary ? CodecKind.Binary : CodecKind.Linear, Shape = shape,
            ChannelAxis = Axis(path, name, shape, scales.Length), Bits = bits, Codes = Codes(path, name, codes, count, bits),
            CodeOffset = LinearQuantizer.Range(precision, symmetric).QMin, Scales = scales, ZeroPoints = zeros, Symmetric = symmetric,
            Size = new SizeBreakdown(count * 4, packed.Length, 0, scales.Length * 4L + (symmetric ? 0 : zeros.Length * 4L), 0),
            Error = TensorError.Unknown,
        };
        return EncodedParameter.Linear(name, encoded, precision);
    }

    static long Count(long[] shape) => shape.Aggregate(1L, (a, b) => b < 0 ? throw new OverflowException("negative dimension") : checked(a * b));

    /// <summary>One group covers the tensor, or one group per slice along dimension 0 (what the writers produce).</summary>
    static int? Axis(string path, string name, long[] shape, int groups)
    {
        if (groups == 1) return null;
        if (shape.Length == 0 || groups != shape[0])
            throw new InvalidFileException(path, $"'{name}' has {groups} groups for shape [{string.Join(", ", shape)}]: expected 1 or one per output channel");
        return 0;
    }

    static byte[] Codes(string path, string name, int[] codes, long count, int bits)
    {
        if (codes.Length != count) throw new InvalidFileException(path, $"'{name}' decodes to {codes.Length} codes, expected {count}");
        var r = new byte[codes.Length];
        for (int i = 0; i < r.Length; i++)
        {
            if ((uint)codes[i] >= 1u << bits) throw new InvalidFileException(path, $"'{name}' holds code {codes[i]}, beyond {bits} bits");
            r[i] = (byte)codes[i];
        }
        return r;
    }
}
