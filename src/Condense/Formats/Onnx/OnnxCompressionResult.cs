using Onnx;

namespace Condense.Formats.Onnx;

/// <summary>The compressed model and what each tensor became.</summary>
/// <param name="Model">The rewritten model (a new message; the input is not modified).</param>
/// <param name="Tensors">One report per weight tensor, in graph order.</param>
/// <param name="ModelBytesBefore">Serialised size of the original model.</param>
/// <param name="ModelBytesAfter">Serialised size of the compressed model.</param>
/// <param name="OpsetLifted">True when the model was lifted to opset 7 so ONNX Runtime can run it.</param>
public sealed record OnnxCompressionResult(
    ModelProto Model,
    IReadOnlyList<OnnxTensorReport> Tensors,
    long ModelBytesBefore,
    long ModelBytesAfter,
    bool OpsetLifted)
{
    /// <summary>
    /// Nodes whose weights were left as they were for a reason a user can act on (not float32,
    /// NaN or infinity), one per node; tensors merely below the minimum
    /// size or that no encoding makes smaller are not listed here (see <see cref="Tensors"/>).
    /// </summary>
    public IReadOnlyList<OnnxUntouchedNode> Untouched { get; init; } = [];

    /// <summary>
    /// Throws a one-line <see cref="CondenseException"/> when no tensor was compressed (a model of
    /// only Add/Relu and tiny tensors, or whose weights are all kept): writing a copy of the input
    /// under a new name would only mislead. Names the largest weight and what kept it.
    /// </summary>
    /// <param name="source">The model's file or name, which the message starts with.</param>
    public void ThrowIfNothingCompressed(string source)
    {
        if (Tensors.Any(t => t.Compressed)) return;
        if (Tensors.Count == 0)
            throw new CondenseException($"{source}: nothing to compress: the model has no weight tensors (initializers or Constant nodes)");
        var largest = Tensors.MaxBy(t => t.BytesBefore)!;
        throw new CondenseException($"{source}: nothing to compress: none of its {Tensors.Count} weight tensors can be made smaller " +
            $"(largest: '{largest.Name}' [{string.Join(", ", largest.Shape)}] {largest.DataType}, {largest.Encoding}" +
            (Untouched.Count > 0 ? $"; {Untouched[0]}" : "") + ")");
    }

    /// <summary>ModelBytesAfter / ModelBytesBefore.</summary>
    public double Ratio => ModelBytesBefore == 0 ? 1 : (double)ModelBytesAfter / ModelBytesBefore;
}
