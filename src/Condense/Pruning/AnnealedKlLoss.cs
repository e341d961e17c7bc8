using static TorchSharp.torch;

namespace Condense.Pruning;

/// <summary>
/// The variational dropout objective, shared by the sparse (per-weight) and group (per-neuron) variants:
/// NLL + β·KL/N, with β ramped linearly from 0 to <see cref="VariationalDropoutOptions.KlWeight"/> over
/// <see cref="VariationalDropoutOptions.KlAnnealEpochs"/> (Molchanov et al.'s warm-up: a full KL from the first
/// step drives every log α up before the data has had a say). N, the training-set size, makes the KL a
/// per-example term like the NLL.
/// </summary>
internal static class AnnealedKlLoss
{
    /// <summary>The loss for <see cref="Models.TrainingHooks.Loss"/>; <paramref name="kl"/> is the model's KL, summed over its parameters.</summary>
    public static Func<Tensor, Tensor, Tensor, Tensor> For(VariationalDropoutOptions options, int trainCount, Func<Tensor> kl)
    {
        var batches = (trainCount + options.Training.BatchSize - 1) / options.Training.BatchSize;
        var annealSteps = (double)options.KlAnnealEpochs * batches;
        long step = 0;
        return (output, _, target) =>
        {
            var beta = options.KlWeight * (annealSteps == 0 ? 1.0 : Math.Min(1.0, step++ / annealSteps));
            var nll = nn.functional.nll_loss(output, target);
            return beta == 0 ? nll : nll + kl() * (beta / trainCount);
        };
    }
}
