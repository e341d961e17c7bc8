using Condense.Analysis;
using Condense.Formats.Onnx;
using Condense.Runtime;

namespace Condense.Workflows;

/// <summary>
/// The last step of a plan under a byte budget: the planner's choice is the best one only if the layers' errors add in
/// quadrature, which they need not (errors in one layer can grow or cancel downstream). So the choice is measured whole on
/// the selection samples — the samples it was chosen on, none held out — and so is every uniform setting whose file fits the
/// budget (each layer at that setting where the plan may choose it, float32 where not); the lowest of these errors is
/// taken. A choice is never compared on held-out samples: those are for the report only.
/// </summary>
internal static class SelectionCheck
{
    /// <summary>The choice kept (the plan's, or a uniform setting's), its built model and its error on the selection samples.</summary>
    /// <param name="candidates">The analysed candidates (their weight-swap session runs the selection samples).</param>
    /// <param name="allowed">Per layer, the settings the plan may choose.</param>
    /// <param name="choice">The planner's choice.</param>
    /// <param name="built">Its built model.</param>
    /// <param name="maxBytes">The budget: a uniform setting's built file must fit it.</param>
    public static (int[] Choice, OnnxCompressionResult Built, double SelectionError, string? Uniform) BestOnSelection(OnnxLayerCandidates candidates, bool[][] allowed,
        int[] choice, OnnxCompressionResult built, long maxBytes)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(allowed);
        var best = (Choice: choice, Built: built, Error: candidates.Measure(choice).Error, Uniform: (string?)null);
        long fixedBytes = built.ModelBytesAfter - LayerBudgetPlanner.Bytes(candidates.Bytes, choice);
        for (int s = 1; s < candidates.Settings.Count; s++)
        {
            int[] uniform = [.. allowed.Select(a => a[s] ? s : 0)];
            if (uniform.All(u => u == 0) || uniform.SequenceEqual(best.Choice)) continue;
            // Its layers' bytes first (cheap), then the file itself: the budget is on the real file.
            if (fixedBytes + LayerBudgetPlanner.Bytes(candidates.Bytes, uniform) > maxBytes + 65_536) continue;
            // Measured once per candidates and kept: the same at every budget (a Studio slider plans per step).
            var (bytes, error) = candidates.UniformOnSelection.GetOrAdd(string.Join(",", uniform), _ =>
            {
                var figures = (candidates.Compress(uniform).ModelBytesAfter, candidates.Measure(uniform).Error);
                ProcessMemory.Release(); // a whole compressed model per setting: one at a time (MiniLM peaked 2.3 GB higher without)
                return figures;
            });
            if (bytes > maxBytes) continue;
            if (error < best.Error) best = (uniform, null!, error, candidates.Settings[s].Label);
        }
        // A uniform setting kept: built again (only then), so no other's file is held.
        return best.Uniform is null ? best : best with { Built = candidates.Compress(best.Choice) };
    }
}
