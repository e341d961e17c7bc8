using Condense.Formats.Onnx;
using Condense.Graph;
using Onnx;

namespace Condense.Tests.Graph;

public sealed class ActivationCaptureTests
{
    [Fact]
    public void Captured_values_are_what_the_runtime_computes_and_the_outputs_are_unchanged()
    {
        var model = OnnxReader.Read(PackagedModels.ResNet18);
        var convs = model.Proto.Graph.Node.Where(n => n.OpType == "Conv").ToList();
        var names = new[] { convs[0].Input[0], convs[0].Output[0], convs[^1].Output[0] };
        var inputs = OnnxVerifier.RandomInputs(model.Proto.Graph, seed: 3);
        using var capture = new ActivationCapture(model, names);
        var values = capture.Run(inputs);
        Assert.All(names, n => Assert.True(values.ContainsKey(n)));
        // The first conv reads the graph input itself.
        Assert.Equal(OnnxTensorData.ToFloat32(inputs[0]), OnnxTensorData.ToFloat32(values[names[0]]));
        Assert.Equal(64, values[names[1]].Dims[1]);
        using var plain = new OnnxRuntimeRunner(Google.Protobuf.MessageExtensions.ToByteArray(model.Proto), "plain");
        var expected = plain.Run(inputs);
        // Exposing a conv's output stops the runtime fusing it with its BatchNormalization, so the
        // final features may differ in the last bits; nothing more.
        var a = OnnxTensorData.ToFloat32(expected[0]);
        var b = OnnxTensorData.ToFloat32(values[model.Proto.Graph.Output[0].Name]);
        Assert.Equal(a.Length, b.Length);
        var scale = a.Max(Math.Abs);
        Assert.All(a.Zip(b), p => Assert.True(Math.Abs(p.First - p.Second) <= 1e-5 * scale));
    }

    [Fact]
    public void An_unknown_value_name_is_named()
    {
        var model = OnnxReader.Read(PackagedModels.ResNet18);
        var ex = Assert.Throws<CondenseException>(() => new ActivationCapture(model, ["no_such_value"]));
        Assert.Contains("'no_such_value'", ex.Message);
    }
}
