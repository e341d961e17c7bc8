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
    /// <summary>ModelBytesAfter / ModelBytesBefore.</summary>
    public double Ratio => ModelBytesBefore == 0 ? 1 : (double)ModelBytesAfter / ModelBytesBefore;
}
