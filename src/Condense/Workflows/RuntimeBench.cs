using Condense.Calibration;
using Condense.Data;
using Condense.Formats;
using Condense.Formats.Onnx;
using Condense.Imaging;
using Condense.Models;
using Condense.Quantization;
using Condense.Runtime;
using Google.Protobuf;
using Onnx;

namespace Condense.Workflows;

/// <summary>
/// <c>condense bench runtime</c>: the three models Condense ships or trains, each as fp32 and as
/// the runtime encodings, measured alike in ONNX Runtime (median latency at batch 1 with 1 and 2
/// threads, session memory) with their agreement to fp32 on held-out real inputs: ResNet18 on
/// crops of the two embedded photos (one calibrates, the other is held out), MiniLM on real
/// sentences (its 4-bit MatMulNBits row with GPTQ codes from half of them), the MNIST classifier (trained here, 2 epochs) on its test set.
/// </summary>
public static class RuntimeBench
{
    /// <summary>Runs everything in <paramref name="folder"/> (created; files kept for inspection).</summary>
    public static IReadOnlyList<RuntimeBenchRow> Run(string folder, IReadOnlyList<string> sentences, int runs, Action<string>? progress = null)
    {
        Directory.CreateDirectory(folder);
        var rows = new List<RuntimeBenchRow>();
        // ResNet18.
        progress?.Invoke("ResNet18: crops, calibration, int8-static");
        var resnet = OnnxReader.Read(PackagedModels.ResNet18);
        // The embedded photos, through the shared loader exactly as `compress --data photos/ --augment 24`
        // reads a folder: one photo calibrates, the other is held out.
        var photos = Path.Combine(folder, "photos");
        Directory.CreateDirectory(photos);
        foreach (var name in SampleImages.Names) AtomicFile.WriteAllBytes(Path.Combine(photos, name + ".png"), SampleImages.LoadPng(name));
        var data = CalibrationDataLoader.Load(resnet, new DataSpec(photos, PackagedModels.ResNet18Preprocess, Count: 50, Augment: 24));
        var (cal, held) = (data.Calibration, data.HeldOut);
        rows.AddRange(Variants("resnet18", resnet, cal, held, [RuntimeMethod.Int8Static], folder, runs, null, progress));
        // MiniLM.
        progress?.Invoke("MiniLM: int8-dynamic, nbits 4");
        var minilm = OnnxReader.Read(PackagedModels.MiniLm);
        // Even sentences calibrate (GPTQ's input statistics for the 4-bit row), odd ones are held out.
        var (textCal, textHeld) = RuntimeSamples.Split(RuntimeSamples.FromSentences(minilm, sentences, PackagedModels.MiniLmVocab));
        rows.AddRange(Variants("minilm", minilm, textCal, textHeld, [RuntimeMethod.Int8Dynamic, RuntimeMethod.NBits], folder, runs, "last_hidden_state", progress));
        // MNIST classifier.
        progress?.Invoke("classifier: training 2 epochs, int8-static");
        var (train, test) = DataSets.Load(DataSets.Mnist10k);
        var net = ModelFactory.Create(ModelKind.Classifier, 0);
        Trainer.Train(net, train, null, new TrainingOptions { Epochs = 2, Seed = 0 });
        var fp32Path = Path.Combine(folder, "classifier.fp32.onnx");
        OnnxWriter.Write(fp32Path, OnnxExporter.Export(net, DataSets.Mnist10k));
        var classifier = OnnxReader.Read(fp32Path);
        var input = classifier.Proto.Graph.Input[0].Name;
        var digits = Enumerable.Range(0, 256).Select(i => (IReadOnlyList<TensorProto>)[OnnxTensorData.FromFloat32(input, train.Images.AsSpan(i * train.Features, train.Features), [1, train.Features])]).ToList();
        var classRows = Variants("classifier", classifier, digits, digits.Take(32).ToList(), [RuntimeMethod.Int8Static], folder, runs, null, progress);
        foreach (var r in classRows)
        {
            var path = Path.Combine(folder, $"classifier.{r.Variant}.onnx");
            var accuracy = OnnxEvaluator.Evaluate(path, test, ModelTask.Classification).Accuracy * 100;
            rows.Add(r with { Accuracy = accuracy, Cosine = null });
        }
        return rows;
    }

    static List<RuntimeBenchRow> Variants(string name, OnnxModel model, IReadOnlyList<IReadOnlyList<TensorProto>> cal,
        IReadOnlyList<IReadOnlyList<TensorProto>> held, RuntimeMethod[] methods, string folder, int runs, string? tokenOutput, Action<string>? progress)
    {
        var rows = new List<RuntimeBenchRow>();
        var fp32 = Path.Combine(folder, $"{name}.fp32.onnx");
        if (!File.Exists(fp32) || new FileInfo(fp32).Length != new FileInfo(model.Source).Length) File.Copy(model.Source, fp32, overwrite: true);
        var inputs = held[0];
        rows.Add(Measure(name, "fp32", fp32, inputs, runs, 1.0));
        var reference = Outputs(fp32, held, tokenOutput);
        foreach (var method in methods)
        {
            var variant = method switch { RuntimeMethod.Int8Static => "int8-static", RuntimeMethod.Int8Dynamic => "int8-dynamic", _ => "nbits4" };
            progress?.Invoke($"{name}: {variant}");
            var path = Path.Combine(folder, $"{name}.{variant}.onnx");
            var request = new RuntimeCompressionRequest(model.Source, path, method, cal, held, "bench", Goal: RuntimeGoal.Size);
            var (proto, _) = RuntimeCompression.Rewrite(model, method, request);
            AtomicFile.WriteAllBytes(path, proto.ToByteArray());
            var got = Outputs(path, held, tokenOutput);
            var cosine = reference.Zip(got, Cosine).Average();
            rows.Add(Measure(name, variant, path, inputs, runs, cosine));
        }
        return rows;
    }

    static RuntimeBenchRow Measure(string name, string variant, string path, IReadOnlyList<TensorProto> inputs, int runs, double cosine)
    {
        var t1 = SessionProbe.Measure(path, inputs, 1, runs);
        var t2 = SessionProbe.Measure(path, inputs, 2, runs);
        var ops = OptimizedGraph.OpCounts(path);
        return new RuntimeBenchRow(name, variant, new FileInfo(path).Length, t1, t2, cosine, null,
            string.Join(", ", ops.Take(3).Select(p => $"{p.Key} ×{p.Value}")));
    }

    /// <summary>Per sample: the first output, or with <paramref name="tokenOutput"/> that output mean-pooled over tokens (all tokens are real here).</summary>
    static List<float[]> Outputs(string path, IReadOnlyList<IReadOnlyList<TensorProto>> samples, string? tokenOutput)
    {
        using var runner = OnnxRuntimeRunner.FromFile(path);
        var index = tokenOutput is null ? 0 : runner.OutputNames.ToList().IndexOf(tokenOutput);
        var list = new List<float[]>();
        foreach (var s in samples)
        {
            var o = runner.Run(s)[index];
            var v = OnnxTensorData.ToFloat32(o);
            if (tokenOutput is null) { list.Add(v); continue; }
            int tokens = (int)o.Dims[1], dim = (int)o.Dims[2];
            var mean = new float[dim];
            for (int t = 0; t < tokens; t++) for (int d = 0; d < dim; d++) mean[d] += v[t * dim + d] / tokens;
            list.Add(mean);
        }
        return list;
    }

    static double Cosine(float[] a, float[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.Length; i++) { dot += (double)a[i] * b[i]; na += (double)a[i] * a[i]; nb += (double)b[i] * b[i]; }
        return na == 0 && nb == 0 ? 1 : dot / Math.Sqrt(na * nb);
    }
}
