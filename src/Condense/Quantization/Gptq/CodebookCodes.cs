namespace Condense.Quantization.Gptq;

/// <summary>
/// A matrix as indices into small codebooks: ŵ[r, c] = centroids[r / rowsPerCodebook, code[r, c]].
/// One codebook per output row (or per group of rows) keeps channels of very different scales
/// apart, which one codebook per tensor cannot (ResNet18's unfolded BatchNorm rescales channels).
/// </summary>
/// <param name="Bits">Bits per code (codebooks of 2^bits).</param>
/// <param name="Rows">Output rows.</param>
/// <param name="Columns">Input columns.</param>
/// <param name="RowsPerCodebook">Consecutive rows sharing one codebook.</param>
/// <param name="Codes">rows × columns, row-major, each below 2^bits.</param>
/// <param name="Centroids">codebooks × 2^bits, row-major; codebook g serves rows g·RowsPerCodebook onwards.</param>
public sealed record CodebookCodes(int Bits, int Rows, int Columns, int RowsPerCodebook, byte[] Codes, float[] Centroids)
{
    /// <summary>Entries per codebook: 2^bits.</summary>
    public int Size => 1 << Bits;

    /// <summary>The decoded matrix.</summary>
    public float[] Dequantize()
    {
        var w = new float[Codes.Length];
        for (int r = 0; r < Rows; r++)
            for (int c = 0; c < Columns; c++) w[r * Columns + c] = Centroids[r / RowsPerCodebook * Size + Codes[r * Columns + c]];
        return w;
    }
}
