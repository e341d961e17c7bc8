using System.Globalization;
using Condense.Data;
using Condense.Models;
using Condense.Pruning;

namespace Condense.Workflows.MlpPrune;

/// <summary>
/// <c>condense prune MODEL.safetensors</c> as a library call: prune once, fine-tune with the masks
/// enforced, and write the result sparse (or, for structured pruning, as a smaller dense model),
/// so the command only translates options and prints.
/// </summary>
public static class MlpPruneWorkflow
{
    /// <summary>Loads, prunes (one-shot criterion or training-time method), optionally fine-tunes and writes the model <paramref name="r"/> names, reporting accuracy and density before and after.</summary>
    public static MlpPruneReport Run(MlpPruneRequest r)
    {
        ArgumentNullException.ThrowIfNull(r);
        if (r.Epochs is < 0 or > 1000) throw new CondenseException($"fine-tuning epochs {r.Epochs} must be in 0–1000");
        var fineTuning = new TrainingOptions { Epochs = Math.Max(1, r.Epochs), LearningRate = r.LearningRate, Seed = r.Seed };
        PruningAmount.OfFraction(r.Sparsity);
        var (net, card) = ModelFile.Load(r.ModelPath);
        try
        {
            var (dataName, sets, before, outcome, after) = OneShotPruning.Apply(net, card, r);
            Evaluation? tuned = null;
            if (r.Epochs > 0)
            {
                var dropout = r.FineTuneDropout ?? RetrainingDropout.For(net.Dropout, 1 - outcome.Sparsity);
                if (!(dropout >= 0 && dropout < 1)) throw new CondenseException($"fine-tuning dropout {dropout} must be in [0, 1)");
                var retrained = RetrainingDropout.WithDropout(net, dropout);
                tuned = Prune.FineTune(retrained, sets!.Value.Train, sets.Value.Test, fineTuning with { Epochs = r.Epochs }).Final;
                net.Dispose();
                net = retrained;
            }
            var layers = Prune.Densities(net);

            // Structured pruning becomes a smaller dense model; others are written sparse.
            MlpModel written = net;
            double? compactionError = null;
            if (r.Criterion == PruningCriterion.Structured)
            {
                written = NeuronRemoval.Compact(net).Model;
                if (sets is { } s2)
                {
                    var n = Math.Min(500, s2.Test.Count);
                    var a = Evaluator.Predict(net, s2.Test.Images.AsSpan(0, n * s2.Test.Features), n, s2.Test.Features);
                    var b = Evaluator.Predict(written, s2.Test.Images.AsSpan(0, n * s2.Test.Features), n, s2.Test.Features);
                    compactionError = a.Zip(b, (x, y) => (double)Math.Abs(x - y)).Max();
                }
            }
            try
            {
                var extra = new Dictionary<string, string>
                {
                    ["pruning.method"] = r.Criterion.Name(),
                    ["pruning.sparsity"] = outcome.Sparsity.ToString("R", CultureInfo.InvariantCulture),
                };
                var denseTemp = Path.Combine(Path.GetTempPath(), $"condense-dense-{Environment.ProcessId}-{Guid.NewGuid():N}.safetensors");
                long denseBytes;
                try
                {
                    ModelFile.Save(denseTemp, net, new ModelCard(sets is null ? null : dataName, Extra: extra));
                    denseBytes = new FileInfo(denseTemp).Length;
                }
                finally
                {
                    File.Delete(denseTemp);
                }
                SparseFileReport? sparse = null;
                if (r.OutputPath.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase))
                    ModelFile.Save(r.OutputPath, written, new ModelCard(sets is null ? null : dataName, Test: tuned ?? after, Extra: extra));
                else
                    sparse = SparseModelFile.Save(r.OutputPath, written, r.Storage, extra);
                var structured = r.Criterion == PruningCriterion.Structured;
                return new MlpPruneReport(outcome, layers, before, after, tuned, structured ? written.Sizes : null, structured ? written.ParameterCount : null,
                    compactionError, denseBytes, new FileInfo(r.OutputPath).Length, sparse);
            }
            finally
            {
                if (!ReferenceEquals(written, net)) written.Dispose();
            }
        }
        finally
        {
            net.Dispose();
        }
    }
}
