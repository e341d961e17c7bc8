using System.Collections.Concurrent;
using System.Globalization;
using Condense.Data;
using Condense.Formats.Onnx.Cnn;
using Condense.Models;
using Condense.Models.Cnn;
using Condense.Pruning.Slimming;
using Condense.Workflows;
using Microsoft.Extensions.Logging;

namespace Condense.Studio.Pages;

/// <summary>
/// Page 8's state: a quarter-width VGG-BN (<see cref="Config"/>) trained on MNIST-10k with network
/// slimming's L1 penalty on the BatchNorm scaling factors γ (<see cref="NetworkSlimming.SparsityHook"/>),
/// trained on first use and cached in the Studio's cache folder (<see cref="StudioModelCache"/>).
/// The page shows its first conv's filters and every unit's |γ|; a slider value p removes the
/// fraction p of all channels at one global |γ| threshold (<see cref="NetworkSlimming.Select"/>),
/// builds the physically smaller network (<see cref="VggSurgery.Shrink"/>) and measures its
/// parameters, MACs (<see cref="CnnOnnxExporter"/>) and test accuracy before any fine-tuning.
/// Each slider step is computed once (a fraction of a second of one core) and kept, so moving back is a
/// look-up; with <see cref="StudioOptions.SolveAhead"/> every step is computed in the background once
/// the network is ready, the opening one first.
/// </summary>
internal sealed class ConvLayersService(StudioOptions options, ILogger<ConvLayersService> logger) : IDisposable
{
    /// <summary>The network: 8, 16, 16, 32, 32 filters (104 channels), three max pools.</summary>
    public const string Config = "8,M,16,16,M,32,32,M";

    /// <summary>Training epochs (with the penalty) on MNIST-10k's 10,000 training digits.</summary>
    public const int Epochs = 2;

    /// <summary>λ of the L1 penalty λ·Σ|γ| (its subgradient added to γ's gradient each step).</summary>
    public const double Lambda = 1e-2;

    /// <summary>
    /// Every γ's starting value: 0.5, as Liu et al.'s code initialises them (not BatchNorm's 1), so
    /// two short epochs of the penalty can bring the γ of channels the network does not need near zero.
    /// </summary>
    public const float InitialGamma = 0.5f;

    /// <summary>Test digits every slimmed network is evaluated on (the first of MNIST-10k's test set).</summary>
    public const int TestImages = 1000;

    /// <summary>Slider step: p = 0, 0.05, …, <see cref="MaxFraction"/>.</summary>
    public const double Step = 0.05;

    /// <summary>The largest fraction of channels the slider removes.</summary>
    public const double MaxFraction = 0.9;

    /// <summary>The slider's opening step (p = 30 %).</summary>
    public const int DefaultStep = 6;

    /// <summary>The slider's fractions of channels removed.</summary>
    public static IReadOnlyList<double> Fractions { get; } =
        Enumerable.Range(0, (int)Math.Round(MaxFraction / Step) + 1).Select(i => Math.Round(i * Step, 2)).ToList();

    /// <summary>Whether the network is ready, what the service is doing, and how many of the <see cref="Total"/> slider steps are computed.</summary>
    public sealed record Status(bool Ready, string Message, string? Error, int Solved, int Total);

    /// <summary>The first conv's filters, <see cref="Count"/> kernels of <see cref="Size"/>×<see cref="Size"/> row-major in <see cref="Values"/>; <see cref="Limit"/> is the largest |w| (the colour scale).</summary>
    public sealed record Filters(string Layer, int Count, int Size, float[] Values, double Limit);

    /// <summary>A conv unit's |γ| per output channel, in channel order.</summary>
    public sealed record LayerGammas(string Name, int Channels, float[] Gammas);

    /// <summary>The trained network as the page first shows it.</summary>
    public sealed record Network(string Config, int Epochs, double Lambda, int TestImages, Filters Filters,
        IReadOnlyList<LayerGammas> Layers, long Parameters, long Macs, double Accuracy, IReadOnlyList<double> Fractions);

    /// <summary>One unit after slimming: <see cref="Keep"/> are the kept channels' indices.</summary>
    public sealed record LayerKept(string Name, long Channels, long Kept, long[] Keep);

    /// <summary>The network slimmed at fraction <see cref="Fraction"/> (no fine-tuning). <see cref="Threshold"/> is −1 when nothing is removed.</summary>
    public sealed record Point(double Fraction, double Threshold, string Config, IReadOnlyList<LayerKept> Layers, double ChannelsRemoved,
        long Parameters, long Macs, double ParametersRemoved, double MacsRemoved, double Accuracy);

    /// <summary>The slider's point and every point computed so far (by fraction), for the curve.</summary>
    public sealed record Answer(Point Point, IReadOnlyList<Point> Solved);

    sealed record Prepared(VggNet Net, Dataset Test, Network Network);

    readonly object gate = new();
    readonly ConcurrentDictionary<int, Lazy<Point>> points = new();
    readonly CancellationTokenSource stopping = new();
    Task<Prepared>? preparing;
    volatile string message = "not started";

    /// <summary>Where the trained network is cached, named by everything that decides its weights (the card says it too, and is checked).</summary>
    public string ModelPath => Path.Combine(options.ResolveCacheDirectory(), string.Create(CultureInfo.InvariantCulture,
        $"conv-vgg-{Config.Replace(",M", "m", StringComparison.Ordinal).Replace(',', '-')}-mnist10k-seed{options.Seed}-e{Epochs}-lambda{Lambda}-gamma{InitialGamma}.safetensors"));

    public Status GetStatus()
    {
        var task = Start();
        if (task.IsCompletedSuccessfully) return new Status(true, "ready", null, points.Count(kv => kv.Value.IsValueCreated), Fractions.Count);
        if (task.IsFaulted) return new Status(false, message, "preparing the network failed: " + task.Exception!.GetBaseException().Message, 0, Fractions.Count);
        return new Status(false, message, null, 0, Fractions.Count);
    }

    /// <summary>Starts loading or training the network (at start-up, or on the page's first request).</summary>
    public Task Warm() => Start();

    Task<Prepared> Start()
    {
        // Its own thread: training takes a minute or more, and the thread's TorchSharp state (dispose scopes, grad mode) is its own.
        lock (gate) return preparing ??= Task.Factory.StartNew(() =>
        {
            var p = Prepare();
            if (options.SolveAhead) _ = Task.Run(() => SolveAhead(p, stopping.Token));
            return p;
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>Every slider step, the opening one first, so later steps are look-ups too (a few seconds of one core).</summary>
    void SolveAhead(Prepared p, CancellationToken token)
    {
        try
        {
            foreach (var step in Enumerable.Range(0, Fractions.Count).OrderBy(s => s != DefaultStep))
            {
                if (token.IsCancellationRequested) return;
                _ = points.GetOrAdd(step, s => new Lazy<Point>(() => Solve(p, Fractions[s]))).Value;
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    Prepared Prepare()
    {
        var (train, test) = DataSets.Load(DataSets.Mnist10k);
        test = test.Take(TestImages);
        var net = LoadOrTrain(train, test);
        message = "measuring the trained network";
        using var scope = TorchSharp.torch.NewDisposeScope();
        var first = net.ConvUnits[0].Conv.weight!;
        var filters = first.detach().contiguous().data<float>().ToArray();
        var layers = net.ConvUnits.Select(u => new LayerGammas(u.Name, (int)u.Channels, u.Norm!.weight!.detach().abs().contiguous().data<float>().ToArray())).ToList();
        var network = new Network(Config, Epochs, Lambda, test.Count,
            new Filters(net.ConvUnits[0].Name, (int)first.shape[0], (int)first.shape[3], filters, filters.Max(v => Math.Abs((double)v))),
            layers, net.ParameterCount, CnnOnnxExporter.Build(net, DataSets.Mnist10k).MultiplyAccumulates,
            Evaluator.Evaluate(net, test).Accuracy!.Value, Fractions);
        message = "ready";
        return new Prepared(net, test, network);
    }

    /// <summary>The network as the cache builds and trains it: γ starting at <see cref="InitialGamma"/>, the L1 penalty after each backward pass.</summary>
    static TrainedModelRecipe<VggNet> Recipe { get; } = TrainedModelRecipe.Cnn(seed =>
    {
        var net = (VggNet)CnnFactory.Create("vgg", seed, DataSets.Mnist10k, Config);
        using (TorchSharp.torch.no_grad())
            foreach (var u in net.ConvUnits) u.Norm!.weight!.fill_(InitialGamma);
        return net;
    }) with
    {
        Description = string.Create(CultureInfo.InvariantCulture, $"network slimming: L1 on BN γ, λ = {Lambda}, γ starts at {InitialGamma}"),
        AfterBackward = NetworkSlimming.SparsityHook(Lambda),
    };

    VggNet LoadOrTrain(Dataset train, Dataset test)
    {
        var settings = new TrainingOptions { Epochs = Epochs, BatchSize = 64, LearningRate = 2e-3, Seed = options.Seed };
        var net = StudioModelCache.LoadOrTrain(ModelPath, $"VGG-BN {Config} with the L1 penalty on γ", Recipe, settings, train, test, logger,
            m => message = m, m => $"test accuracy {m.TestAccuracy:P1}", perBatch: true).Model;
        net.eval();
        return net;
    }

    /// <summary>The trained network (waits for it).</summary>
    public async Task<Network> NetworkAsync(CancellationToken token) => (await Start().WaitAsync(token)).Network;

    /// <summary>The network slimmed at fraction <paramref name="p"/> (one of <see cref="Fractions"/>), computed once per step.</summary>
    public async Task<Answer> AnswerAsync(double p, CancellationToken token)
    {
        var step = StepOf(p);
        var prepared = await Start().WaitAsync(token);
        var lazy = points.GetOrAdd(step, s => new Lazy<Point>(() => Solve(prepared, Fractions[s])));
        // A step seen before is a look-up answered on the request's thread; a new one is slimmed and evaluated on the pool.
        var point = lazy.IsValueCreated ? lazy.Value : await Task.Run(() => lazy.Value, token);
        var solved = points.Where(kv => kv.Value.IsValueCreated).OrderBy(kv => kv.Key).Select(kv => kv.Value.Value).ToList();
        return new Answer(point, solved);
    }

    /// <summary>The slider step of <paramref name="p"/>; a value off the slider is refused in one line.</summary>
    public static int StepOf(double p)
    {
        if (!(p >= 0 && p <= MaxFraction))
            throw new CondenseException(string.Create(CultureInfo.InvariantCulture, $"p (fraction of channels removed) must be in 0–{MaxFraction}, got {p}"));
        var step = (int)Math.Round(p / Step);
        if (Math.Abs(step * Step - p) > 1e-9)
            throw new CondenseException(string.Create(CultureInfo.InvariantCulture, $"p (fraction of channels removed) must be a multiple of {Step}, got {p}"));
        return step;
    }

    Point Solve(Prepared p, double fraction)
    {
        lock (p.Net)
        {
            stopping.Token.ThrowIfCancellationRequested();   // the network is disposed once the Studio stops
            // Everything made here (the smaller network's tensors too) belongs to this scope, not to one the pool thread may carry.
            using var scope = TorchSharp.torch.NewDisposeScope();
            var full = p.Network;
            var selection = NetworkSlimming.Select(p.Net, fraction);
            using var slim = VggSurgery.Shrink(p.Net, selection.Keep);
            var macs = CnnOnnxExporter.Build(slim, DataSets.Mnist10k).MultiplyAccumulates;
            var parameters = slim.ParameterCount;
            var accuracy = Evaluator.Evaluate(slim, p.Test).Accuracy!.Value;
            var layers = p.Net.ConvUnits.Zip(selection.Keep, (u, k) => new LayerKept(u.Name, u.Channels, k.LongLength, k)).ToList();
            return new Point(fraction, selection.Threshold, slim.Config, layers, selection.RemovedFraction,
                parameters, macs, 1 - (double)parameters / full.Parameters, 1 - (double)macs / full.Macs, accuracy);
        }
    }

    public void Dispose()
    {
        stopping.Cancel();
        if (preparing is { IsCompletedSuccessfully: true })
        {
            var net = preparing.Result.Net;
            lock (net) net.Dispose();
        }
    }
}
