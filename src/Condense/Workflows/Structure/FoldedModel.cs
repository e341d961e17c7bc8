using Condense.Formats.Onnx;
using Condense.Graph;
using Onnx;

namespace Condense.Workflows.Structure;

/// <summary>
/// What every structural workflow starts from: the model as read, its folded copy with every node
/// named, the held-out inputs (seeded random when none are given), and the shape of every value
/// from one ONNX Runtime run.
/// </summary>
internal sealed record FoldedModel(OnnxModel Original, OnnxModel Folded, IReadOnlyList<IReadOnlyList<TensorProto>> HeldOut,
    IReadOnlyDictionary<string, long[]> Shapes)
{
    public static FoldedModel Load(string path, IReadOnlyList<IReadOnlyList<TensorProto>> calibration, IReadOnlyList<IReadOnlyList<TensorProto>> heldOut)
    {
        var original = OnnxReader.Read(path);
        var (folded, _) = GraphFolding.Fold(original);
        NodeNames.Ensure(folded.Proto.Graph);
        var held = heldOut.Count > 0 ? heldOut : [OnnxVerifier.RandomInputs(folded.Proto.Graph, 0)];
        var shapes = ValueShapes.Capture(folded, calibration.Count > 0 ? calibration[0] : held[0]);
        return new FoldedModel(original, folded, held, shapes);
    }
}
