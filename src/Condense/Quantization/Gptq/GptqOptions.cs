namespace Condense.Quantization.Gptq;

/// <summary>
/// Settings of <see cref="GptqSolver"/> (Frantar et al., "GPTQ", ICLR 2023). Each is checked when it
/// is set (by the constructor or a <c>with</c>), so options that exist are valid and no solver has to
/// remember to check them.
/// </summary>
/// <param name="Dampening">λ as a fraction of H's mean diagonal, added to the diagonal so the
/// Cholesky factorisation exists and noisy directions are not trusted (the paper's 1 %).</param>
/// <param name="BlockSize">Columns per lazy batch: the errors of a batch reach the later columns in
/// one matrix product (the paper's 128), which is what makes GPTQ run at BLAS speed.</param>
/// <param name="ActOrder">Quantize columns in decreasing order of input energy diag(H) (the
/// reference's "act-order"): the largest-impact columns are fixed first while many columns are left
/// to absorb their error. Not with per-block grids, whose blocks must be contiguous in the file.</param>
public sealed record GptqOptions(double Dampening = 0.01, int BlockSize = 128, bool ActOrder = false)
{
    /// <summary>λ as a fraction of H's mean diagonal, in (0, 1).</summary>
    public double Dampening { get; init => field = CheckDampening(value); } = CheckDampening(Dampening);

    /// <summary>Columns per lazy batch, 1–4096.</summary>
    public int BlockSize { get; init => field = CheckBlockSize(value); } = CheckBlockSize(BlockSize);

    static double CheckDampening(double value) => value > 0 && value < 1 ? value
        : throw new CondenseException(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"GPTQ dampening must be in (0, 1), got {value}"));

    static int CheckBlockSize(int value) => value is >= 1 and <= 4096 ? value
        : throw new CondenseException($"GPTQ block size must be 1–4096, got {value}");
}
