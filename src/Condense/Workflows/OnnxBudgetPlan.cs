using Condense.Analysis;
using Condense.Formats.Onnx;
using Onnx;

namespace Condense.Workflows;

/// <summary>A planned model in memory, verified in ONNX Runtime, with what it measured.</summary>
/// <param name="Model">The planned model (chosen from figures on the selection samples; ran in ONNX Runtime on the held-out samples; not written).</param>
/// <param name="Bytes">Its serialised size: the bytes of the file it becomes.</param>
/// <param name="Layers">Per layer, the setting chosen.</param>
/// <param name="Measured">The model itself against the original on the held-out samples.</param>
/// <param name="PredictedError">√Σ of the layers' errors, what the planner expected.</param>
/// <param name="Rounds">Plan–build rounds until the file met the budget.</param>
public sealed record OnnxBudgetPlanResult(ModelProto Model, long Bytes, IReadOnlyList<PlannedLayer> Layers, MeasuredError Measured,
    double PredictedError, int Rounds)
{
    /// <summary>The chosen model's output error on the selection samples it was chosen on, the whole choice at once (<see cref="OnnxPlanReport.SelectionError"/>).</summary>
    public double? SelectionError { get; init; }

    /// <summary>The uniform setting taken instead of the planner's choice because it measured lower on the selection samples; null when the choice was kept.</summary>
    public string? UniformOnSelection { get; init; }
}

/// <summary>
/// The planner on an analysis already made: choose per layer the setting that fits
/// <c>maxBytes</c> with the least predicted output error (<see cref="LayerBudgetPlanner"/>), build the
/// model, tighten and plan again while its real serialised size is over, then run the model itself in
/// ONNX Runtime on the held-out samples — which no figure the choice was made from was measured on
/// (sensitivities come from the selection samples, <see cref="OnnxLayerCandidates"/>). Analysis costs seconds to minutes; this costs a planner run
/// and one build, so an interactive budget slider (the Studio) can call it per step.
/// <see cref="OnnxPlanning"/> does the same for the command line, analysing first and writing a file.
/// </summary>
public static class OnnxBudgetPlan
{
    /// <summary>Plan–build rounds before giving up; as <see cref="OnnxPlanning"/> (MiniLM with its tables needed 7).</summary>
    internal const int MaxRounds = 16;

    /// <summary>The smallest file any choice of the analysed settings makes (built and measured), and the original's size.</summary>
    public static (long Smallest, long Original) Range(OnnxAnalysisReport analysis, OnnxLayerCandidates candidates)
    {
        ArgumentNullException.ThrowIfNull(analysis);
        ArgumentNullException.ThrowIfNull(candidates);
        // Built, not added up: decoding nodes and names make a file's bytes not quite the sum of its layers'.
        return (candidates.Compress(Smallest(candidates.Bytes, Allowed(candidates))).Model.CalculateSize(), analysis.Original.Bytes);
    }

    /// <summary>Plans within <paramref name="maxBytes"/>; a budget below the smallest file is refused in one line.</summary>
    /// <param name="analysis">The analysis.</param>
    /// <param name="candidates">What it left for the planner.</param>
    /// <param name="maxBytes">The file's budget.</param>
    /// <param name="threads">ONNX Runtime threads for the check of the model itself.</param>
    /// <param name="offer">Which analysed settings the planner may choose (all when null): one analysis serves, say, a plan from quantization alone beside one with every method.</param>
    public static OnnxBudgetPlanResult WithinBytes(OnnxAnalysisReport analysis, OnnxLayerCandidates candidates, long maxBytes, int threads = 1,
        Func<QuantizationSetting, bool>? offer = null)
    {
        ArgumentNullException.ThrowIfNull(analysis);
        ArgumentNullException.ThrowIfNull(candidates);
        int layers = candidates.Layers.Count;
        var errors = Errors(analysis, candidates);
        var allowed = Allowed(candidates, offer);
        var fixedBytes = FixedBytes(analysis, candidates);
        var smallest = fixedBytes + LayerBudgetPlanner.Bytes(candidates.Bytes, Smallest(candidates.Bytes, allowed));
        if (maxBytes < smallest)
            throw new CondenseException($"{analysis.Model}: a budget of {maxBytes:N0} bytes cannot be met: the smallest file these settings make is {smallest:N0} bytes");
        var target = maxBytes - fixedBytes;
        int round = 0;
        int[] choice;
        OnnxCompressionResult built;
        ModelProto model;
        long size;
        while (true)
        {
            round++;
            choice = LayerBudgetPlanner.WithinBytes(errors, candidates.Bytes, allowed, target) ?? Smallest(candidates.Bytes, allowed);
            built = candidates.Compress(choice);
            model = built.Model;
            size = model.CalculateSize();
            var over = size - maxBytes;
            if (over <= 0) break;
            if (choice.SequenceEqual(Smallest(candidates.Bytes, allowed)))
                throw new CondenseException($"{analysis.Model}: a budget of {maxBytes:N0} bytes cannot be met: the smallest file these settings make is {size:N0} bytes");
            if (round >= MaxRounds) throw new CondenseException($"{analysis.Model}: a budget of {maxBytes:N0} bytes: the planned file stays {over:N0} bytes over after {round} rounds");
            // From what this choice was predicted to take, not only from the last target: a choice well inside the target
            // whose file is over (a shared decoding table its layers' bytes do not count, 8 KB for the bit table) would
            // otherwise stay chosen round after round.
            target = Math.Min(target, LayerBudgetPlanner.Bytes(candidates.Bytes, choice)) - over - 64;
        }
        // What the rounds left under the budget, spent where the built file still fits.
        (choice, built, var filled) = ByteBudgetFill.Spend(errors, candidates.Bytes, allowed, choice, built, maxBytes, candidates.Compress);
        // The choice whole on the selection samples, beside every uniform setting that fits: the lowest kept.
        (choice, built, var onSelection, var instead) = SelectionCheck.BestOnSelection(candidates, allowed, choice, built, maxBytes);
        (model, size, round) = (built.Model, built.Model.CalculateSize(), round + filled);
        // The model itself, in ONNX Runtime, before anyone gets it.
        var (error, cosine, accuracy) = candidates.MeasureFile(model, analysis.Model, threads);
        var measured = new MeasuredError(error, cosine, accuracy, analysis.Original.Accuracy, candidates.HeldOutSamples, analysis.IsRandomData, analysis.Data);
        var planned = Enumerable.Range(0, layers).Select(l => new PlannedLayer(candidates.Layers[l].Node, candidates.Layers[l].Weight,
            candidates.Settings[choice[l]].Label, candidates.Bytes[l][choice[l]], errors[l][choice[l]], false)).ToList();
        return new OnnxBudgetPlanResult(model, size, planned, measured, LayerBudgetPlanner.Predicted(errors, choice), round)
            { SelectionError = onSelection, UniformOnSelection = instead };
    }

    static double[][] Errors(OnnxAnalysisReport analysis, OnnxLayerCandidates candidates) =>
        [.. Enumerable.Range(0, candidates.Layers.Count).Select(l => analysis.Layers[l].Settings.Select(s => s.ModelError).Prepend(0).ToArray())];

    static bool[][] Allowed(OnnxLayerCandidates candidates, Func<QuantizationSetting, bool>? offer = null) =>
        [.. Enumerable.Range(0, candidates.Layers.Count).Select(l => Enumerable.Range(0, candidates.Settings.Count)
            .Select(s => s == 0 || candidates.Encodings[l][s] is not null && (offer?.Invoke(candidates.Settings[s]) ?? true)).ToArray())];

    // Everything but the layers' weights: the same in every choice.
    static long FixedBytes(OnnxAnalysisReport analysis, OnnxLayerCandidates candidates) =>
        analysis.Original.Bytes - LayerBudgetPlanner.Bytes(candidates.Bytes, [.. Enumerable.Repeat(0, candidates.Layers.Count)]);

    static int[] Smallest(long[][] bytes, bool[][] allowed) =>
        [.. bytes.Select((b, l) => Enumerable.Range(0, b.Length).Where(s => allowed[l][s]).MinBy(s => b[s]))];
}
