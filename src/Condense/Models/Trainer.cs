using System.Diagnostics;
using Condense.Data;
using static TorchSharp.torch;

namespace Condense.Models;

/// <summary>
/// Trains any <see cref="CondenseModel"/> with Adam and a per-epoch StepLR decay, as our sources
/// and the PyTorch peer do. The data set becomes one tensor up front and each epoch is one
/// shuffled gather, so the loop spends its time in LibTorch, not in .NET; every batch's tensors
/// are released by a dispose scope.
/// </summary>
public static class Trainer
{
    /// <summary>Trains <paramref name="model"/> on <paramref name="train"/> with Adam as <paramref name="options"/> say, evaluating on <paramref name="test"/> after each epoch when given; <paramref name="hooks"/> let pruning and fine-tuning act on each batch or epoch.</summary>
    public static TrainingResult Train(CondenseModel model, Dataset train, Dataset? test, TrainingOptions options, TrainingHooks? hooks = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        hooks ??= new TrainingHooks();
        if (train.Count == 0) throw new CondenseException($"{train.Name}: no training data");

        manual_seed(options.Seed);
        using var generator = new Generator((ulong)options.Seed);
        if (options.Shift > 0 && train.Features != 784)
            throw new CondenseException($"{train.Name}: shifted copies need 28 × 28 images (784 inputs), not {train.Features}; set the shift to 0");
        using var shifts = options.Shift > 0 ? new Generator((ulong)options.Seed ^ 0x5eedUL) : null;
        using var x = tensor(train.Images, [train.Count, train.Features]);
        using var y = model.IsClassifier ? tensor(train.Labels.Select(l => (long)l).ToArray(), [train.Count]) : null;
        var weights = model.parameters().Where(p => p.dim() >= 2).ToArray();
        var optimizer = optim.Adam(model.parameters(), options.LearningRate);
        var scheduler = options.StepGamma is { } gamma ? optim.lr_scheduler.StepLR(optimizer, 1, gamma) : null;
        var batches = (train.Count + options.BatchSize - 1) / options.BatchSize;
        var history = new List<EpochMetrics>();
        Evaluation? last = null;

        for (var epoch = 1; epoch <= options.Epochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            var rate = optimizer.ParamGroups.First().LearningRate;
            model.train();
            double lossSum = 0;
            using (var epochScope = NewDisposeScope())
            {
                var perm = randperm(train.Count, generator: generator);
                var xs = x.index_select(0, perm);
                var ys = y?.index_select(0, perm);
                var losses = zeros(batches);
                for (var b = 0; b < batches; b++)
                {
                    using var batchScope = NewDisposeScope();
                    var start = b * options.BatchSize;
                    var n = Math.Min(options.BatchSize, train.Count - start);
                    var xb = xs.narrow(0, start, n);
                    if (shifts is not null) xb = RandomShift.Apply(xb, options.Shift, shifts);
                    var target = ys?.narrow(0, start, n) ?? xb;
                    optimizer.zero_grad();
                    var output = model.forward(xb);
                    var loss = hooks.Loss?.Invoke(output, xb, target)
                        ?? (model.IsClassifier ? nn.functional.nll_loss(output, target) : nn.functional.mse_loss(output, target));
                    losses[b] = loss.detach();
                    if (options.L1 > 0) loss = loss + options.L1 * weights.Select(w => w.abs().sum()).Aggregate((a, c) => a + c);
                    if (options.L2 > 0) loss = loss + options.L2 * weights.Select(w => w.square().sum()).Aggregate((a, c) => a + c);
                    loss.backward();
                    hooks.AfterBackward?.Invoke(model);
                    optimizer.step();
                    hooks.AfterStep?.Invoke(model);
                    hooks.OnBatch?.Invoke(b + 1, batches, epoch);
                }
                lossSum = losses.mean().item<float>();
            }
            scheduler?.step();
            var seconds = clock.Elapsed.TotalSeconds;
            last = test is null ? null : Evaluator.Evaluate(model, test);
            var metrics = new EpochMetrics(epoch, lossSum, last?.Loss ?? double.NaN, last?.Accuracy, rate, seconds);
            history.Add(metrics);
            hooks.OnEpoch?.Invoke(metrics, model);
        }
        model.eval();
        return new TrainingResult(history, last ?? Evaluator.Evaluate(model, train));
    }
}
