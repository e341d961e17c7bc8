using Condense.Analysis;
using Condense.Calibration;
using Condense.Data;
using Condense.Formats.Onnx;
using Condense.Models;
using Onnx;

namespace Condense.Workflows;

/// <summary>
/// Issue 23's planner figure on the MNIST classifier (784-1000-1000-10, trained 2 epochs, exported to
/// ONNX), measured in this process through the library as <c>condense plan --max-bytes g4</c> runs it:
/// one analysis of the quantization settings the docs use plus the structural ones (low rank,
/// sparsity), then two plans at uniform g4's bytes from it — every method, and quantization alone —
/// each built and run in ONNX Runtime on held-out digits the choice never saw. The ratio plan ÷ uniform g4 error is the acceptance figure (≤ 0.5);
/// the second plan shows what the structural settings add on the same analysis.
/// </summary>
public static class ClassifierPlanBench
{
    /// <summary>The quantization settings of the docs' classifier command.</summary>
    public static IReadOnlyList<string> QuantizationLabels { get; } =
        ["g8-rtn", "g6", "g5", "g4", "g4-rtn", "g3", "g2", "k4", "k3", "g4z", "k4z", "g2+50", "g2+75", "g3+25", "g3+50", "g3+75",
         "g4+10", "g4+25", "g4+50", "g4+75", "g5+10", "g5+25"];

    /// <summary>
    /// Test digits 192.. held out: every reported figure (uniform g4, the plans) is measured on all of them; the plans are
    /// chosen from sensitivities on 16 (by default) of the 192 calibration digits withheld from GPTQ's H (<see cref="SelectionSplit"/>), none of these.
    /// </summary>
    public const int HeldOutDigits = 256;

    /// <summary>Low rank and sparsity offered beside them.</summary>
    public static IReadOnlyList<string> StructuralLabels { get; } = ["r10g8", "r25g8", "r25g4", "r50g4", "s50g4", "s50g8", "s75g8"];

    /// <summary>Calibration digits (of 192) withheld from GPTQ's H as the selection samples unless told otherwise.</summary>
    public const int DefaultSelectionSamples = 16;

    /// <summary>Trains and exports the classifier into <paramref name="folder"/> once (reused after), then analyses and plans.</summary>
    /// <param name="folder">Where the classifier is kept.</param>
    /// <param name="threads">Workers.</param>
    /// <param name="progress">A line per stage, or null.</param>
    /// <param name="selectionSamples">Calibration digits withheld as the selection samples: 1–96 (at most half the 192).</param>
    public static PlanAtUniformG4.Result Run(string folder, int threads = 2, Action<string>? progress = null, int selectionSamples = DefaultSelectionSamples)
    {
        ArgumentNullException.ThrowIfNull(folder);
        if (selectionSamples is < 1 or > 96)
            throw new CondenseException($"bench plan: selection samples must be 1–96 (at most half the 192 calibration digits), got {selectionSamples}");
        var since = PlanAtUniformG4.Start();
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, "classifier.fp32.onnx");
        var (train, test) = DataSets.Load(DataSets.Mnist10k);
        if (!File.Exists(path))
        {
            progress?.Invoke("training the classifier: 2 epochs");
            using var net = ModelFactory.Create(ModelKind.Classifier, 0);
            Trainer.Train(net, train, null, TrainingOptions.For(ModelKind.Classifier) with { Epochs = 2, Seed = 0 });
            OnnxWriter.Write(path, OnnxExporter.Export(net, DataSets.Mnist10k));
        }
        List<IReadOnlyList<TensorProto>> Digits(int from, int count) =>
            [.. Enumerable.Range(from, count).Select(i => (IReadOnlyList<TensorProto>)[OnnxTensorData.FromFloat32("input", test.Images.AsSpan(i * 784, 784), [1, 784])])];
        var data = new CalibrationData(Digits(0, 192), Digits(192, HeldOutDigits), $"{192 + HeldOutDigits} MNIST test digits (192 calibration: {192 - selectionSamples} fitted on, {selectionSamples} withheld as the selection samples; {HeldOutDigits} held out)", false,
            [.. test.Labels.Take(192)], [.. test.Labels.Skip(192).Take(HeldOutDigits)]);
        var settings = QuantizationLabels.Concat(StructuralLabels).Select(QuantizationSetting.Parse).ToList();
        var request = new OnnxAnalysisRequest(path, data, settings, SensitivitySamples: selectionSamples, Threads: threads, Progress: progress);
        return PlanAtUniformG4.Measure(request, since);
    }
}
