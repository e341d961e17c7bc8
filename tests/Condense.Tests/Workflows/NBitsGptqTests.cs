using Condense.Calibration;
using Condense.Formats.Onnx;
using Condense.Tests.Graph;
using Condense.Tests.Quantization.Gptq;
using Condense.Workflows;
using Google.Protobuf;
using Onnx;

namespace Condense.Tests.Workflows;

public sealed class NBitsGptqTests
{
    static List<IReadOnlyList<TensorProto>> Samples(int count, int k, int seed) =>
        Enumerable.Range(0, count).Select(i => (IReadOnlyList<TensorProto>)[OnnxTensorData.FromFloat32("X", BlockGptqTests.Correlated(4, k, seed + i), [4, k])]).ToList();

    [Fact]
    public void With_data_nbits_writes_GPTQ_codes_and_reports_both_held_out_figures()
    {
        using var dir = new TempDir();
        const int k = 128, n = 32;
        var (model, _, _) = TinyModels.MatMulAdd(k, n, seed: 6);
        var input = dir.File("mm.onnx");
        File.WriteAllBytes(input, model.ToByteArray());
        RuntimeCompressionRequest Request(string output, bool dataFree) => new(input, output, RuntimeMethod.NBits, Samples(40, k, 0), Samples(20, k, 1000),
            "correlated", Bits: 2, BlockSize: 32, Measure: false, DataFree: dataFree);

        var gptq = RuntimeCompression.Run(Request(dir.File("gptq.onnx"), false));
        Assert.Equal("gptq", gptq.NBits!.Rounding);
        Assert.Null(gptq.NBits.Reason);
        Assert.Contains(OnnxReader.Read(dir.File("gptq.onnx")).Proto.Graph.Node, node => node.OpType == "MatMulNBits");
        Assert.True(gptq.NBits.HeldOutCosine > gptq.NBits.RoundToNearestCosine, $"{gptq.NBits}");

        var rtn = RuntimeCompression.Run(Request(dir.File("rtn.onnx"), true));
        Assert.Equal("round-to-nearest", rtn.NBits!.Rounding);
        Assert.Equal("--data-free", rtn.NBits.Reason);
        // The data-free run is the comparison GPTQ's report already gave.
        Assert.Equal(gptq.NBits.RoundToNearestCosine!.Value, rtn.NBits.HeldOutCosine!.Value, 12);
    }

    [Fact]
    public void Random_inputs_or_symmetric_blocks_keep_round_to_nearest_and_say_why()
    {
        var samples = Samples(2, 32, 0);
        var request = new RuntimeCompressionRequest("in.onnx", "out.onnx", RuntimeMethod.NBits, samples, samples, "random", DataIsRandom: true);
        Assert.Contains("--data", RuntimeCompression.NBitsRoundingReason(request));
        Assert.Contains("--symmetric", RuntimeCompression.NBitsRoundingReason(request with { DataIsRandom = false, Symmetric = true }));
        Assert.Null(RuntimeCompression.NBitsRoundingReason(request with { DataIsRandom = false }));
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void MiniLM_at_4_bits_with_GPTQ_beats_round_to_nearest_on_held_out_sentences()
    {
        using var dir = new TempDir();
        var minilm = OnnxReader.Read(PackagedModels.MiniLm);
        var sentences = SampleSentences.All.Take(48).ToList();
        var samples = RuntimeSamples.FromSentences(minilm, sentences, PackagedModels.MiniLmVocab, maxLength: 32);
        var (cal, held) = (samples.Take(40).ToList(), samples.Skip(40).ToList());
        var output = dir.File("m4.onnx");
        var report = RuntimeCompression.Run(new RuntimeCompressionRequest(PackagedModels.MiniLm, output, RuntimeMethod.NBits, cal, held, "sentences",
            Bits: 4, BlockSize: 32, Measure: false));
        Assert.Equal("gptq", report.NBits!.Rounding);
        Assert.True(report.RuntimeOps.ContainsKey("MatMulNBits"));
        Assert.True(report.NBits.HeldOutCosine > report.NBits.RoundToNearestCosine, $"{report.NBits}");
    }
}
