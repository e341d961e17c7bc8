using Condense.Models.Cnn;
using Condense.Workflows.Cnn;

namespace Condense.Workflows.Bench;

/// <summary>What <c>condense bench cnn</c> times: one training epoch of the VGG-style network with BatchNorm on Fashion-MNIST.</summary>
/// <param name="Samples">Training images in the epoch (60,000: all of Fashion-MNIST); at least 1.</param>
/// <param name="BatchSize">Mini-batch size.</param>
/// <param name="Config">The VGG configuration.</param>
/// <param name="Peer">Whether PyTorch 1.13 times the same epoch in the same run (bench/peers/cnn_epoch.py).</param>
public sealed record CnnBenchRequest(int Samples, int BatchSize = 128, string Config = VggNet.DefaultConfig, bool Peer = true)
{
    /// <summary>Training images in the epoch; at least 1.</summary>
    public int Samples { get; init => field = AtLeastOne(value); } = AtLeastOne(Samples);

    // An initialiser sets the field itself, so the constructor's value is checked here as well as under with.
    static int AtLeastOne(int samples) => samples >= 1 ? samples : throw new CondenseException($"--samples {samples} must be at least 1");
}

/// <summary>The PyTorch peer's line (bench/peers/cnn_epoch.py), the two keys the bench reads.</summary>
/// <param name="EpochS">Seconds of its epoch.</param>
/// <param name="Torch">The torch version it ran.</param>
public sealed record CnnPeerRun(double EpochS, string? Torch);

/// <summary>What <c>condense bench cnn</c> reports and <c>condense bench all</c> judges. Serialized snake_case.</summary>
/// <param name="Bench">"cnn".</param>
/// <param name="Samples">Training images in the epoch.</param>
/// <param name="Batch">Mini-batch size.</param>
/// <param name="Config">The VGG configuration.</param>
/// <param name="Threads">LibTorch threads Condense trained with (the peer is given the same).</param>
/// <param name="CondenseEpochS">Condense's epoch, seconds (after a three-batch warm-up).</param>
/// <param name="PytorchEpochS">PyTorch's epoch, seconds; null when the peer did not run.</param>
/// <param name="PytorchVersion">The peer's torch version.</param>
/// <param name="RatioToPytorch">Condense's seconds over PyTorch's (the figure; target ≤ 1.2).</param>
/// <param name="LoadAverage">The 1-minute load average after the run.</param>
public sealed record CnnBenchReport(string Bench, int Samples, int Batch, string Config, int Threads, double CondenseEpochS,
    double? PytorchEpochS, string? PytorchVersion, double? RatioToPytorch, string? LoadAverage);

/// <summary><c>condense bench cnn</c> as a workflow: Condense's epoch (<see cref="CnnEpochTiming"/>), then the peer's at the same settings when given.</summary>
public static class CnnBench
{
    /// <summary>Times Condense's epoch, then runs <paramref name="peer"/> (given what Condense ran: samples, batch, threads, config) and reads the load average.</summary>
    public static CnnBenchReport Run(CnnBenchRequest request, Func<CnnBenchReport, CnnPeerRun>? peer, Func<string?> loadAverage)
    {
        ArgumentNullException.ThrowIfNull(request);
        var ours = CnnEpochTiming.Run(request.Samples, request.BatchSize, request.Config);
        var report = new CnnBenchReport("cnn", ours.Samples, ours.Batch, ours.Config, ours.Threads, ours.EpochSeconds, null, null, null, null);
        if (request.Peer && peer is not null)
        {
            var run = peer(report);
            report = report with { PytorchEpochS = run.EpochS, PytorchVersion = run.Torch, RatioToPytorch = ours.EpochSeconds / run.EpochS };
        }
        return report with { LoadAverage = loadAverage() };
    }
}
