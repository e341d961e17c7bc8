using Condense.Formats.Onnx;
using Condense.Quantization;
using Onnx;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Condense.Graph;

/// <summary>
/// Writes <see cref="BlockCodes"/> as ONNX Runtime's <c>com.microsoft.MatMulNBits</c>, whose
/// weights stay packed in memory and whose <c>accuracy_level</c> 4 runs int8 kernels on them:
/// B is uint8 [N, blocks, block·bits/8] with codes packed low bits first, scales [N·blocks],
/// zero points packed the same way per column, [N · ⌈blocks·bits/8⌉] (absent for symmetric codes,
/// whose zero the runtime takes as 2^(bits−1)).
/// </summary>
public static class MatMulNBitsWriter
{
    /// <summary>The contrib domain the node lives in.</summary>
    public const string Domain = "com.microsoft";

    /// <summary>The initializers and the node computing <paramref name="output"/> = <paramref name="input"/> × W.</summary>
    public static (IReadOnlyList<TensorProto> Initializers, NodeProto Node) Write(BlockCodes codes, string input, string output, string stem, int accuracyLevel)
    {
        ArgumentNullException.ThrowIfNull(codes);
        if (accuracyLevel is < 0 or > 4) throw new CondenseException($"accuracy_level must be 0-4, not {accuracyLevel}");
        int blocks = codes.Blocks, blob = codes.BlockSize * codes.Bits / 8;
        var packed = new byte[(long)codes.N * blocks * blob];
        for (int n = 0; n < codes.N; n++)
            for (int b = 0; b < blocks; b++)
            {
                var target = packed.AsSpan((int)(((long)n * blocks + b) * blob), blob);
                int zero = codes.ZeroPoints is null ? codes.SymmetricZero : codes.ZeroPoints[n * blocks + b];
                for (int i = 0; i < codes.BlockSize; i++)
                {
                    int k = b * codes.BlockSize + i;
                    int value = k < codes.K ? codes.Codes[(long)n * codes.K + k] : zero;
                    PutBits(target, i, codes.Bits, value);
                }
            }
        var bName = $"{stem}_nbits_B";
        var sName = $"{stem}_nbits_scales";
        var list = new List<TensorProto>
        {
            OnnxTensorData.Raw(bName, DataType.Uint8, packed, [codes.N, blocks, blob]),
            OnnxTensorData.FromFloat32(sName, codes.Scales, [(long)codes.N * blocks]),
        };
        var node = new NodeProto { OpType = "MatMulNBits", Domain = Domain };
        node.Input.Add(input);
        node.Input.Add(bName);
        node.Input.Add(sName);
        if (codes.ZeroPoints is { } zeros)
        {
            int perColumn = (blocks * codes.Bits + 7) / 8;
            var zp = new byte[(long)codes.N * perColumn];
            for (int n = 0; n < codes.N; n++)
                for (int b = 0; b < blocks; b++)
                    PutBits(zp.AsSpan(n * perColumn, perColumn), b, codes.Bits, zeros[n * blocks + b]);
            var zName = $"{stem}_nbits_zero_points";
            list.Add(OnnxTensorData.Raw(zName, DataType.Uint8, zp, [(long)codes.N * perColumn]));
            node.Input.Add(zName);
        }
        node.Output.Add(output);
        node.Attribute.Add(Int("K", codes.K));
        node.Attribute.Add(Int("N", codes.N));
        node.Attribute.Add(Int("bits", codes.Bits));
        node.Attribute.Add(Int("block_size", codes.BlockSize));
        node.Attribute.Add(Int("accuracy_level", accuracyLevel));
        return (list, node);
    }

    /// <summary>Writes <paramref name="value"/>'s low <paramref name="bits"/> as element <paramref name="index"/> of a little-endian bit stream.</summary>
    internal static void PutBits(Span<byte> target, int index, int bits, int value)
    {
        long bit = (long)index * bits;
        for (int j = 0; j < bits; j++, bit++)
            if (((value >> j) & 1) != 0) target[(int)(bit >> 3)] |= (byte)(1 << (int)(bit & 7));
    }

    internal static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };
}
