using Condense.LowRank;
using Condense.Models;

namespace Condense.Cli.Demo;

/// <summary>
/// The classifier's two large layers replaced by rank-r products U·V from the truncated SVD of
/// the trained weights, fine-tuned one epoch as factors, and saved as the factors themselves.
/// </summary>
public sealed class LowRankStage : IDemoStage
{
    public string Name => "low rank";

    public IEnumerable<DemoArtifact> Run(DemoStageContext c)
    {
        if (!c.Model.Net.IsClassifier || c.Model.Net.Sizes.Count != 4) yield break;
        foreach (var rank in c.Options.Quick ? new[] { 50 } : [25, 50, 100])
        {
            using var model = Factorize(c.Model.Net, rank);
            if (!c.Options.Quick)
                Trainer.Train(model, c.Train, null, new TrainingOptions { Epochs = 1, Seed = 0, LearningRate = 5e-4 });
            var path = Path.Combine(c.Options.Folder, $"{c.Model.Name}.rank{rank}.safetensors");
            FactorizedModelFile.Save(path, model);
            yield return new DemoArtifact("low rank", $"fc1, fc2 at rank {rank}{(c.Options.Quick ? "" : ", fine-tuned 1 epoch")}", path);
        }
    }

    /// <summary>A factorised copy of an MLP whose hidden layers become rank-r factors of its weights (truncated SVD).</summary>
    static FactorizedMlp Factorize(MlpModel dense, int rank) =>
        FactorizedModel.FromDense(dense, dense.Layers.Select((_, i) => i + 1 < dense.Layers.Count ? (int?)rank : null).ToArray());
}
