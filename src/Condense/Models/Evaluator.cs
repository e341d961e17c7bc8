using Condense.Data;
using static TorchSharp.torch;

namespace Condense.Models;

/// <summary>Measures a model on a data set: accuracy and NLL for classifiers, MSE for autoencoders.</summary>
public static class Evaluator
{
    const int EvalBatch = 1000;

    /// <summary>Loss and, for a classifier, accuracy of <paramref name="model"/> on <paramref name="data"/>, in evaluation mode with no gradients.</summary>
    public static Evaluation Evaluate(CondenseModel model, Dataset data)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var wasTraining = model.training;
        model.eval();
        try
        {
            var x = tensor(data.Images, [data.Count, data.Features]);
            double lossSum = 0;
            long correct = 0;
            var y = model.IsClassifier ? tensor(data.Labels.Select(l => (long)l).ToArray(), [data.Count]) : null;
            for (var start = 0; start < data.Count; start += EvalBatch)
            {
                using var inner = NewDisposeScope();
                var n = Math.Min(EvalBatch, data.Count - start);
                var xb = x.narrow(0, start, n);
                var output = model.forward(xb);
                if (y is not null)
                {
                    var yb = y.narrow(0, start, n);
                    lossSum += nn.functional.nll_loss(output, yb, reduction: nn.Reduction.Sum).item<float>();
                    correct += output.argmax(1).eq(yb).sum().item<long>();
                }
                else
                {
                    lossSum += nn.functional.mse_loss(output, xb, nn.Reduction.Sum).item<float>();
                }
            }
            return y is not null
                ? new Evaluation(lossSum / data.Count, (double)correct / data.Count, data.Count)
                : new Evaluation(lossSum / ((double)data.Count * data.Features), null, data.Count);
        }
        finally
        {
            model.train(wasTraining);
        }
    }

    /// <summary>Model outputs for every item (log-probabilities or reconstructions), N × outputs.</summary>
    public static float[] Predict(CondenseModel model, ReadOnlySpan<float> inputs, int count, int features)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var wasTraining = model.training;
        model.eval();
        try
        {
            var x = tensor(inputs.ToArray(), [count, features]);
            return model.forward(x).contiguous().data<float>().ToArray();
        }
        finally
        {
            model.train(wasTraining);
        }
    }
}
