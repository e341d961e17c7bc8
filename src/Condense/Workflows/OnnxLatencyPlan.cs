using System.Diagnostics;
using Condense.Analysis;
using Condense.Formats.Onnx;
using Condense.Workflows.Structure;
using Google.Protobuf;
using Onnx;

namespace Condense.Workflows;

/// <summary>
/// <c>plan --max-latency MS</c>: the knapsack of <see cref="LayerBudgetPlanner"/> over measured ONNX Runtime
/// latency instead of bytes. Every allowed (layer, setting) is built as the whole model with only that layer
/// changed and timed (one intra-op thread, the first held-out sample, <c>runs</c> runs after two warm-ups, each
/// run paired with one of a warm session of the original); a layer's change is the median of the paired
/// differences — on a loaded machine two medians taken apart differ by more than one MiniLM layer's change, so
/// 36 of them summed predicted −94 ms for a 55 ms model — and a choice's latency is predicted as the original's
/// plus each layer's change. Then the planned model itself is timed the same way; while it is over the budget the
/// target shrinks by the overshoot and it plans again, and a budget even the fastest choice misses is
/// refused. Times are wall clock on a shared machine: the report gives the load average beside them.
/// </summary>
/// <remarks>
/// Which settings are faster is measured, not assumed: a grid or codebook whose decoder ONNX Runtime folds into
/// the dense weight at session start runs as float32 does; the kernel settings (MatMulNBits, dynamic int8;
/// <see cref="KernelSettings"/>) run on integer kernels; a low-rank layer runs as two thin products
/// (<see cref="Graph.LowRankSplit"/>) and is faster where r·(in + out) is well below in·out.
/// </remarks>
public static class OnnxLatencyPlan
{
    /// <summary>The plan, the model built, its measured latency, and the latency of the original.</summary>
    public sealed record Result(int[] Choice, OnnxCompressionResult Compressed, double Milliseconds, double OriginalMilliseconds, int Rounds, int Runs);

    /// <summary>Plans within <paramref name="maxMs"/> milliseconds or throws (nothing is written here).</summary>
    /// <param name="candidates">The analysis' candidates.</param>
    /// <param name="errors">[layer][setting] model errors (0 for float32).</param>
    /// <param name="allowed">[layer][setting] choices allowed.</param>
    /// <param name="maxMs">The budget.</param>
    /// <param name="runs">Timed runs per median.</param>
    /// <param name="progress">Progress lines, or null.</param>
    public static Result Plan(OnnxLayerCandidates candidates, double[][] errors, bool[][] allowed, double maxMs, int runs = 15, Action<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(errors);
        ArgumentNullException.ThrowIfNull(allowed);
        var source = candidates.Model.Source;
        var sample = candidates.FirstSample;
        // One warm session of the original, run in turn with each changed model: both see the same load, and a
        // layer's change is the median of the paired differences, not of two medians taken minutes apart.
        // The reference is the model built through the same path with every layer float32, not the file as read: the two
        // differ in how ONNX Runtime optimises them, an offset that every layer's change would otherwise carry (MiniLM:
        // 36 changes, each with the same offset, predicted −38 ms for a 45 ms model).
        using var reference = new OnnxRuntimeRunner(candidates.Compress(new int[candidates.Layers.Count]).Model.ToByteArray(), source, threads: 1);
        reference.Run(sample);
        var originals = new List<double>();
        (double Original, double Changed, double Own) Paired(ModelProto m)
        {
            using var changed = new OnnxRuntimeRunner(m.ToByteArray(), source + " (changed)", threads: 1);
            changed.Run(sample);
            changed.Run(sample);
            var a = new double[Math.Max(1, runs)];
            var d = new double[a.Length];
            var b = new double[a.Length];
            for (int i = 0; i < a.Length; i++)
            {
                var clock = Stopwatch.StartNew();
                reference.Run(sample);
                a[i] = clock.Elapsed.TotalMilliseconds;
                clock.Restart();
                changed.Run(sample);
                b[i] = clock.Elapsed.TotalMilliseconds;
                d[i] = b[i] - a[i];
            }
            lock (originals) originals.AddRange(a);
            return (Median(a), Median(a) + Median(d), Median(b));
        }
        double Time(ModelProto m) => Paired(m).Changed;
        int layers = candidates.Layers.Count, settings = candidates.Settings.Count;
        progress?.Invoke($"timing {layers} layers × {allowed.Sum(a => a.Count(x => x)) / Math.Max(1, layers)} settings in ONNX Runtime (median of {runs} runs each, paired with the original's)");
        // t[l][s]: the whole model with only layer l at setting s; microseconds, so the planner's integer budget applies.
        var t = new double[layers][];
        for (int l = 0; l < layers; l++)
        {
            t[l] = new double[settings];
            for (int s = 0; s < settings; s++)
            {
                if (!allowed[l][s]) continue;
                var choice = new int[layers];
                choice[l] = s;
                t[l][s] = s == 0 ? double.NaN : Time(candidates.Compress(choice).Model);
            }
        }
        if (originals.Count == 0) for (int i = 0; i < Math.Max(1, runs); i++) { var c = Stopwatch.StartNew(); reference.Run(sample); originals.Add(c.Elapsed.TotalMilliseconds); }
        originals.Sort();
        var original = originals[originals.Count / 2];
        // Float32 is the original itself: one median over the whole measurement, not one noisy run per layer.
        for (int l = 0; l < layers; l++) t[l][0] = original;
        var fastest = t.Select((row, l) => Enumerable.Range(0, settings).Where(s => allowed[l][s]).Min(s => row[s])).ToArray();
        var cost = t.Select((row, l) => row.Select((v, s) => allowed[l][s] ? (long)Math.Round(1000 * (v - fastest[l])) : 0L).ToArray()).ToArray();
        // Predicted latency = original + Σ (t[l][c_l] − original) = floor + Σ cost.
        var floor = original + fastest.Sum(f => f - original);
        var quickest = Enumerable.Range(0, layers).Select(l => Enumerable.Range(0, settings).Where(s => allowed[l][s]).MinBy(s => cost[l][s])).ToArray();
        var target = maxMs;
        int round = 0;
        while (true)
        {
            round++;
            var budget = (long)Math.Floor(1000 * (target - floor));
            var choice = budget < 0 ? quickest : LayerBudgetPlanner.WithinBytes(errors, cost, allowed, budget) ?? quickest;
            var compressed = candidates.Compress(choice);
            // The planned model's own median, its runs interleaved with the original's (whose median in the same window is reported beside it).
            var (beside, _, measured) = Paired(compressed.Model);
            progress?.Invoke($"round {round}: predicted {floor + cost.Select((c, l) => c[choice[l]]).Sum() / 1000.0:0.000} ms, measured {measured:0.000} ms (original {beside:0.000} ms in the same runs)");
            if (measured <= maxMs) return new Result(choice, compressed, measured, beside, round, runs);
            if (choice.SequenceEqual(quickest))
                throw new CondenseException($"{source}: --max-latency {maxMs:0.###} ms cannot be met: the fastest choice of these settings measured {measured:0.###} ms " +
                    $"(original {beside:0.###} ms in the same runs; median of {runs} runs, one thread); nothing written");
            if (round >= OnnxBudgetPlan.MaxRounds)
                throw new CondenseException($"{source}: --max-latency {maxMs:0.###} ms: the planned model still measured {measured:0.###} ms after {round} rounds; nothing written");
            // From this choice's prediction, not only the last target (a choice well inside it would stay chosen).
            target = Math.Min(target, floor + cost.Select((c, l) => c[choice[l]]).Sum() / 1000.0) - (measured - maxMs) - 0.001;
        }
    }

    static double Median(double[] values)
    {
        var sorted = values.ToArray();
        Array.Sort(sorted);
        return sorted[sorted.Length / 2];
    }
}
