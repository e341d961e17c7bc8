using Google.Protobuf;
using Condense.Formats.Onnx;
using Onnx;

namespace Condense.Tests.Formats.Onnx;

public sealed class OnnxRoundTripTests : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("condense-onnx-rt").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [OnnxTestDataTheory]
    [MemberData(nameof(OnnxTestData.Models), MemberType = typeof(OnnxTestData))]
    public void Read_write_read_is_unchanged_and_reproduces_the_stored_outputs(string model)
    {
        var original = OnnxReader.Read(OnnxTestData.ModelPath(model));
        var path = Path.Combine(dir, "model.onnx");
        OnnxWriter.Write(path, original);
        var back = OnnxReader.Read(path);
        Assert.Equal(original.Proto, back.Proto);

        // ONNX Runtime 1.31 implements no kernel older than opset 7: lift the file's copy in memory.
        var runnable = back.Proto.Clone();
        OnnxOpsetUpgrade.ToOpset7(runnable, path);
        using var runner = new OnnxRuntimeRunner(runnable.ToByteArray(), path);
        var outputs = runner.Run(OnnxTestData.Tensors(model, "input"));
        OnnxTestData.AssertClose(outputs, OnnxTestData.Tensors(model, "output"));
    }

    [Fact]
    public void Unknown_fields_of_newer_ir_versions_survive_a_round_trip()
    {
        var model = new ModelProto { IrVersion = 10, Graph = new GraphProto { Name = "g" } };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 17 });
        var bytes = model.ToByteArray();
        // Field 99 (varint 42) and field 100 (bytes "hi") are not in onnx.proto 1.12.
        var extra = new byte[] { 0x98, 0x06, 42, 0xA2, 0x06, 2, (byte)'h', (byte)'i' };
        var withUnknown = bytes.Concat(extra).ToArray();
        var read = OnnxReader.Parse(withUnknown, "mem");
        var written = read.ToByteArray();
        Assert.Equal(withUnknown.Length, written.Length);
        Assert.True(written.AsSpan().IndexOf(extra) >= 0, "unknown fields were dropped");
    }
}
