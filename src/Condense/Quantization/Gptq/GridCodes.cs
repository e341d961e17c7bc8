using Condense.Codecs;

namespace Condense.Quantization.Gptq;

/// <summary>
/// A matrix on an asymmetric linear grid per (row, block of columns): ŵ[r, c] = (code[r, c] −
/// zero[r, b]) · scale[r, b] with b = c / <see cref="BlockSize"/>. Kept as integer codes plus
/// parameters (not only floats) so a writer can store them as bits, DequantizeLinear or MatMulNBits.
/// </summary>
/// <param name="Bits">Bits per code.</param>
/// <param name="Rows">Output rows.</param>
/// <param name="Columns">Input columns.</param>
/// <param name="BlockSize">Columns per block (the whole row for per-channel grids).</param>
/// <param name="Codes">rows × columns, row-major, each in 0..2^bits−1.</param>
/// <param name="Scales">rows × <see cref="Blocks"/>, row-major.</param>
/// <param name="ZeroPoints">rows × <see cref="Blocks"/>, row-major, each in 0..2^bits−1.</param>
public sealed record GridCodes(int Bits, int Rows, int Columns, int BlockSize, byte[] Codes, float[] Scales, byte[] ZeroPoints)
{
    /// <summary>Blocks per row: ⌈columns / block size⌉ (the last may be shorter).</summary>
    public int Blocks => (Columns + BlockSize - 1) / BlockSize;

    /// <summary>The decoded matrix, exactly as a float32 decoder computes it.</summary>
    public float[] Dequantize()
    {
        var w = new float[Codes.Length];
        for (int r = 0; r < Rows; r++)
            for (int c = 0; c < Columns; c++)
            {
                var p = r * Blocks + c / BlockSize;
                w[r * Columns + c] = UniformGrid.Value(Codes[r * Columns + c], Scales[p], ZeroPoints[p]);
            }
        return w;
    }
}
