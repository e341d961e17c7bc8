using Condense.Models.Cnn;
using Onnx;
using static TorchSharp.torch;

namespace Condense.Formats.Onnx.Cnn;

/// <summary>
/// Exports a <see cref="ConvAutoencoder"/> to ONNX: flat pixels reshaped to N×1×28×28, the
/// encoder's Conv/Relu/MaxPool, the decoder as ConvTranspose or as Resize (linear) + Conv, a
/// Sigmoid, and a Reshape back to N×784 — the same input and output as the MLP autoencoder, so
/// <see cref="OnnxEvaluator"/> measures its MSE unchanged. Like every CNN export, the graph is run
/// in ONNX Runtime against TorchSharp before it is written.
/// </summary>
public static class AutoencoderOnnxExporter
{
    /// <summary>The tolerance the issue asks of the ORT run against TorchSharp (reconstructions in [0, 1]).</summary>
    public const double Tolerance = 1e-4;

    /// <summary>Builds the graph (not run: see <see cref="Verify"/>) and counts its multiply-accumulates per image.</summary>
    public static CnnOnnxExporter.Export Build(ConvAutoencoder model)
    {
        var g = new CnnGraphBuilder("ConvAutoencoder");
        var x = g.Reshape(g.Input("input", CnnModel.Side * CnnModel.Side), 1, CnnModel.Side, CnnModel.Side);
        model.EmitOnnx(g, x);
        // The last node's output becomes "output", the name every Condense graph exports.
        var last = g.Graph.Node[^1];
        last.Output[0] = "output";
        last.Name = "output";
        g.Graph.Output.Add(OnnxExporter.Value("output", CnnModel.Side * CnnModel.Side));
        var proto = new ModelProto { IrVersion = 8, ProducerName = "condense", ProducerVersion = "1", Graph = g.Graph };
        proto.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = OnnxExporter.Opset });
        foreach (var (k, v) in model.Describe().OrderBy(kv => kv.Key, StringComparer.Ordinal))
            proto.MetadataProps.Add(new StringStringEntryProto { Key = $"condense.{k}", Value = v });
        return new CnnOnnxExporter.Export(proto, g.MultiplyAccumulates, g.MacsByLayer);
    }

    /// <summary>
    /// Runs the graph in ONNX Runtime on <paramref name="probe"/> (count × 784 pixels) and returns
    /// the largest |ORT − TorchSharp| reconstruction difference; throws when it exceeds <paramref name="tolerance"/>.
    /// </summary>
    public static double Verify(ConvAutoencoder model, ModelProto proto, float[] probe, int count, double tolerance = Tolerance)
    {
        float[] expected;
        model.eval();
        using (no_grad())
        using (var scope = NewDisposeScope())
        {
            using var x = tensor(probe.AsSpan(0, count * CnnModel.Side * CnnModel.Side).ToArray(), [count, CnnModel.Side * CnnModel.Side]);
            expected = model.forward(x).data<float>().ToArray();
        }
        using var runner = new OnnxRuntimeRunner(Google.Protobuf.MessageExtensions.ToByteArray(proto), "ConvAutoencoder");
        var actual = OnnxTensorData.ToFloat32(runner.Run([OnnxTensorData.FromFloat32("input", probe.AsSpan(0, count * CnnModel.Side * CnnModel.Side), [count, CnnModel.Side * CnnModel.Side])])[0]);
        if (actual.Length != expected.Length)
            throw new CondenseException($"ConvAutoencoder: ONNX Runtime gave {actual.Length} outputs, TorchSharp {expected.Length}");
        var worst = 0.0;
        for (var i = 0; i < actual.Length; i++) worst = Math.Max(worst, Math.Abs(actual[i] - expected[i]));
        if (!(worst <= tolerance))
            throw new CondenseException($"ConvAutoencoder ({model.Decoder}): the ONNX graph differs from TorchSharp by {worst:G3} (> {tolerance:G3})");
        return worst;
    }
}
