namespace Condense.Planning;

/// <summary>One way to compress one layer: prune to <see cref="Sparsity"/>, share the survivors'
/// values in 2^<see cref="Bits"/> − 1 centroids (plus the pruned zero), Huffman-code (the
/// Deep Compression encoding). Low-rank settings join when Condense.LowRank is merged.</summary>
public sealed record LayerSetting(double Sparsity, int Bits)
{
    /// <inheritdoc/>
    public override string ToString() => $"prune {Sparsity:P0} + {Bits}-bit";

    /// <summary>The grid the planner searches by default: sparsities that span 2×–50× and the bit widths Deep Compression uses.</summary>
    public static IReadOnlyList<LayerSetting> DefaultGrid { get; } =
        (from s in new[] { 0.0, 0.5, 0.75, 0.9, 0.95, 0.98 }
         from b in new[] { 2, 3, 4, 5, 6, 8 }
         select new LayerSetting(s, b)).ToArray();
}
