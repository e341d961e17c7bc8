using Condense.Data;
using Condense.Models;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Condense.LowRank.TensorTrain;

/// <summary>What <see cref="TensorTrainCompression.Run"/> measured.</summary>
/// <param name="Layer">The layer put in TT format.</param>
/// <param name="Shape">Its modes and ranks.</param>
/// <param name="DenseParameters">out·in of the layer.</param>
/// <param name="CoreParameters">Σ r_{k−1}mₖnₖrₖ.</param>
/// <param name="DenseAccuracy">The trained dense network's test accuracy.</param>
/// <param name="DecomposedAccuracy">After TT-SVD of the layer, before fine-tuning.</param>
/// <param name="FineTunedAccuracy">After fine-tuning the whole network with the layer in TT format.</param>
/// <param name="RelativeError">‖W − W_TT‖_F / ‖W‖_F of the TT-SVD.</param>
public sealed record TensorTrainReport(string Layer, string Shape, long DenseParameters, long CoreParameters, double DenseAccuracy,
    double DecomposedAccuracy, double FineTunedAccuracy, double RelativeError)
{
    /// <summary>Dense / core parameters of the layer.</summary>
    public double CompressionFactor => (double)DenseParameters / CoreParameters;
}

/// <summary>
/// Tensorizing Neural Networks (Novikov et al. 2015) on a trained MLP: one layer is replaced by a
/// <see cref="TensorTrainLinear"/> initialised by TT-SVD of its trained weight, then the whole
/// network is fine-tuned with the layer trained in TT format (the cores, never a dense W). Returns
/// the network (the caller owns and saves it) and the accuracies before and after.
/// </summary>
public static class TensorTrainCompression
{
    /// <summary>Replaces <paramref name="layer"/> of <paramref name="dense"/> by a tensor-train layer of <paramref name="shape"/> (cores from TT-SVD of the trained weights), fine-tunes the whole network and reports accuracy and parameters before and after; the caller disposes the returned model.</summary>
    public static (StructuredMlp Model, TensorTrainReport Report) Run(MlpModel dense, string layer, TensorTrainShape shape,
        Dataset train, Dataset test, TrainingOptions? fineTune)
    {
        if (!dense.IsClassifier) throw new CondenseException("tensor train: only classifiers (classifier, lenet300) are supported");
        var index = dense.Layers.Select(l => l.Name).ToList().IndexOf(layer);
        if (index < 0) throw new CondenseException($"tensor train: no layer '{layer}' (layers: {string.Join(", ", dense.Layers.Select(l => l.Name))})");
        var target = dense.Layers[index].Layer;
        if (target.out_features != shape.OutFeatures || target.in_features != shape.InFeatures)
            throw new CondenseException($"tensor train: {layer} is {target.out_features}×{target.in_features}, the modes give {shape.OutFeatures}×{shape.InFeatures}");
        var denseAccuracy = Evaluator.Evaluate(dense, test).Accuracy ?? double.NaN;

        var tt = new TensorTrainLinear(shape);
        double error;
        using (var scope = NewDisposeScope())
        {
            var cores = TensorTrainDecomposition.Decompose(target.weight!, shape);
            tt.Load(cores, target.bias!);
            using var _ = no_grad();
            var w = tt.Weight();
            error = (target.weight! - w).norm().item<float>() / (double)target.weight!.norm().item<float>();
        }
        var layers = new List<nn.Module<Tensor, Tensor>>();
        for (var i = 0; i < dense.Layers.Count; i++) layers.Add(i == index ? tt : StructuredMlp.CopyOf(dense.Layers[i].Layer));
        var model = new StructuredMlp(layers, dense.Dropout, dense.Normalization ?? Normalization.Mnist);
        try
        {
            var decomposed = Evaluator.Evaluate(model, test).Accuracy ?? double.NaN;
            if (fineTune is not null)
            {
                manual_seed(fineTune.Seed);
                Trainer.Train(model, train, null, fineTune);
            }
            var tuned = Evaluator.Evaluate(model, test).Accuracy ?? double.NaN;
            return (model, new TensorTrainReport(layer, shape.ToString(), (long)shape.OutFeatures * shape.InFeatures, shape.ParameterCount,
                denseAccuracy, decomposed, tuned, error));
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }
}
