using Condense.Models.Cnn;
using Onnx;

namespace Condense.Formats.Onnx.Cnn;

/// <summary>
/// Exports Condense's CNNs to ONNX: the flat 784-pixel input (as the MLPs take it) reshaped to
/// N×1×28×28, normalisation as Sub/Div, Conv, BatchNormalization, Relu, MaxPool, Add,
/// GlobalAveragePool, Flatten and Gemm as the model's <see cref="CnnModel.EmitOnnx"/> writes
/// them, and LogSoftmax. The exported graph is run in ONNX Runtime on a probe batch and compared
/// with TorchSharp's output before it is returned.
/// </summary>
public static class CnnOnnxExporter
{
    /// <summary>The ONNX graph and the multiply-accumulates per sample counted while building it.</summary>
    public sealed record Export(ModelProto Model, long MultiplyAccumulates, IReadOnlyDictionary<string, long> MacsByLayer);

    /// <summary>Builds the graph (without running it: see <see cref="Verify"/>); <paramref name="weightSource"/> is <see cref="CnnGraphBuilder.WeightSource"/>.</summary>
    public static Export Build(CnnModel model, string? dataSet = null, Func<GraphProto, string, string?>? weightSource = null)
    {
        var g = new CnnGraphBuilder(model.Architecture) { WeightSource = weightSource };
        var x = g.Reshape(g.Input("input", CnnModel.Side * CnnModel.Side), 1, CnnModel.Side, CnnModel.Side);
        if (model.Normalization is { } n) x = g.Normalize(x, n);
        var logits = model.EmitOnnx(g, x);
        g.Output(g.LogSoftmax(logits, "output"));
        var proto = new ModelProto { IrVersion = 8, ProducerName = "condense", ProducerVersion = "1", Graph = g.Graph };
        proto.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = OnnxExporter.Opset });
        foreach (var (k, v) in model.Describe().OrderBy(kv => kv.Key, StringComparer.Ordinal))
            proto.MetadataProps.Add(new StringStringEntryProto { Key = $"condense.{k}", Value = v });
        if (dataSet is not null) proto.MetadataProps.Add(new StringStringEntryProto { Key = OnnxExporter.DataSetKey, Value = dataSet });
        return new Export(proto, g.MultiplyAccumulates, g.MacsByLayer);
    }

    /// <summary>Multiply-accumulates per sample of the model's inference graph (the FLOPs measure).</summary>
    public static long MultiplyAccumulates(CnnModel model) => Build(model).MultiplyAccumulates;

    /// <summary>
    /// Runs <paramref name="proto"/> in ONNX Runtime on <paramref name="probe"/> (count × 784
    /// pixels) and returns the largest absolute difference from TorchSharp's log-probabilities;
    /// throws when it is over <paramref name="tolerance"/>.
    /// </summary>
    public static double Verify(CnnModel model, ModelProto proto, float[] probe, int count, double tolerance = 1e-3)
    {
        var expected = Models.Evaluator.Predict(model, probe, count, CnnModel.Side * CnnModel.Side);
        using var runner = new OnnxRuntimeRunner(Google.Protobuf.MessageExtensions.ToByteArray(proto), model.Architecture);
        var actual = OnnxTensorData.ToFloat32(runner.Run([OnnxTensorData.FromFloat32("input", probe, [count, CnnModel.Side * CnnModel.Side])])[0]);
        if (actual.Length != expected.Length)
            throw new CondenseException($"{model.Architecture}: ONNX Runtime gave {actual.Length} outputs, TorchSharp {expected.Length}");
        var worst = 0.0;
        for (var i = 0; i < actual.Length; i++) worst = Math.Max(worst, Math.Abs(actual[i] - expected[i]));
        if (!(worst <= tolerance))
            throw new CondenseException($"{model.Architecture}: the ONNX graph differs from TorchSharp by {worst:G3} (> {tolerance:G3})");
        return worst;
    }

    /// <summary>Builds, verifies on <paramref name="probe"/> and writes the graph (temporary file renamed into place).</summary>
    public static Export Write(string path, CnnModel model, float[] probe, int count, string? dataSet = null)
    {
        var export = Build(model, dataSet);
        Verify(model, export.Model, probe, count);
        OnnxWriter.Write(path, export.Model);
        return export;
    }
}
