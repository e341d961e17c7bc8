using System.Diagnostics;
using Condense.Cli.Commands;
using Condense.Data;
using Condense.Formats.Onnx;
using Condense.Models;
using Condense.Workflows;
using Spectre.Console;

namespace Condense.Cli.Demo;

/// <summary>
/// The main job: trains (or reuses) the MNIST classifier and autoencoder, compresses them with
/// every method Condense has, writes each result as a file, loads every file back to measure it,
/// and gathers rows, per-layer metrics and the colour sweep for the report.
/// </summary>
public sealed class DemoRunner
{
    readonly DemoOptions _options;
    readonly IAnsiConsole _console;
    readonly List<DemoRow> _rows = [];
    readonly List<string> _notes = [];
    readonly Stopwatch _clock = Stopwatch.StartNew();
    readonly List<string> _stageTimes = [];
    Dataset _train = null!;
    Dataset _test = null!;

    public DemoRunner(DemoOptions options, IAnsiConsole console)
    {
        _options = options;
        _console = console;
    }

    public DemoResult Run()
    {
        Directory.CreateDirectory(_options.Folder);
        (_train, _test) = DataSets.Load(DataSets.Mnist10k);
        var models = Timed("training or reuse", () => new[] { ModelKind.Classifier, ModelKind.Autoencoder }.Select(TrainOrReuse).ToList());
        Timed("ONNX encodings", () => models.ForEach(OnnxStage));
        foreach (var stage in DemoStages.Extra)
        {
            Timed(stage.Name, () =>
            {
                foreach (var model in models)
                {
                    Step($"{stage.Name}: {model.Name}");
                    foreach (var row in stage.Run(new DemoStageContext(_options, model, _train, _test, _console, _notes)))
                        Add(model, row.Method, row.Setting, row.Path);
                }
            });
        }
        Timed("CNN section", CnnSection);
        Step($"per-layer metrics of the {models[0].Name}");
        var layers = Timed("per-layer metrics", () => DemoMetricStages.Layers(models[0], _test, _options.Quick));
        Step("colour quantization sweep on the bundled photo (chelsea)");
        var sweep = Timed("colour sweep", () => DemoMetricStages.Colors(_options.Folder, _options.Quick));
        // CPU time beside wall time: wall time on a shared machine says little.
        _notes.Add($"Stage times of this run in seconds, wall / CPU, measuring every file included (load average {Bench.LoadAverages.OneMinute() ?? "unknown"} at the end): "
            + string.Join("; ", _stageTimes) + $"; total {_clock.Elapsed.TotalSeconds:F0} / {Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds:F0}.");
        return new DemoResult(_rows, layers, sweep, _notes, _clock.Elapsed.TotalSeconds);
    }

    /// <summary>Runs one stage of the demo and keeps its wall and CPU time for the report.</summary>
    T Timed<T>(string stage, Func<T> body)
    {
        var wall = _clock.Elapsed;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var result = body();
        _stageTimes.Add($"{stage} {(_clock.Elapsed - wall).TotalSeconds:F0} / {(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds:F0}");
        return result;
    }

    void Timed(string stage, Action body) => Timed(stage, () => { body(); return 0; });

    void Step(string what)
    {
        _console.MarkupLineInterpolated($"[grey]{_clock.Elapsed:mm\\:ss}[/] {what}");
    }

    DemoModel TrainOrReuse(ModelKind kind)
    {
        var name = kind.ToString().ToLowerInvariant();
        var options = TrainingOptions.For(kind) with { Epochs = _options.Quick ? 1 : 5, Seed = 0 };
        var path = Path.Combine(_options.Folder, $"{name}.safetensors");
        var cached = TrainedModelCache.LoadOrTrain(new TrainedModelRequest<MlpModel>(path, TrainedModelRecipe.Mlp(kind), options, DataSets.Mnist10k, _train, _test)
        {
            Retrain = _options.Retrain,
            Progress = (source, reason, train) =>
            {
                // A cached file that could not be used is worth a word; a missing one (or --retrain) is not.
                Step($"training the {name} ({options.Epochs} epochs){(source is TrainedModelSource.Stale or TrainedModelSource.Unreadable ? $": {reason}" : "")}");
                return Reports.TrainingView.WithProgress(_console, $"training {kind}", options.Epochs, train);
            },
        });
        if (cached.Loaded) Step($"reusing {path} (same settings; --retrain to train again)");
        var net = cached.Model;
        var onnx = Path.Combine(_options.Folder, $"{name}.fp32.onnx");
        OnnxWriter.Write(onnx, OnnxExporter.Export(net));
        var reference = ModelFiles.Outputs(onnx, _test, _options.OutputSamples);
        var model = new DemoModel(name, kind, net, path, onnx, new FileInfo(onnx).Length, reference);
        Add(model, "fp32", "ONNX", onnx);
        return model;
    }

    void OnnxStage(DemoModel model)
    {
        Step($"ONNX encodings of the {model.Name}");
        var source = OnnxReader.Read(model.OnnxPath);
        void Compress(string method, string setting, OnnxCompressionOptions options, string file)
        {
            var result = OnnxCompressor.Compress(source, options);
            var path = Path.Combine(_options.Folder, $"{model.Name}.{file}.onnx");
            OnnxWriter.Write(path, result.Model);
            Add(model, method, setting, path);
        }
        Compress("fp16", "16 bits", new OnnxCompressionOptions(OnnxCompressionMethod.Fp16), "fp16");
        Compress("bf16", "16 bits (bfloat16)", new OnnxCompressionOptions(OnnxCompressionMethod.Bf16), "bf16");
        foreach (var bits in _options.Quick ? new[] { 2, 4, 8 } : [2, 3, 4, 5, 6, 7, 8])
            Compress("k-means", $"{bits} bits", new OnnxCompressionOptions(OnnxCompressionMethod.KMeans, bits), $"kmeans{bits}");
        Compress("linear", "int8 per channel", new OnnxCompressionOptions(OnnxCompressionMethod.Linear, 8, PerChannel: true), "int8");
        Compress("linear", "int4 per channel", new OnnxCompressionOptions(OnnxCompressionMethod.Linear, 4, PerChannel: true), "int4");
    }

    /// <summary>
    /// The CNN rows (<see cref="CnnStage"/>): each model's fp32 ONNX file is its own reference for
    /// ratio and output error, as the classifier's is for the MLP rows.
    /// </summary>
    void CnnSection()
    {
        var references = new Dictionary<string, (long Bytes, float[] Outputs)>();
        foreach (var a in CnnStage.Run(_options, _train, _test, _notes, Step))
        {
            if (!references.TryGetValue(a.Model, out var reference))
                references[a.Model] = reference = (new FileInfo(a.Path).Length, ModelFiles.Outputs(a.Path, _test, _options.OutputSamples));
            Add(a.Model, ModelTask.Classification, reference.Bytes, reference.Outputs, a.Method, a.Setting, a.Path);
        }
    }

    void Add(DemoModel model, string method, string setting, string path) =>
        Add(model.Name, model.Net.Task, model.Fp32OnnxBytes, model.ReferenceOutputs, method, setting, path);

    void Add(string model, ModelTask task, long fp32OnnxBytes, float[] referenceOutputs, string method, string setting, string path)
    {
        var evaluation = ModelFiles.Evaluate(path, _test, task);
        var outputs = ModelFiles.Outputs(path, _test, _options.OutputSamples);
        var bytes = new FileInfo(path).Length;
        _rows.Add(new DemoRow(model, method, setting, Path.GetRelativePath(_options.Folder, path), bytes,
            (double)fp32OnnxBytes / bytes, evaluation.Accuracy, task == ModelTask.Classification ? null : evaluation.Loss,
            DemoArtifacts.RelativeOutputError(referenceOutputs, outputs),
            path.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase) ? "onnxruntime" : "condense"));
    }
}
