namespace Condense.Quantization.Gptq;

/// <summary>
/// The element quantizer GPTQ rounds with: a grid or a codebook. GPTQ only asks it to round one
/// value at a time (and to refit a group's parameters when the solver reaches the group's first
/// column, from the values compensation has made of it), so any per-element quantizer fits.
/// </summary>
public interface IGptqQuantizer
{
    /// <summary>Called once with the original weights (rows × columns, row-major) and H's diagonal (input energy per column).</summary>
    void Fit(ReadOnlySpan<double> weights, int rows, int columns, ReadOnlySpan<double> columnEnergy);

    /// <summary>Width of the column groups whose parameters come from the current values (0: none, parameters fixed by <see cref="Fit"/>).</summary>
    int GroupWidth { get; }

    /// <summary>At the first column of each group: the group's current values (rows × width, row-major).</summary>
    void FitGroup(int firstColumn, ReadOnlySpan<double> current, int rows, int width);

    /// <summary>Rounds one value of (row, column), records its code and returns the value the code decodes to.</summary>
    double Quantize(int row, int column, double value);
}
