namespace Condense.Quantization;

/// <summary>
/// The result of <see cref="OutlierChannelSplitting.Split"/>: the widened weight
/// (rows × <see cref="Columns"/>, row-major) and which original input each extra column copies.
/// </summary>
/// <param name="Weights">rows × (columns + splits) weights; the first columns are the originals (halved where split).</param>
/// <param name="Rows">Output channels.</param>
/// <param name="Columns">Input channels after splitting.</param>
/// <param name="DuplicatedInputs">For each extra column c (in order), the input it duplicates: x′[columns + s] = x[DuplicatedInputs[s]].</param>
public sealed record OutlierChannelSplit(float[] Weights, int Rows, int Columns, int[] DuplicatedInputs)
{
    /// <summary>Expands an input vector (or each row of a batch, row-major batch × originalColumns) to match the split weight.</summary>
    public float[] ExpandInput(ReadOnlySpan<float> x, int batch = 1)
    {
        int original = Columns - DuplicatedInputs.Length;
        if (x.Length != batch * original) throw new CondenseException($"OCS: input has {x.Length} values, expected {batch}×{original}");
        var r = new float[batch * Columns];
        for (int b = 0; b < batch; b++)
        {
            x.Slice(b * original, original).CopyTo(r.AsSpan(b * Columns));
            for (int s = 0; s < DuplicatedInputs.Length; s++) r[b * Columns + original + s] = x[b * original + DuplicatedInputs[s]];
        }
        return r;
    }
}
