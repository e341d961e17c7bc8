using Condense.Data;
using Condense.Distillation;
using Condense.Formats.Onnx;
using Condense.Formats.Onnx.Cnn;
using Condense.Models;
using Condense.Models.Cnn;
using Condense.Pruning.Slimming;
using static TorchSharp.torch;

namespace Condense.Workflows.Cnn;

/// <summary>
/// The CNN acceptance run of issue 18 in one process, so every ratio is measured in the same
/// run: a VGG-style network with BatchNorm trained as the baseline; network slimming (sparsity
/// training, global γ threshold, channels removed, fine-tuning); L1 filter pruning of the
/// baseline at slimming's FLOPs; BN fusion; depthwise-separable replacement distilled from the
/// baseline; group convolutions (g = 2, 4, …) distilled the same way; the Conv→ReLU→MaxPool→BN
/// order trained like the baseline; a convolutional autoencoder with a ConvTranspose decoder
/// against bilinear upsampling + Conv; an early exit curve. Every network is exported to ONNX, checked against TorchSharp,
/// measured in ONNX Runtime (accuracy and latency) and, when a folder is given, written there.
/// </summary>
public static class CnnStudy
{
    /// <summary>Runs the CNN study of <paramref name="request"/> (baseline, then the stages it names) and reports every variant's size, cost and accuracy; <paramref name="log"/> hears progress lines.</summary>
    public static CnnStudyReport Run(CnnStudyRequest request, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        log ??= _ => { };
        var (train, test) = DataSets.Load(request.DataSet);
        if (request.TrainCount > 0) train = train.Take(request.TrainCount);
        if (request.TestCount > 0) test = test.Take(request.TestCount);
        if (request.OutputFolder is { } folder) Directory.CreateDirectory(folder);
        var latencyCount = Math.Min(request.LatencyBatch, test.Count);
        var variants = new List<CnnVariant>();
        var options = new TrainingOptions { Epochs = request.Epochs, BatchSize = request.BatchSize, LearningRate = request.LearningRate, Seed = request.Seed };
        var fineTune = options with { Epochs = Math.Max(1, request.FineTuneEpochs) };
        var stages = request.Stages;
        // Checked before any training: a wrong unit list is refused in its own words, not after the baseline's hour.
        var replaced = request.SeparableUnits?.ToHashSet() ?? ReplacedIndices(request.Config);
        var separableConfig = SeparableConfig(request.Config, replaced);
        var probe = test.Take(200);   // per-epoch progress only; every reported accuracy is on the whole test set

        CnnVariant Measure(string name, VggNet net, bool export = true)
        {
            var accuracy = Evaluator.Evaluate(net, test).Accuracy ?? double.NaN;
            double? ortAccuracy = null, ms = null;
            string? file = null;
            var exported = CnnOnnxExporter.Build(net, request.DataSet);
            if (export)
            {
                CnnOnnxExporter.Verify(net, exported.Model, test.Images[..(Math.Min(64, test.Count) * test.Features)], Math.Min(64, test.Count));
                var path = request.OutputFolder is { } f ? Path.Combine(f, $"{name}.onnx") : Path.Combine(Path.GetTempPath(), $"condense-cnn-{Environment.ProcessId}-{name}.onnx");
                OnnxWriter.Write(path, exported.Model);
                ortAccuracy = OnnxEvaluator.Evaluate(path, test, ModelTask.Classification).Accuracy;
                ms = OrtLatency.MedianMilliseconds(exported.Model, test.Images, latencyCount, test.Features, request.LatencyRuns);
                if (request.OutputFolder is null) File.Delete(path);
                else
                {
                    file = path;
                    ModelFile.Save(Path.Combine(request.OutputFolder, $"{name}.safetensors"), net, new ModelCard(request.DataSet));
                }
            }
            var v = new CnnVariant(name, net.Config, net.ParameterCount, exported.MultiplyAccumulates, accuracy, ortAccuracy, ms, file);
            log($"{name}: {v.Config}, {v.Parameters:N0} params, {v.Macs:N0} MACs, accuracy {accuracy:P2}" + (ortAccuracy is { } o ? $", ORT {o:P2}, {ms:F2} ms" : ""));
            variants.Add(v);
            return v;
        }

        TrainingHooks Hooks(string what, Action<CondenseModel>? afterBackward = null, Func<Tensor, Tensor, Tensor, Tensor>? loss = null) => new()
        {
            AfterBackward = afterBackward,
            Loss = loss,
            OnEpoch = (m, _) => log($"{what} epoch {m.Epoch}: train loss {m.TrainLoss:F4}, first 200 test images {m.TestAccuracy:P1}, {m.Seconds:F1} s"),
        };

        var student = options with
        {
            Epochs = request.StudentEpochs > 0 ? request.StudentEpochs : request.Epochs,
            LearningRate = request.StudentLearningRate > 0 ? request.StudentLearningRate : request.LearningRate,
        };
        var (baseline, baselineSeconds) = request.BaselinePath is { } path
            ? (LoadBaseline(path, request), 0.0)
            : TrainBaseline(request, train, probe, options, Hooks("baseline"));
        Measure("baseline", baseline);
        var report = new CnnStudyReport
        {
            DataSet = request.DataSet, TrainCount = train.Count, TestCount = test.Count, Variants = variants,
            BaselineEpochSeconds = baselineSeconds, BaselineFile = request.BaselinePath,
        };

        if (stages.Contains("slimming"))
        {
            using var sparse = (VggNet)CnnFactory.Create("vgg", request.Seed, request.DataSet, request.Config);
            Trainer.Train(sparse, train, probe, options, Hooks("sparsity", NetworkSlimming.SparsityHook(request.Lambda)));
            Measure("sparse", sparse, export: false);
            var selection = NetworkSlimming.Select(sparse, request.SlimFraction, request.SlimMinKeep);
            var slim = VggSurgery.Shrink(sparse, selection.Keep);
            Measure("slim", slim, export: false);
            var tuneLoss = request.FineTuneDistilled ? DistilledFrom(baseline) : null;
            var tuned = request.FineTuneDistilled ? " (distilled)" : "";
            Trainer.Train(slim, train, probe, fineTune, Hooks("slim fine-tune" + tuned, loss: tuneLoss));
            var slimVariant = Measure("slim-finetuned", slim);
            report = report with
            {
                SlimThreshold = selection.Threshold, SlimChannelsRemoved = selection.RemovedFraction, FineTuneDistilled = request.FineTuneDistilled,
                SlimLayers = sparse.ConvUnits.Zip(selection.Keep, (u, k) => $"{u.Name}: {u.Channels} → {k.Length}").ToList(),
            };
            if (stages.Contains("filters"))
            {
                var filters = FilterPruning.AtFlops(baseline, slimVariant.Macs);
                using var pruned = VggSurgery.Shrink(baseline, filters.Keep);
                Measure("filters", pruned, export: false);
                Trainer.Train(pruned, train, probe, fineTune, Hooks("filters fine-tune" + tuned, loss: tuneLoss));
                Measure("filters-finetuned", pruned);
                report = report with { FilterFraction = filters.RemovedFraction };
            }
            slim.Dispose();
        }

        if (stages.Contains("fusion"))
        {
            using var fused = BnFusion.Fuse(baseline);
            var a = Evaluator.Predict(baseline, test.Images, test.Count, test.Features);
            var b = Evaluator.Predict(fused, test.Images, test.Count, test.Features);
            report = report with { FusionMaxDifference = a.Zip(b, (x, y) => (double)Math.Abs(x - y)).Max() };
            Measure("fused", fused);
        }

        if (stages.Contains("separable"))
        {
            using var separable = (VggNet)CnnFactory.Create("vgg", request.Seed, request.DataSet, separableConfig);
            if (request.SeparableStart == StudentStart.Teacher)
            {
                report = report with { SeparableSplitEnergy = StartFromTeacher(baseline, separable, train) };
                Measure("separable-start", separable, export: false);
            }
            Trainer.Train(separable, train, probe, student, Hooks("separable (distilled)", loss: DistilledFrom(baseline)));
            Measure("separable", separable);
            report = report with
            {
                ReplacedParametersBefore = UnitParameters(baseline, replaced),
                ReplacedParametersAfter = UnitParameters(separable, replaced),
            };
        }

        if (stages.Contains("groups"))
        {
            var groupRows = new List<ReplacedLayers>();
            foreach (var g in request.Groups)
            {
                var config = GroupConfig(request.Config, g);
                using var grouped = (VggNet)CnnFactory.Create("vgg", request.Seed, request.DataSet, config);
                Trainer.Train(grouped, train, probe, student, Hooks($"groups {g} (distilled)", loss: DistilledFrom(baseline)));
                var name = $"groups{g}";
                Measure(name, grouped);
                var groupedUnits = ReplacedIndices(request.Config);
                groupRows.Add(new ReplacedLayers(name, UnitParameters(baseline, groupedUnits), UnitParameters(grouped, groupedUnits)));
            }
            report = report with { Groups = groupRows };
        }

        if (stages.Contains("order"))
        {
            manual_seed(request.Seed);   // the same initial weights as the baseline: only where BN sits differs
            using var reordered = new VggNet(request.Config, true, CnnFactory.NormalizationFor(request.DataSet), order: ConvOrder.ConvReluPoolBn);
            Trainer.Train(reordered, train, probe, options, Hooks("Conv→ReLU→MaxPool→BN"));
            Measure("relu-pool-bn", reordered);
            string? refusal = null;
            try { BnFusion.Fuse(reordered).Dispose(); }
            catch (CondenseException ex) { refusal = ex.Message; }
            report = report with { ReorderedFusion = refusal ?? "fused (unexpected)" };
        }

        if (stages.Contains("autoencoder"))
            report = report with { Autoencoders = Autoencoders(request, train, test, options, log) };

        if (stages.Contains("exit"))
        {
            var curves = new List<EarlyExitCurve>();
            foreach (var step in request.ExitAfterSteps)
            {
                using var exit = EarlyExit.Train(baseline, step, train, Math.Max(1, request.FineTuneEpochs), request.Seed);
                var curve = exit.Curve(test, request.ExitThresholds);
                foreach (var p in curve) log($"early exit after step {step}, τ={p.Threshold}: {p.ExitFraction:P1} exit, accuracy {p.Accuracy:P2}, {p.MacsSaved:P1} fewer MACs");
                curves.Add(new EarlyExitCurve(step, exit.PrefixMacs(), curve));
            }
            report = report with { EarlyExit = curves };
        }
        baseline.Dispose();
        return report;
    }

    static (VggNet Net, double FirstEpochSeconds) TrainBaseline(CnnStudyRequest request, Dataset train, Dataset probe, TrainingOptions options, TrainingHooks hooks)
    {
        var net = (VggNet)CnnFactory.Create("vgg", request.Seed, request.DataSet, request.Config);
        return (net, Trainer.Train(net, train, probe, options, hooks).Epochs[0].Seconds);
    }

    /// <summary>The baseline of an earlier run, refused unless it is a VGG of the request's configuration trained on its data set.</summary>
    static VggNet LoadBaseline(string path, CnnStudyRequest request)
    {
        var (model, card) = CnnModelFile.Load(path);
        if (model is not VggNet net || net.Config != request.Config || net.Order != ConvOrder.ConvBnReluPool || !net.BatchNorm || card.DataSet != request.DataSet)
        {
            var what = model is VggNet v ? $"a VGG '{v.Config}'" : $"a {model.Architecture}";
            model.Dispose();
            throw new CondenseException($"{path}: {what} trained on {card.DataSet ?? "unknown data"}, not a VGG-BN '{request.Config}' trained on {request.DataSet}");
        }
        return net;
    }

    // The depthwise statistics come from the first 2,000 training images (a fixed, seed-free sample).
    static IReadOnlyDictionary<string, double> StartFromTeacher(VggNet teacher, VggNet student, Dataset train)
    {
        var sample = train.Take(Math.Min(2000, train.Count));
        using var pixels = tensor(sample.Images, [sample.Count, sample.Features]);
        return SeparableInitialization.FromTeacher(teacher, student, pixels);
    }

    /// <summary>Hinton distillation from the (frozen, eval-mode) baseline, the loss every replacement trains with.</summary>
    static Func<Tensor, Tensor, Tensor, Tensor> DistilledFrom(VggNet teacherNet)
    {
        teacherNet.eval();
        var distill = DistillationRecipe.Options;
        return (output, x, y) =>
        {
            Tensor teacher;
            using (no_grad()) teacher = teacherNet.forward(x);
            return DistillationLoss.Compute(output, teacher, y, distill);
        };
    }

    /// <summary>
    /// Both autoencoders (ConvTranspose and bilinear + Conv decoders) trained the same way (same
    /// seed, so the same encoder initialisation; the study's epochs, batch and learning rate; MSE),
    /// each exported, checked in ONNX Runtime against TorchSharp (±1e-4) and measured.
    /// </summary>
    static IReadOnlyList<AutoencoderVariant> Autoencoders(CnnStudyRequest request, Dataset train, Dataset test, TrainingOptions options, Action<string> log)
    {
        var rows = new List<AutoencoderVariant>();
        var latencyCount = Math.Min(request.LatencyBatch, test.Count);
        foreach (var decoder in new[] { AutoencoderDecoder.ConvTranspose, AutoencoderDecoder.Bilinear })
        {
            manual_seed(request.Seed);
            using var net = new ConvAutoencoder(decoder);
            var name = decoder == AutoencoderDecoder.ConvTranspose ? "autoencoder-convtranspose" : "autoencoder-bilinear";
            Trainer.Train(net, train, null, options with { LearningRate = request.AutoencoderLearningRate }, new TrainingHooks
            {
                OnEpoch = (m, _) => log($"{name} epoch {m.Epoch}: train MSE {m.TrainLoss:F5}, {m.Seconds:F1} s"),
            });
            var mse = Evaluator.Evaluate(net, test).Loss;
            var export = AutoencoderOnnxExporter.Build(net);
            var probeCount = Math.Min(64, test.Count);
            var difference = AutoencoderOnnxExporter.Verify(net, export.Model, test.Images[..(probeCount * test.Features)], probeCount);
            var path = request.OutputFolder is { } f ? Path.Combine(f, $"{name}.onnx") : Path.Combine(Path.GetTempPath(), $"condense-cnn-{Environment.ProcessId}-{name}.onnx");
            OnnxWriter.Write(path, export.Model);
            var ortMse = OnnxEvaluator.Evaluate(path, test, ModelTask.Reconstruction).Loss;
            var ms = OrtLatency.MedianMilliseconds(export.Model, test.Images, latencyCount, test.Features, request.LatencyRuns);
            if (request.OutputFolder is null) File.Delete(path);
            var v = new AutoencoderVariant(name, net.ParameterCount, export.MultiplyAccumulates, mse, ortMse, difference, ms, request.OutputFolder is null ? null : path);
            log($"{name}: {v.Parameters:N0} params, {v.Macs:N0} MACs, test MSE {mse:F5}, ORT MSE {ortMse:F5}, |ORT − TorchSharp| ≤ {difference:G3}, {ms:F2} ms");
            rows.Add(v);
        }
        return rows;
    }

    /// <summary>
    /// The configuration with every 3×3 unit but the first replaced by a group convolution of
    /// <paramref name="groups"/> groups ("32" → "32g4"); a unit whose filters or inputs the groups
    /// do not divide stays dense.
    /// </summary>
    public static string GroupConfig(string config, int groups)
    {
        if (groups < 1) throw new CondenseException($"groups {groups} must be ≥ 1");
        var first = true;
        long channels = 1;
        return string.Join(",", VggNet.Tokens(config).Select(t =>
        {
            if (t == "M") return t;
            if (!long.TryParse(t, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var c))
                throw new CondenseException($"group replacement takes a configuration of plain units and M, not '{t}'");
            var token = first || c % groups != 0 || channels % groups != 0 ? t : $"{t}g{groups}";
            first = false;
            channels = c;
            return token;
        }));
    }

    /// <summary>
    /// The configuration with the 3×3 units at 1-based <paramref name="units"/> replaced by depthwise-separable ones
    /// (default: every unit but the first, whose single input channel leaves nothing to separate).
    /// </summary>
    public static string SeparableConfig(string config, IReadOnlySet<int>? units = null)
    {
        var replaced = units ?? ReplacedIndices(config);
        var count = VggNet.Tokens(config).Count(t => t != "M");
        if (replaced.Where(u => u < 1 || u > count).Select(u => (int?)u).FirstOrDefault() is { } bad)
            throw new CondenseException($"separable units must be conv units 1–{count} of '{config}', got {bad}");
        var index = 0;
        return string.Join(",", VggNet.Tokens(config).Select(t => t == "M" ? t : replaced.Contains(++index) ? "d" + t : t));
    }

    /// <summary>Every unit but the first: the default <see cref="SeparableConfig"/> replaces.</summary>
    static HashSet<int> ReplacedIndices(string config) =>
        Enumerable.Range(2, VggNet.Tokens(config).Count(t => t != "M") - 1).ToHashSet();

    /// <summary>Parameters (conv and BN) of the units whose index is in <paramref name="indices"/> (conv3 and conv3dw count as 3).</summary>
    static long UnitParameters(VggNet net, HashSet<int> indices) =>
        net.ConvUnits.Where(u => indices.Contains(int.Parse(u.Name[4..].Replace("dw", ""), System.Globalization.CultureInfo.InvariantCulture)))
            .Sum(u => u.Conv.parameters().Sum(p => p.numel()) + (u.Norm?.parameters().Sum(p => p.numel()) ?? 0));
}
