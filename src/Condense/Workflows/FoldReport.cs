using Condense.Formats.Onnx;
using Condense.Graph;

namespace Condense.Workflows;

/// <summary>What folding changed, the file sizes, the verifier's output difference (original vs folded, in ONNX Runtime), and both files timed alike.</summary>
public sealed record FoldReport(string ModelPath, string OutputPath, GraphFoldReport Graph, long BytesBefore, long BytesAfter, OnnxVerification Verification,
    IReadOnlyList<RuntimeComparison> Timing, IReadOnlyList<string> Warnings);
