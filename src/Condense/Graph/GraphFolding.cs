using Condense.Formats.Onnx;
using Onnx;

namespace Condense.Graph;

/// <summary>
/// Exact simplifications of an inference graph, applied before any compression: BatchNormalization
/// merged into the Conv or Gemm that feeds it, Identity and inference Dropout bypassed, nodes and
/// initializers that reach no output removed, and IR-3 "initializers listed as inputs" made plain
/// initializers (IR 4). Why first: an unfused BatchNormalization rescales each output channel
/// after the weights, so a codebook or grid chosen per tensor spends its levels on the wrong
/// channels, and quantize–dequantize pairs around an unfused Conv stop the runtime's own fusions.
/// The result computes the same function up to float rounding.
/// </summary>
public static class GraphFolding
{
    /// <summary>Folds a copy of <paramref name="model"/> (external data is loaded into the copy); the input is not modified.</summary>
    public static (OnnxModel Model, GraphFoldReport Report) Fold(OnnxModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var proto = model.Proto.Clone();
        var copy = new OnnxModel(proto, model.Source, model.Directory);
        copy.LoadExternalData();
        var graph = proto.Graph;
        var before = graph.Node.Count;
        var left = new List<string>();
        var inputsRemoved = InitializersAsPlainInitializers(proto);
        var folded = BatchNormFolding.FoldAll(graph, left);
        var identities = IdentityRemoval.RemoveAll(graph, left);
        var (dead, initializers) = DeadCodeRemoval.RemoveAll(graph);
        var report = new GraphFoldReport(before, graph.Node.Count, folded, identities, dead, initializers, inputsRemoved, left);
        return (copy, report);
    }

    /// <summary>
    /// IR 3 requires every initializer to be a graph input too, which later IRs read as "a default
    /// the caller may override": the runtime then cannot fold or fuse through it. Lifting to IR 4
    /// and dropping those input entries keeps the model's callable inputs and frees the optimiser.
    /// </summary>
    static int InitializersAsPlainInitializers(ModelProto proto)
    {
        if (proto.IrVersion >= 4) return 0;
        proto.IrVersion = 4;
        var names = proto.Graph.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var removed = 0;
        for (int i = proto.Graph.Input.Count - 1; i >= 0; i--)
        {
            if (!names.Contains(proto.Graph.Input[i].Name)) continue;
            proto.Graph.Input.RemoveAt(i);
            removed++;
        }
        return removed;
    }
}
