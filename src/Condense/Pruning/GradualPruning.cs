using System.Globalization;
using Condense.Data;
using Condense.Models;
using static TorchSharp.torch;

namespace Condense.Pruning;

/// <summary>
/// The automated gradual pruner (Zhu &amp; Gupta, "To prune, or not to prune", 2017): during
/// training every layer's sparsity rises from sᵢ to s_f along
/// s_t = s_f + (sᵢ − s_f)(1 − (t − t₀)/(nΔt))³, the magnitude mask being recomputed every Δt
/// steps, fast at first (many redundant weights) and slowly near the end, so the network
/// recovers between steps. Masks are kept by <see cref="Prune.Hooks"/>.
/// </summary>
/// <remarks>
/// Every setting is checked when the schedule is built. The two sparsities are checked against each
/// other (s_f ≥ sᵢ), so they are set by the constructor only; the step settings can also be changed
/// by <c>with</c>, and are checked there too.
/// </remarks>
public sealed record GradualPruningSchedule(double InitialSparsity, double FinalSparsity, long StartStep, long Frequency, int Updates)
{
    /// <summary>sᵢ, the sparsity before t₀; in [0, 1).</summary>
    public double InitialSparsity { get; } = CheckInitial(InitialSparsity);

    /// <summary>s_f, the sparsity after t₀ + nΔt; in [sᵢ, 1).</summary>
    public double FinalSparsity { get; } = CheckFinal(FinalSparsity, InitialSparsity);

    /// <summary>t₀, the step pruning starts after; at least 0.</summary>
    public long StartStep { get; init => field = CheckStart(value); } = CheckStart(StartStep);

    /// <summary>Δt, steps between mask updates; at least 1.</summary>
    public long Frequency { get; init => field = CheckFrequency(value); } = CheckFrequency(Frequency);

    /// <summary>n, the number of mask updates after t₀; at least 1.</summary>
    public int Updates { get; init => field = CheckUpdates(value); } = CheckUpdates(Updates);

    /// <summary>The last step at which the mask changes, t₀ + nΔt.</summary>
    public long EndStep => StartStep + Frequency * Updates;

    static double CheckInitial(double value) => value is >= 0 and < 1 ? value
        : throw new CondenseException(string.Create(CultureInfo.InvariantCulture, $"initial sparsity must be in [0, 1), got {value}"));

    static double CheckFinal(double value, double initial) => value >= initial && value < 1 ? value
        : throw new CondenseException(string.Create(CultureInfo.InvariantCulture, $"final sparsity must be in [{initial}, 1) (at least the initial sparsity), got {value}"));

    static long CheckStart(long value) => value >= 0 ? value : throw new CondenseException($"schedule start step must be at least 0, got {value}");

    static long CheckFrequency(long value) => value >= 1 ? value : throw new CondenseException($"schedule frequency must be at least 1 step, got {value}");

    static int CheckUpdates(int value) => value >= 1 ? value : throw new CondenseException($"schedule updates must be at least 1, got {value}");

    /// <summary>The target sparsity at step t (sᵢ before t₀, s_f after t₀ + nΔt).</summary>
    public double SparsityAt(long step)
    {
        if (step <= StartStep) return InitialSparsity;
        if (step >= EndStep) return FinalSparsity;
        var progress = (double)(step - StartStep) / (Frequency * Updates);
        return FinalSparsity + (InitialSparsity - FinalSparsity) * Math.Pow(1 - progress, 3);
    }

    /// <summary>Whether the mask is recomputed after step t: t = t₀ + kΔt, k = 0 … n.</summary>
    public bool UpdatesAt(long step) => step >= StartStep && step <= EndStep && (step - StartStep) % Frequency == 0;

    /// <summary>
    /// A schedule for a training of <paramref name="epochs"/> × <paramref name="batchesPerEpoch"/> steps that starts
    /// pruning after <paramref name="startShare"/> of them and reaches s_f after <paramref name="rampShare"/> more (Zhu &amp; Gupta leave the rest for recovery).
    /// </summary>
    public static GradualPruningSchedule ForTraining(double finalSparsity, int epochs, int batchesPerEpoch, double rampShare = 0.5, long frequency = 25, double startShare = 0)
    {
        if (!(startShare >= 0 && rampShare > 0 && startShare + rampShare <= 1))
            throw new CondenseException($"start share {startShare} and ramp share {rampShare} must be ≥ 0, > 0 and add up to at most 1");
        var total = (long)epochs * batchesPerEpoch;
        var start = (long)Math.Floor(startShare * total);
        frequency = Math.Max(1, Math.Min(frequency, total - start));
        var updates = (int)Math.Max(1, Math.Floor(rampShare * total / frequency));
        while (updates > 1 && start + frequency * updates > total) updates--;
        return new GradualPruningSchedule(0, finalSparsity, start, frequency, updates);
    }
}

/// <summary>Runs <see cref="GradualPruningSchedule"/> inside <see cref="Trainer"/> through its hooks.</summary>
public static class GradualPruning
{
    /// <summary>
    /// Hooks that apply the schedule after each optimiser step (layer-wise magnitude, every layer at s_t,
    /// as Zhu &amp; Gupta do) and keep pruned weights at zero in between. <paramref name="inner"/>'s hooks run too.
    /// </summary>
    public static TrainingHooks Hooks(IReadOnlyList<nn.Module> layers, GradualPruningSchedule schedule, TrainingHooks? inner = null)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        long step = 0;
        return Prune.Hooks(new TrainingHooks
        {
            Loss = inner?.Loss,
            AfterBackward = inner?.AfterBackward,
            OnEpoch = inner?.OnEpoch,
            OnBatch = inner?.OnBatch,
            AfterStep = model =>
            {
                step++;
                if (schedule.UpdatesAt(step)) SetSparsity(model.Masks, layers, schedule.SparsityAt(step));
                inner?.AfterStep?.Invoke(model);
            },
        });
    }

    /// <summary>
    /// Trains (or fine-tunes) <paramref name="model"/> for the options' epochs while pruning every
    /// layer of its <see cref="CondenseModel.WeightLayers"/> (an MLP's Linear layers; a CNN's conv
    /// kernels and its head) to s_f; masks stay on its layers.
    /// </summary>
    public static TrainingResult Train(CondenseModel model, Dataset train, Dataset? test, TrainingOptions options, GradualPruningSchedule schedule, TrainingHooks? inner = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var steps = (long)options.Epochs * ((train.Count + options.BatchSize - 1) / options.BatchSize);
        if (schedule.EndStep > steps) throw new CondenseException($"the schedule ends at step {schedule.EndStep}, after the training's {steps} steps");
        var layers = model.WeightLayers.Select(l => l.Module).ToArray();
        if (schedule.InitialSparsity > 0) SetSparsity(model.Masks, layers, schedule.InitialSparsity);
        return Trainer.Train(model, train, test, options, Hooks(layers, schedule, inner));
    }

    static void SetSparsity(MaskSet masks, IReadOnlyList<nn.Module> layers, double sparsity)
    {
        foreach (var layer in layers)
        {
            using var scope = NewDisposeScope();
            masks.Set(layer, Prune.MagnitudeMask(MaskSet.WeightOf(layer), sparsity));
        }
    }
}
