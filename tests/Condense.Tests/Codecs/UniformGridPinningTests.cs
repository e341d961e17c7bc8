using System.Security.Cryptography;
using Condense.Graph;
using Condense.Quantization;
using Condense.Quantization.Gptq;
using Condense.Tests.Graph;

namespace Condense.Tests.Codecs;

/// <summary>
/// Pins the bytes of the three per-block grids on seeded matrices: the sha256 of codes, scales and
/// zero points. The BlockCodes and GPTQ hashes were computed before the grid arithmetic moved to
/// <c>Codecs.UniformGrid</c> (issue 22) and did not change; the GatherBlockQuantized hash is the one
/// after the move (its old float arithmetic gave 49C09652…, see docs/architecture.md).
/// </summary>
public sealed class UniformGridPinningTests
{
    [Theory]
    [InlineData(4, 32, false, "AB179BC2EA5AAB50C9618365D90515FDF82BF196DE1E77027F67F1B9222027A7")]
    [InlineData(3, 16, false, "EA38ECFECE8FBC0B56141DBB4B0EB032E1A490E06DBE2580B504A469B49F7AB3")]
    [InlineData(8, 64, false, "EEAF6F710E3079E2CDA138AA3B02BFC15E32EE1334B10DDA53EB7D7D7105863F")]
    [InlineData(4, 32, true, "FA4D650451D0CD0C3FC24907B4ABB1B90C8B7FB501B7496B8D310E622416EFB5")]
    [InlineData(2, 16, true, "9D2FF143718E2A3655AD4442E71B84B76543258333B480F9534D9E282F2D6CCC")]
    public void BlockCodes_round_to_nearest_bytes_are_pinned(int bits, int block, bool symmetric, string expected)
    {
        const int k = 100, n = 37; // k is not a multiple of the block: the last block is padded
        var w = TinyModels.Random(k * n, bits * 10 + block, 0.3f);
        w[5] = 0; w[n * 3] = -0.299f; // a zero and a block whose minimum is near the range's end
        var codes = BlockCodes.RoundToNearest(w, k, n, bits, block, symmetric);
        Pinned(expected, Hash(codes.Codes, codes.Scales, codes.ZeroPoints ?? []));
    }

    [Theory]
    [InlineData(4, 0, "966DB66A7E2DC2B801378979766E276987451D27512DCBA8AF1C25058DE60E42")]
    [InlineData(4, 16, "78966D712EEB70068631B8C72797914B4C47DF8ECBFE07299F6B4A13E5A3A9F7")]
    [InlineData(3, 32, "960FBDE2DFBD806E359C6D8EFD2D18A33223737FA926D5ED7901F5DDE3CB2444")]
    public void Gptq_linear_grid_bytes_are_pinned(int bits, int blockSize, string expected)
    {
        const int rows = 20, columns = 64;
        var w = TinyModels.Random(rows * columns, bits + blockSize, 0.5f).Select(v => (double)v).ToArray();
        var q = new LinearGridQuantizer(bits, blockSize);
        q.Fit(w, rows, columns, new double[columns]);
        var values = new double[rows * columns];
        int width = q.GroupWidth > 0 ? q.GroupWidth : columns;
        for (int first = 0; first < columns; first += width)
        {
            if (q.GroupWidth > 0)
            {
                var group = new double[rows * width];
                for (int r = 0; r < rows; r++) w.AsSpan(r * columns + first, width).CopyTo(group.AsSpan(r * width));
                q.FitGroup(first, group, rows, width);
            }
            for (int r = 0; r < rows; r++)
                for (int c = first; c < first + width; c++) values[r * columns + c] = q.Quantize(r, c, w[r * columns + c]);
        }
        var result = q.Result();
        Pinned(expected, Hash(result.Codes, result.Scales, result.ZeroPoints, values.Select(v => (float)v).ToArray()));
    }

    [Fact]
    public void GatherBlockQuantized_bytes_are_pinned()
    {
        const int rows = 64, dim = 64;
        var table = TinyModels.Random(rows * dim, 11, 0.1f);
        var (init, _) = GatherBlockQuantizedWriter.Write(table, rows, dim, 32, "ids", "y", "t");
        Pinned("2A8F99590A4646F919210C54922457184B3B7BA50678CDF539B97377C90161DB", Convert.ToHexString(SHA256.HashData([.. init.SelectMany(t => t.RawData.ToByteArray())])));
    }

    /// <summary>Equal, with the whole actual hash in the message (xUnit cuts long strings).</summary>
    static void Pinned(string expected, string actual) => Assert.True(expected == actual, $"sha256 {actual}, pinned {expected}");

    static string Hash(byte[] codes, float[] scales, byte[] zeros, float[]? more = null)
    {
        using var h = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        h.AppendData(codes);
        h.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(scales.AsSpan()));
        h.AppendData(zeros);
        if (more is not null) h.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(more.AsSpan()));
        return Convert.ToHexString(h.GetHashAndReset());
    }
}
