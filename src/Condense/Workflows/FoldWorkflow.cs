using Condense.Formats.Onnx;
using Condense.Graph;

namespace Condense.Workflows;

/// <summary>
/// <c>condense fold</c> as a library call: read, fold (<see cref="GraphFolding"/>), run original
/// and folded in ONNX Runtime on the same inputs, and only then write the folded file.
/// </summary>
public static class FoldWorkflow
{
    /// <summary>Folds BatchNormalization into the preceding Conv or Gemm of an ONNX model, checks the folded model's outputs against the original in ONNX Runtime and writes it.</summary>
    public static FoldReport Run(FoldRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        OutputPath.RefuseOverwrite(request.ModelPath, request.OutputPath);
        var model = OnnxReader.Read(request.ModelPath);
        var (folded, graph) = GraphFolding.Fold(model);
        var inputs = request.Inputs ?? OnnxVerifier.StoredInputs(request.ModelPath);
        var verification = OnnxVerifier.Compare(model.Proto, folded.Proto, request.ModelPath, inputs, request.Seed);
        if (request.Inputs is null && inputs is not null) verification = verification with { InputSource = "test_data_set_0 beside the model" };
        OnnxWriter.Write(request.OutputPath, folded.Proto);
        IReadOnlyList<RuntimeComparison> timing = [];
        IReadOnlyList<string> warnings = [];
        if (request.Measure && model.DefaultOpset >= 7)
        {
            var sample = request.Inputs ?? OnnxVerifier.RandomInputs(model.Proto.Graph, request.Seed);
            (timing, warnings) = LatencyComparison.Measure(request.ModelPath, request.OutputPath, model.Proto.Graph, sample, runs: 20);
        }
        return new FoldReport(request.ModelPath, request.OutputPath, graph, model.FileBytes, new FileInfo(request.OutputPath).Length, verification, timing, warnings);
    }
}
