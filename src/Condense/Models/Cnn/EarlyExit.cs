using Condense.Data;
using Condense.Formats.Onnx.Cnn;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Condense.Models.Cnn;

/// <summary>One point of an early-exit curve: the confidence threshold, how many samples left early, accuracy and the average cost.</summary>
public sealed record EarlyExitPoint(double Threshold, double ExitFraction, double Accuracy, double AverageMacs, double MacsSaved);

/// <summary>
/// Early exit: a second classifier (flatten → Linear) after an early step of a trained
/// <see cref="VggNet"/>; at inference a sample whose exit softmax reaches a confidence threshold
/// stops there, the rest run the whole network. The backbone is frozen and only the exit head
/// is trained (on the backbone's features, computed once), so the full network's answers are
/// unchanged. <see cref="Curve"/> gives accuracy against average multiply-accumulates.
/// </summary>
public sealed class EarlyExit : IDisposable
{
    readonly VggNet net;

    /// <summary>An exit after step <paramref name="afterStep"/> of <paramref name="net"/> through <paramref name="head"/>, which must take that step's flattened features.</summary>
    public EarlyExit(VggNet net, int afterStep, Linear head)
    {
        this.net = net;
        AfterStep = afterStep;
        Head = head;
    }

    /// <summary>The backbone step after which the exit sits: earlier saves more work and answers fewer samples well.</summary>
    public int AfterStep { get; }
    /// <summary>The exit classifier (flattened features to classes).</summary>
    public Linear Head { get; }

    /// <summary>Trains the exit head after step <paramref name="afterStep"/> (Adam 1e-3, batch 128) on frozen features.</summary>
    public static EarlyExit Train(VggNet net, int afterStep, Dataset train, int epochs, int seed)
    {
        if (afterStep < 1 || afterStep >= net.Steps) throw new CondenseException($"early exit after step {afterStep}: the network has steps 1–{net.Steps - 1}");
        manual_seed(seed);
        using var features = Features(net, afterStep, train);
        var head = nn.Linear(features.shape[1], net.Head.weight!.shape[0]);
        using var y = tensor(train.Labels.Select(l => (long)l).ToArray());
        using var optimizer = optim.Adam(head.parameters(), 1e-3);
        using var generator = new Generator((ulong)seed);
        for (var e = 0; e < epochs; e++)
        {
            using var scope = NewDisposeScope();
            var perm = randperm(train.Count, generator: generator);
            for (var start = 0; start < train.Count; start += 128)
            {
                using var batch = NewDisposeScope();
                var idx = perm.narrow(0, start, Math.Min(128, train.Count - start));
                optimizer.zero_grad();
                var loss = nn.functional.cross_entropy(head.forward(features.index_select(0, idx)), y.index_select(0, idx));
                loss.backward();
                optimizer.step();
            }
        }
        return new EarlyExit(net, afterStep, head);
    }

    /// <summary>Backbone features after a step, flattened, for a whole data set (no gradient).</summary>
    static Tensor Features(VggNet net, int step, Dataset data)
    {
        using var _ = no_grad();
        net.eval();
        var parts = new List<Tensor>();
        using var x = tensor(data.Images, [data.Count, data.Features]);
        for (var start = 0; start < data.Count; start += 1000)
        {
            using var scope = NewDisposeScope();
            var images = x.narrow(0, start, Math.Min(1000, data.Count - start)).reshape(-1, 1, CnnModel.Side, CnnModel.Side);
            if (net.Normalization is { } n) images = (images - n.Mean) / n.Std;
            parts.Add(net.Features(images, 0, step).flatten(1).MoveToOuterDisposeScope());
        }
        var all = cat(parts, 0);
        foreach (var p in parts) p.Dispose();
        return all;
    }

    /// <summary>Accuracy and average MACs per sample for each confidence threshold on <paramref name="test"/>.</summary>
    public IReadOnlyList<EarlyExitPoint> Curve(Dataset test, IReadOnlyList<double> thresholds)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var features = Features(net, AfterStep, test);
        var exitProbs = nn.functional.softmax(Head.forward(features), 1);
        var (confidence, exitClass) = exitProbs.max(1);
        var fullClass = Evaluator.Predict(net, test.Images, test.Count, test.Features);
        var classes = (int)net.Head.weight!.shape[0];
        var conf = confidence.data<float>().ToArray();
        var early = exitClass.data<long>().ToArray();
        var (full, prefix) = (CnnOnnxExporter.MultiplyAccumulates(net), PrefixMacs());
        var points = new List<EarlyExitPoint>();
        foreach (var t in thresholds)
        {
            long correct = 0, exited = 0;
            for (var i = 0; i < test.Count; i++)
            {
                int predicted;
                if (conf[i] >= t) { exited++; predicted = (int)early[i]; }
                else predicted = ArgMax(fullClass.AsSpan(i * classes, classes));
                if (predicted == test.Labels[i]) correct++;
            }
            var f = (double)exited / test.Count;
            var macs = prefix + (1 - f) * (full - PrefixBackboneMacs());
            points.Add(new EarlyExitPoint(t, f, (double)correct / test.Count, macs, 1 - macs / full));
        }
        return points;
    }

    /// <summary>MACs of the backbone up to the exit plus the exit head.</summary>
    public long PrefixMacs() => PrefixBackboneMacs() + Head.weight!.shape[0] * Head.weight!.shape[1];

    long PrefixBackboneMacs()
    {
        var g = new CnnGraphBuilder("prefix");
        net.EmitFeatures(g, g.Input("x", 1, CnnModel.Side, CnnModel.Side), 0, AfterStep);
        return g.MultiplyAccumulates;
    }

    static int ArgMax(ReadOnlySpan<float> row)
    {
        var best = 0;
        for (var c = 1; c < row.Length; c++) if (row[c] > row[best]) best = c;
        return best;
    }

    /// <summary>Frees the exit head; the backbone belongs to the caller.</summary>
    public void Dispose() => Head.Dispose();
}
