using Condense.Data;
using Condense.Formats.Onnx;
using Condense.Formats.Onnx.Cnn;
using Condense.Models;
using Condense.Models.Cnn;
using Condense.Pruning.Slimming;

namespace Condense.Cli.Demo;

/// <summary>
/// The demo's CNN section (issue 18), kept to seconds so the demo's run time barely moves:
/// LeNet-5 and a quarter-width VGG-BN (8,M,16,16,M,32,32,M) trained briefly on the same MNIST-10k
/// digits, the VGG with the slimming penalty on its BN scaling factors; then BN fusion (same
/// outputs, fewer nodes) and network slimming (half the channels removed at one global |γ|
/// threshold, fine-tuned one epoch) written as ONNX files the runner measures like every other
/// row, and an early-exit figure as a note (it is a decision rule, not a file).
/// </summary>
public static class CnnStage
{
    /// <summary>The VGG configuration of the demo: small enough to train in seconds on one core.</summary>
    public const string VggConfig = "8,M,16,16,M,32,32,M";

    /// <summary>One CNN file for the runner to measure, with the model whose fp32 ONNX file is its reference.</summary>
    public sealed record Artifact(string Model, string Method, string Setting, string Path);

    /// <summary>Trains, compresses and writes the CNN files; <paramref name="step"/> reports progress lines.</summary>
    public static IEnumerable<Artifact> Run(DemoOptions o, Dataset train, Dataset test, List<string> notes, Action<string> step)
    {
        var epochs = o.Quick ? 1 : 2;
        var options = new TrainingOptions { Epochs = epochs, BatchSize = 64, LearningRate = 2e-3, Seed = 0 };
        var probeCount = Math.Min(64, test.Count);
        var probe = test.Images[..(probeCount * test.Features)];
        string Write(CnnModel net, string file)
        {
            var path = System.IO.Path.Combine(o.Folder, file);
            CnnOnnxExporter.Write(path, net, probe, probeCount, DataSets.Mnist10k);
            return path;
        }
        string Macs(CnnModel net) => $"{net.ParameterCount:N0} params, {CnnOnnxExporter.MultiplyAccumulates(net):N0} MACs";

        step($"CNN: LeNet-5 ({epochs} epoch{(epochs == 1 ? "" : "s")})");
        using (var lenet = CnnFactory.Create("lenet5", 0, DataSets.Mnist10k))
        {
            Trainer.Train(lenet, train, null, options);
            yield return new Artifact("cnn-lenet5", "fp32", $"LeNet-5, {epochs} epoch{(epochs == 1 ? "" : "s")}, {Macs(lenet)}", Write(lenet, "cnn-lenet5.fp32.onnx"));
        }

        step($"CNN: VGG-BN {VggConfig} with the slimming penalty ({epochs} epoch{(epochs == 1 ? "" : "s")}), BN fusion, slimming, early exit");
        using var vgg = (VggNet)CnnFactory.Create("vgg", 0, DataSets.Mnist10k, VggConfig);
        Trainer.Train(vgg, train, null, options, new TrainingHooks { AfterBackward = NetworkSlimming.SparsityHook(1e-4) });
        yield return new Artifact("cnn-vgg", "fp32", $"VGG-BN {VggConfig}, L1 on γ (λ = 1e-4), {epochs} epoch{(epochs == 1 ? "" : "s")}, {Macs(vgg)}", Write(vgg, "cnn-vgg.fp32.onnx"));

        using (var fused = BnFusion.Fuse(vgg))
            yield return new Artifact("cnn-vgg", "BN fusion", $"BatchNorm folded into the convs, {Macs(fused)}", Write(fused, "cnn-vgg.fused.onnx"));

        var selection = NetworkSlimming.Select(vgg, 0.5, 0.25);
        using (var slim = VggSurgery.Shrink(vgg, selection.Keep))
        {
            Trainer.Train(slim, train, null, options with { Epochs = 1 });
            yield return new Artifact("cnn-vgg", "network slimming", $"{selection.RemovedFraction:P0} of channels removed ({slim.Config}), fine-tuned 1 epoch, {Macs(slim)}", Write(slim, "cnn-vgg.slim.onnx"));
        }

        using var exit = EarlyExit.Train(vgg, 2, train, 1, 0);
        var curve = exit.Curve(test, [0.9, 1.01]);
        var (point, full) = (curve[0], curve[1]);
        notes.Add($"CNN early exit (VGG-BN {VggConfig}, a Linear head after the first pool, 1 epoch on frozen features, threshold 0.9): " +
            $"{point.ExitFraction:P1} of test digits exit early, accuracy {point.Accuracy:P2} against {full.Accuracy:P2} without the exit, {point.MacsSaved:P1} fewer average MACs.");
    }
}
