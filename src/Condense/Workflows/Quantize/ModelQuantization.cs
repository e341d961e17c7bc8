using Condense.Data;
using Condense.Formats;
using Condense.Metrics;
using Condense.Models;
using Condense.Quantization;
using static TorchSharp.torch;

namespace Condense.Workflows.Quantize;

/// <summary>
/// <c>condense quantize</c> as a library call: quantize every linear layer of an MLP model file,
/// measure each layer's errors on the inputs it really sees, score the model before and after on
/// its test split, and only then write the smaller safetensors file. The CLI renders the typed
/// report; tests and benchmarks read it directly.
/// </summary>
public static class ModelQuantization
{
    /// <summary>Quantizes, measures, writes <see cref="ModelQuantizationRequest.OutputPath"/>, and returns the report.</summary>
    public static ModelQuantizationReport Run(ModelQuantizationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        string modelPath = request.ModelPath, outPath = request.OutputPath;
        var options = request.Options;
        OutputPath.RefuseOverwrite(modelPath, outPath);
        // A CNN file quantizes its conv kernels (per output channel with --per-channel) beside the head.
        CondenseModel net;
        ModelCard card;
        if (Models.Cnn.CnnModelFile.IsCnnFile(modelPath)) (net, card) = Models.Cnn.CnnModelFile.Load(modelPath);
        else (net, card) = ModelFile.Load(modelPath);
        using var _ = net;
        IReadOnlyDictionary<string, string> metadata;
        using (var reader = SafetensorsReader.Open(modelPath)) metadata = reader.Metadata;
        if (net.WeightLayers.Count == 0) throw new CondenseException($"{modelPath}: the model has no quantizable (linear) layer");
        var dataName = card.DataSet ?? DataSets.Mnist10k;
        var (_, test) = DataSets.Load(dataName);
        var before = Evaluator.Evaluate(net, test);
        int samples = Math.Min(request.Samples, test.Count);
        var inputs = net is Models.Cnn.CnnModel cnn ? Models.Cnn.ConvLayerInputs.Capture(cnn, test, samples) : LayerInputs.Capture((MlpModel)net, test, samples);

        var quantized = new List<EncodedParameter>();
        var layers = new List<QuantizedLayerReport>();
        var metrics = new List<LayerMetrics>();
        var newWeights = new Dictionary<string, float[]>();
        foreach (var (layer, x) in net.WeightLayers.Zip(inputs))
        {
            var (report, lm) = QuantizeLayer(options, layer, x, quantized, newWeights);
            layers.Add(report);
            metrics.Add(lm);
        }
        SetWeights(net, newWeights);
        var after = Evaluator.Evaluate(net, test);

        QuantizedModelFile.Save(outPath, net, quantized, metadata);
        long fileBytes = new FileInfo(outPath).Length;
        long stored;
        using (var reader = SafetensorsReader.Open(outPath)) stored = fileBytes - reader.DataStart;
        long originalBytes = ModelFile.Weights(net).Sum(t => t.Data.LongLength);
        long original = new FileInfo(modelPath).Length;
        return new ModelQuantizationReport(
            modelPath, outPath, net is MlpModel mlp ? mlp.Kind.ToString() : ((Models.Cnn.CnnModel)net).Architecture, dataName, test.Count,
            options.Method == QuantizationMethod.KMeans ? "kmeans" : "linear", options.Bits, options.Granularity.ToString(),
            inputs.Count == 0 ? 0 : samples, layers,
            originalBytes, stored, original, fileBytes, (double)originalBytes / stored, new ModelMetrics(metrics).MaxCond1,
            before.Accuracy, after.Accuracy, before.Loss, after.Loss,
            net.IsClassifier ? null : before.Loss, net.IsClassifier ? null : after.Loss);
    }

    /// <summary>
    /// Quantizes one layer's weight (and bias, when the options say so), recording the quantized
    /// tensors and their decoded values. A conv kernel keeps its 4-D shape (the codecs group by
    /// axis 0, its output channels); its metrics are those of the out × (in·k·k) matrix.
    /// </summary>
    static (QuantizedLayerReport Report, LayerMetrics Metrics) QuantizeLayer(ModelQuantizationOptions options, WeightLayer layer, float[] x,
        List<EncodedParameter> quantized, Dictionary<string, float[]> newWeights)
    {
        var name = layer.Name;
        var shape = layer.Weight.shape;
        int rows = (int)shape[0], cols = (int)(layer.Weight.numel() / rows);
        var w = Values(layer.Weight);
        var qw = options.Quantize(name + ".weight", w, shape);
        var q = qw.Reconstruct();
        quantized.Add(qw);
        newWeights[name + ".weight"] = q;
        var size = qw.Size;
        long biasBefore = 0, biasAfter = 0;
        if (layer.Bias is { } b)
        {
            var bv = Values(b);
            biasBefore = bv.Length * 4L;
            if (options.Biases)
            {
                var qb = options.Quantize(name + ".bias", bv, b.shape);
                quantized.Add(qb);
                newWeights[name + ".bias"] = qb.Reconstruct();
                biasAfter = qb.Size.TotalBytes;
            }
            else biasAfter = biasBefore;
        }
        var lm = LayerMetrics.Compute(name, w, q, rows, cols, x);
        var report = new QuantizedLayerReport(
            name, [rows, cols], qw.Describe(), qw.Bits, qw.Levels,
            size.OriginalBytes, size.TotalBytes, size.PayloadBytes, size.CodebookBytes, size.ParameterBytes, size.TableBytes,
            biasBefore, biasAfter, size.OriginalBytes + biasBefore, size.TotalBytes + biasAfter,
            (double)(size.OriginalBytes + biasBefore) / (size.TotalBytes + biasAfter),
            lm.MeanAbsError, lm.MaxAbsError, lm.SqnrDb, lm.OneNorm, lm.RelativeOneNormError, lm.Cond1, lm.Bound,
            lm.MeasuredMean, lm.MeasuredMax, lm.HistogramKl);
        return (report, lm);
    }

    static float[] Values(Tensor t)
    {
        using var c = t.detach().cpu().contiguous();
        return c.data<float>().ToArray();
    }

    static void SetWeights(CondenseModel model, Dictionary<string, float[]> values)
    {
        using var _ = no_grad();
        foreach (var (name, p) in model.named_parameters())
            if (values.TryGetValue(name, out var v))
            {
                using var src = tensor(v, p.shape);
                p.copy_(src);
            }
    }
}
