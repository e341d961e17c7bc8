namespace Condense.Quantization.Gptq;

/// <summary>
/// Settings of <see cref="GptqSolver"/> (Frantar et al., "GPTQ", ICLR 2023), checked by <see cref="Validate"/>.
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
    /// <summary>Throws a <see cref="CondenseException"/> quoting the first out-of-range setting, before any layer is solved.</summary>
    public void Validate()
    {
        if (!(Dampening > 0 && Dampening < 1)) throw new CondenseException($"GPTQ dampening must be in (0, 1), not {Dampening}");
        if (BlockSize is < 1 or > 4096) throw new CondenseException($"GPTQ block size must be in 1..4096, not {BlockSize}");
    }
}
