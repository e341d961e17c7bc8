using Condense.Data;
using Condense.Formats.Onnx;
using Condense.Formats.Onnx.Cnn;
using Condense.LowRank;
using Condense.Models;
using Condense.Models.Cnn;
using Condense.Workflows;
using static TorchSharp.torch;

namespace Condense.Cli.Commands;

/// <summary>
/// <c>condense lowrank MODEL --ranks r -o FILE</c>: the factorised network (the layer as its rank-r
/// factors, the SVD the sweep used) as a file <c>condense eval</c> reads; with <c>--plus-sparse F</c>
/// the L + S network instead.
/// </summary>
static class LowRankOutput
{
    public static void Write(System.CommandLine.ParseResult parse, string input, MlpModel net, string layer, int[] ranks, SparseBudget? budget,
        RandomizedSvdOptions? randomized, string path, string dataSet)
    {
        if (ranks.Length != 1)
            throw new CondenseException("lowrank: --output writes one network; give exactly one rank in --ranks");
        OutputPath.RefuseOverwrite(input, path);
        string note;
        if (budget is { } b)
        {
            var (model, error) = LowRankPlusSparseModel.Build(net, layer, ranks[0], b);
            using (model) ModelFiles.Save(path, model, new ModelCard(dataSet));
            note = $"{layer} as rank {ranks[0]} + S ({b}), rel. Frobenius err {error:F4}";
        }
        else
        {
            using var model = FactorizedModel.FromDense(net, FactorizedModel.OneLayer(net, layer, ranks[0]), randomized);
            ModelFiles.Save(path, model, new ModelCard(dataSet));
            note = $"{layer} as its rank-{ranks[0]} factors ({model.ParameterCount:N0} parameters)";
        }
        if (!parse.GetValue<bool>("--json"))
            parse.InvocationConfiguration.Output.WriteLine($"wrote {path}: {note}");
    }

    /// <summary>
    /// <c>condense lowrank CNN --layer conv2 --ranks r -o FILE.safetensors</c>: the CNN with that
    /// kernel replaced by its rank-r product (a model file <c>condense eval</c> reads), and beside it
    /// FILE.onnx with the kernel as a k×k conv of r filters and a 1×1 conv (smaller, run by ONNX
    /// Runtime and checked against TorchSharp before it is written).
    /// </summary>
    public static void WriteCnnAtRank(System.CommandLine.ParseResult parse, CnnModel net, string layer, int rank, string path, string dataSet)
    {
        if (!path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase))
            throw new CondenseException($"lowrank: a CNN is written as a .safetensors model file (and .onnx beside it), not '{Path.GetFileName(path)}'");
        var target = RankSweep.FindWeightLayer(net, layer);
        if (!target.IsConvolution) throw new CondenseException($"lowrank: --output on a CNN writes a factorised convolution; {layer} is a Linear layer");
        var shape = target.Weight.shape;
        using var original = target.Weight.detach().clone();
        using var approx = TruncatedSvd.Compute(target.Matrix.detach(), rank);
        using (no_grad())
        using (var product = approx.Reconstruct()) target.Weight.copy_(product.reshape(shape));
        try
        {
            net.eval();
            ModelFile.Save(path, net, new ModelCard(dataSet, Extra: new Dictionary<string, string> { ["lowrank.layer"] = layer, ["lowrank.rank"] = rank.ToString(System.Globalization.CultureInfo.InvariantCulture) }));
            var proto = CnnOnnxExporter.Build(net, dataSet).Model;
            LowRankConvOnnx.Factorise(proto, layer, approx.Left, approx.Right, shape);
            var (probe, _) = Condense.Data.DataSets.Load(dataSet);
            CnnOnnxExporter.Verify(net, proto, probe.Images[..(64 * probe.Features)], 64);
            var onnxPath = Path.ChangeExtension(path, ".onnx");
            OnnxWriter.Write(onnxPath, proto);
            if (!parse.GetValue<bool>("--json"))
                parse.InvocationConfiguration.Output.WriteLine($"wrote {path} ({layer} at rank {rank}, relative Frobenius error {approx.RelativeFrobeniusError:F4}) and {onnxPath} "
                    + $"({new FileInfo(onnxPath).Length:N0} bytes: {layer} as a {shape[2]}×{shape[3]} conv of {rank} filters and a 1×1 conv, {rank * (shape[0] + shape[1] * shape[2] * shape[3]):N0} weights instead of {shape[0] * shape[1] * shape[2] * shape[3]:N0}; ONNX Runtime matches TorchSharp)");
        }
        finally
        {
            using (no_grad()) target.Weight.copy_(original);
        }
    }
}
