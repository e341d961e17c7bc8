using Condense.Formats.Onnx;
using Condense.Graph;
using Condense.Graph.Structure;
using Onnx;

namespace Condense.Workflows.Structure;

/// <summary>
/// <c>condense lowrank MODEL.onnx --params F</c> as a library call: fold, pick every Conv/Gemm/MatMul
/// with its own stored weight, give each the rank its share of the budget allows, factor it
/// (whitened by its input statistics, or plain), rewrite it as two thinner layers, run the result
/// in ONNX Runtime on held-out inputs, and only then write it.
/// </summary>
public static class OnnxLowRankWorkflow
{
    /// <summary>Replaces an ONNX model's large matrices by activation-aware low-rank factors, verifies the result in ONNX Runtime and reports the measured error.</summary>
    public static OnnxLowRankReport Run(OnnxLowRankRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!(request.ParamsFraction > 0 && request.ParamsFraction < 1)) throw new CondenseException($"parameter fraction {request.ParamsFraction} must be in (0, 1)");
        OutputPath.RefuseOverwrite(request.ModelPath, request.OutputPath);
        if (request.Whitened && request.Calibration.Count == 0)
            throw new CondenseException($"{request.ModelPath}: whitened SVD needs calibration data (--data), or use --plain-svd");
        var (original, folded, heldOut, shapes) = FoldedModel.Load(request.ModelPath, request.Calibration, request.HeldOut);
        var graph = folded.Proto.Graph;
        var (layers, skipped) = Choose(graph, request.ParamsFraction);
        if (layers.Count == 0) throw new CondenseException($"{request.ModelPath}: no layer can be factorised at {request.ParamsFraction:P0} ({string.Join("; ", skipped.Take(5))})");

        using var grams = request.Calibration.Count > 0 ? InputGrams.Collect(folded, layers.Select(l => l.Layer).ToList(), request.Calibration) : null;
        ModelProto Factorised(bool whitened) => LowRankRewriter.Apply(folded.Proto, layers.Select(l =>
        {
            var (a, b) = ActivationAwareSvd.Factor(l.Layer.Matrix(), l.Layer.K, l.Layer.N, l.Rank, whitened ? grams!.For(l.Layer.Node.Name) : null);
            return new LowRankRewriter.Factors(l.Layer, l.Rank, a, b);
        }).ToList());
        var result = Factorised(request.Whitened);

        var reference = original.Proto.Clone();
        OnnxOpsetUpgrade.ToOpset7(reference, request.ModelPath);
        var agreement = OutputAgreement.Measure(reference, result, request.ModelPath, heldOut);
        var plain = request.Whitened && request.ComparePlain ? OutputAgreement.Measure(reference, Factorised(false), request.ModelPath, heldOut) : null;
        (double, double)? latency = request.LatencyRuns > 0 ? LatencyProbe.Compare(reference, result, heldOut[0], request.LatencyRuns, request.ModelPath) : null;

        var outputs = layers.Select(l => OnnxPruneWorkflow.LayerOutput(graph, l.Layer.Node)).ToList();
        var errors = LayerErrors.Measure(folded, new OnnxModel(result, request.ModelPath, null), outputs, new Dictionary<string, (int, HashSet<long>)>(), heldOut);
        var rows = layers.Select((l, i) =>
        {
            var output = shapes.TryGetValue(l.Layer.Node.Output[0], out var d) ? d.Aggregate(1L, (x, y) => x * y) : l.Layer.N;
            var positions = Math.Max(1, output / l.Layer.N);
            long before = (long)l.Layer.K * l.Layer.N, after = (long)l.Rank * (l.Layer.K + l.Layer.N);
            return new StructureLayerRow(l.Layer.Node.Name, l.Layer.Node.OpType, 2.0 * positions * before, 2.0 * positions * after, before, after,
                4 * before, 4 * after, errors.TryGetValue(outputs[i], out var e) ? e : null, $"rank {l.Rank}");
        }).ToList();
        OnnxWriter.Write(request.OutputPath, result);
        return new OnnxLowRankReport(request.ModelPath, request.OutputPath, request.DataDescription, request.DataIsRandom,
            request.Whitened ? "whitened SVD (SVD-LLM)" : "plain SVD", request.ParamsFraction, rows, skipped,
            OnnxPruneWorkflow.Parameters(original.Proto), OnnxPruneWorkflow.Parameters(result), original.FileBytes, new FileInfo(request.OutputPath).Length,
            agreement, plain, latency?.Item1, latency?.Item2);
    }

    /// <summary>Layers with their own stored weight and a rank that saves parameters; the rest with the reason.</summary>
    static (List<(MatrixLayer Layer, int Rank)> Layers, List<string> Skipped) Choose(GraphProto graph, double fraction)
    {
        var initializers = graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var readers = graph.Node.SelectMany(n => n.Input).GroupBy(i => i).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var layers = new List<(MatrixLayer, int)>();
        var skipped = new List<string>();
        foreach (var node in graph.Node.Where(n => n.OpType is "Conv" or "Gemm" or "MatMul"))
        {
            var layer = MatrixLayer.Of(node, initializers);
            if (layer is null) { skipped.Add($"{node.Name}: not a linear layer over a stored weight (or a grouped conv)"); continue; }
            if (readers[layer.Weight.Name] > 1) { skipped.Add($"{node.Name}: weight '{layer.Weight.Name}' is shared"); continue; }
            var rank = (int)Math.Floor((1 - fraction) * layer.K * (double)layer.N / (layer.K + layer.N));
            if (rank < 1) { skipped.Add($"{node.Name}: no rank ≥ 1 fits {1 - fraction:P0} of {layer.K}×{layer.N}"); continue; }
            layers.Add((layer, rank));
        }
        return (layers, skipped);
    }
}
