using System.Globalization;
using Condense.Data;
using Condense.Models;
using Condense.Models.Cnn;
using Condense.Pruning;
using Condense.Workflows.MlpPrune;

namespace Condense.Workflows.Cnn;

/// <summary>
/// <c>condense prune CNN.safetensors</c>: the same request and report as
/// <see cref="MlpPruneWorkflow"/>, with the convolutions pruned beside the Linear head (every
/// criterion sees <see cref="CondenseModel.WeightLayers"/>; structured pruning removes whole
/// filters by L1, Li et al. 2017). The result is written as a CNN model file with the pruned
/// weights zero (<c>.safetensors</c>, which <c>condense eval</c> and <c>condense export</c> read as
/// they are) or as a <see cref="SparseModelFile"/> (<c>.csparse</c>: conv kernels and Linear
/// weights sparse, BatchNorm statistics dense; <c>condense eval</c> and <c>info</c> read it);
/// per-layer densities, convolutions included, show layer collapse.
/// </summary>
public static class CnnPruneWorkflow
{
    /// <summary>Prunes, fine-tunes with the masks enforced, writes; <paramref name="r"/>'s output must be .safetensors or .csparse.</summary>
    public static MlpPruneReport Run(MlpPruneRequest r)
    {
        ArgumentNullException.ThrowIfNull(r);
        var sparseOutput = r.OutputPath.EndsWith(SparseModelFile.Extension, StringComparison.OrdinalIgnoreCase);
        if (!sparseOutput && !r.OutputPath.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase))
            throw new CondenseException($"a pruned CNN is written as a .safetensors model file (zeros in place) or a {SparseModelFile.Extension} file, not '{Path.GetFileName(r.OutputPath)}'");
        if (r.Epochs is < 0 or > 1000) throw new CondenseException($"fine-tuning epochs {r.Epochs} must be in 0–1000");
        var fineTuning = new TrainingOptions { Epochs = Math.Max(1, r.Epochs), LearningRate = r.LearningRate, Seed = r.Seed };
        PruningAmount.OfFraction(r.Sparsity);
        var (net, card) = CnnModelFile.Load(r.ModelPath);
        using (net)
        {
            var (dataName, sets, before, outcome, after) = OneShotPruning.Apply(net, card, r);
            Evaluation? tuned = null;
            if (r.Epochs > 0)
                tuned = Prune.FineTune(net, sets!.Value.Train, sets.Value.Test, fineTuning with { Epochs = r.Epochs }).Final;
            net.eval();
            var layers = Prune.Densities(net);
            var extra = new Dictionary<string, string>
            {
                ["pruning.method"] = r.Criterion.Name(),
                ["pruning.sparsity"] = outcome.Sparsity.ToString("R", CultureInfo.InvariantCulture),
            };
            var written = new ModelCard(sets is null ? null : dataName, Test: tuned ?? after, Extra: extra);
            net.Masks.Clear();
            SparseFileReport? sparse = null;
            long denseBytes;
            if (sparseOutput)
            {
                sparse = SparseModelFile.Save(r.OutputPath, net, r.Storage, written.ToMetadata().ToDictionary());
                denseBytes = DenseFileBytes(net, written);
            }
            else
            {
                ModelFile.Save(r.OutputPath, net, written);
                denseBytes = new FileInfo(r.OutputPath).Length;
            }
            return new MlpPruneReport(outcome, layers, before, after, tuned, null, null, null, denseBytes, new FileInfo(r.OutputPath).Length, sparse);
        }
    }

    /// <summary>The bytes of the same model as a dense safetensors file (written to a temporary file and deleted), what a sparse file is compared with.</summary>
    static long DenseFileBytes(CnnModel net, ModelCard card)
    {
        var temp = Path.Combine(Path.GetTempPath(), $"condense-dense-{Environment.ProcessId}-{Guid.NewGuid():N}.safetensors");
        try
        {
            ModelFile.Save(temp, net, card);
            return new FileInfo(temp).Length;
        }
        finally
        {
            File.Delete(temp);
        }
    }
}
