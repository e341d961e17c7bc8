using Condense.Models;
using Condense.Pruning;
using static TorchSharp.torch;

namespace Condense.Cli.Demo;

/// <summary>
/// The survey's pruning methods on the demo's classifier, each a few seconds: AGP to 90 % over one
/// epoch (Zhu &amp; Gupta), sparse variational dropout for two epochs on half the digits (Molchanov
/// et al.; its sparsity is learnt; KL weight 0.1), skeletonization to half the hidden neurons by Mozer &amp;
/// Smolensky's relevance estimate (a smaller dense model), and the 90 % global-magnitude mask
/// reinitialised and trained from scratch for one epoch (Liu et al.'s control; the pruning row it
/// pairs with was fine-tuned 1 epoch after the classifier's 5). <c>--quick</c>: AGP over 1,000 digits and skeletonization only.
/// </summary>
public sealed class SurveyPruningStage : IDemoStage
{
    public string Name => "survey pruning";

    public IEnumerable<DemoArtifact> Run(DemoStageContext c)
    {
        if (!c.Model.Net.IsClassifier) yield break;
        var stem = Path.Combine(c.Options.Folder, c.Model.Name);
        var epoch = TrainingOptions.For(ModelKind.Classifier) with { Epochs = 1, Seed = 0 };

        using (var net = Load(c))
        {
            var agp = TrainingTimePruning.Run(net, c.Options.Quick ? c.Train.Take(1000) : c.Train, c.Test, TrainingTimeMethod.Agp, 0.9, epoch);
            SparseModelFile.Save(stem + ".agp90" + SparseModelFile.Extension, agp.Model);
        }
        yield return new DemoArtifact("gradual pruning (AGP)", "90% sparse, ramp over 1 epoch", stem + ".agp90" + SparseModelFile.Extension);

        if (!c.Options.Quick)
        {
            var (net, _) = ModelFile.Load(c.Model.SafetensorsPath);
            var vd = TrainingTimePruning.Run(net, c.Train.Take(4000), c.Test, TrainingTimeMethod.VariationalDropout, 0, epoch with { Epochs = 2, StepGamma = null },
                // β = 0.1: the KL weighed against 4,000 digits at full weight (β = 1) wipes out the 1.8 M-weight classifier in two epochs (measured: 60 %).
                new VariationalDropoutOptions { KlAnnealEpochs = 1, KlWeight = 0.1 });
            SparseModelFile.Save(stem + ".vd" + SparseModelFile.Extension, vd.Model);
            vd.Model.Dispose();
            net.Dispose();
            yield return new DemoArtifact("sparse variational dropout", $"{vd.Sparsity:P1} sparse (learnt, KL weight 0.1), 2 epochs on 4,000 digits".Replace(" %", "%", StringComparison.Ordinal), stem + ".vd" + SparseModelFile.Extension);
        }

        using (var net = Load(c))
        {
            var (x, y) = SaliencyBatch.Sample(c.Train, 512, 0, "skeletonization");
            var small = Skeletonization.Iterate(net, x, y!, NeuronScore.RelevanceGradient, [0.5], step: 0.1)[0];
            ModelFile.Save(stem + ".skeleton50.safetensors", small);
            small.Dispose();
            x.Dispose();
            y!.Dispose();
        }
        yield return new DemoArtifact("skeletonization", "half the hidden neurons by relevance, no retraining", stem + ".skeleton50.safetensors");
        if (c.Options.Quick) yield break;

        using (var net = Load(c))
        {
            ModelPruner.Apply(net, new ModelPruningOptions { Criterion = PruningCriterion.Global, Sparsity = 0.9, Seed = 0 });
            manual_seed(1);
            using var scratch = new MlpModel(net.Kind, net.Sizes, RetrainingDropout.For(net.Dropout, 0.1), net.Normalization);
            MaskSet.CopyLayerwise(net, scratch);
            Prune.FineTune(scratch, c.Train, null, epoch with { LearningRate = 2e-3 });
            SparseModelFile.Save(stem + ".scratch90" + SparseModelFile.Extension, scratch);
        }
        yield return new DemoArtifact("pruned mask from scratch", "90% global-magnitude mask, new weights, 1 epoch", stem + ".scratch90" + SparseModelFile.Extension);
    }

    static MlpModel Load(DemoStageContext c) => ModelFile.Load(c.Model.SafetensorsPath).Model;
}
